import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runXalt } from '../helpers/run-xalt.js';

function scratch(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'xalt-doctor-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('doctor on a fresh installation with the module loaded: every check passes', (t) => {
  const dir = scratch(t);
  const prefix = join(dir, 'sw/xalt');
  const spool = join(dir, 'spool');
  const config = join(dir, 'xalt.toml');
  writeFileSync(config, `[spool]\nprefix = "${spool}"\ntmpdir = "${dir}"\n[store]\nurl = "${join(dir, 'xalt.db')}"\n`);
  const install = runXalt(['install', prefix, '-c', config]);
  assert.equal(install.status, 0, install.stderr);
  assert.equal(runXalt(['db', 'migrate', '-c', config]).status, 0);
  // what `module load xalt` sets
  const env = { XALT_DIR: prefix, PATH: `${prefix}/bin:${process.env['PATH']}`, XALT_CONFIG: config };
  const r = runXalt(['doctor', '--json'], { env });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const checks = (JSON.parse(r.stdout) as { checks: { check: string; status: string; detail: string }[] }).checks;
  assert.deepEqual(checks.map((c) => c.check), ['config', 'collector', 'spool', 'tmpdir', 'python hook', 'link wrapper', 'store']);
  for (const c of checks) assert.equal(c.status, 'ok', `${c.check}: ${c.detail}`);
  assert.match(checks[1]!.detail, new RegExp(`^${prefix}/lib/libxalt\\.so records runs`));
});

test('doctor names what is broken and exits 1', (t) => {
  const dir = scratch(t);
  const config = join(dir, 'xalt.toml');
  writeFileSync(config, `[spool]\nprefix = "${join(dir, 'no-such-spool')}"\ntmpdir = "${join(dir, 'no-such-tmp')}"\n`);
  const r = runXalt(['doctor', '-c', config]);
  assert.equal(r.status, 1);
  assert.match(r.stdout, /^FAIL  spool +.*no-such-spool does not exist/m);
  assert.match(r.stdout, /^FAIL  tmpdir +.*no-such-tmp is not writable/m);
  const bad = join(dir, 'bad.toml');
  writeFileSync(bad, '[spool]\nlayout = "weekly"\n');
  const b = runXalt(['doctor', '-c', bad]);
  assert.equal(b.status, 1);
  assert.match(b.stdout, /^FAIL  config +.*bad\.toml:2: spool\.layout/m);
});
