/**
 * `-v` names the configuration a command used and why: a `./xalt.toml` in the current
 * directory winning over the installed one must be visible, not silent.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runXalt } from '../helpers/run-xalt.js';

const NOTICE = /^xalt: configuration: .*$/m;

test('-v says which configuration file is used and why; without -v nothing is said', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'xalt-notice-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const local = join(dir, 'xalt.toml');
  writeFileSync(local, '[store]\nurl = "local.db"\n');
  const other = join(dir, 'other.toml');
  writeFileSync(other, '[store]\nurl = "other.db"\n');
  const env = { XALT_CONFIG: '', XALT_DB: '', XALT_DIR: join(dir, 'installed') };
  const inCwd = runXalt(['config', 'check', '-v'], { cwd: dir, env });
  assert.equal(inCwd.status, 0, inCwd.stderr);
  assert.equal(NOTICE.exec(inCwd.stderr)?.[0], `xalt: configuration: ${local} (xalt.toml in the current directory)`);
  const given = runXalt(['config', 'check', '--verbose', '-c', other], { cwd: dir, env });
  assert.equal(NOTICE.exec(given.stderr)?.[0], `xalt: configuration: ${other} (--config)`);
  const byEnv = runXalt(['config', 'check', '-v'], { cwd: dir, env: { ...env, XALT_CONFIG: other } });
  assert.equal(NOTICE.exec(byEnv.stderr)?.[0], `xalt: configuration: ${other} ($XALT_CONFIG)`);
  const quiet = runXalt(['config', 'check'], { cwd: dir, env });
  assert.doesNotMatch(quiet.stderr, NOTICE);
});

test('-v with the store named by --db: the command reads no configuration, and says so', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'xalt-notice-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'xalt.toml'), 'this is not toml [');
  const r = runXalt(['find', '-v', '--db', join(dir, 'missing.db'), '--user', 'alice'], { cwd: dir, env: { XALT_CONFIG: '', XALT_DB: '' } });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /^xalt: configuration: none read \(the store was named by --db or \$XALT_DB, or the command needs none\)$/m);
  assert.match(r.stderr, /missing\.db: no such file/);
});
