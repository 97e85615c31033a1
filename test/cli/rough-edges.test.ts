/**
 * Rough edges a newcomer hit, each as they met it: a report account that may only read the
 * SQLite store, a reverse map written into a directory that does not exist.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { newInstallLog } from '../../src/install/install-files.js';
import { installNodeBundle } from '../../src/install/node-bundle.js';
import { repoRoot, runXalt, type XaltResult } from '../helpers/run-xalt.js';

const NOBODY = 65534;

function scratch(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'xalt-edges-'));
  chmodSync(dir, 0o755); // the unprivileged account must be able to enter it
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * The xalt command as `xalt install` lays it out, under `dir`: another account can run it
 * wherever this checkout is (cloned under root's 0700 home, or in a `mktemp -d`).
 */
function xaltForOthers(dir: string): (args: string[]) => XaltResult {
  const lib = join(dir, 'lib', 'xalt');
  installNodeBundle(newInstallLog(), repoRoot, lib);
  return (args) => {
    const r = spawnSync(process.execPath, [join(lib, 'bin', 'xalt'), ...args], { encoding: 'utf8', uid: NOBODY, gid: NOBODY, cwd: '/', env: { PATH: '/usr/bin:/bin', NO_COLOR: '1' } });
    return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  };
}

test('an account that may only read the SQLite store can still report from it', (t) => {
  if (process.getuid?.() !== 0) return t.skip('needs root to run as another account');
  if (spawnSync(process.execPath, ['-e', ''], { uid: NOBODY, gid: NOBODY, cwd: '/' }).status !== 0) return t.skip(`${process.execPath} cannot be run by other accounts`);
  const dir = scratch(t);
  const asNobody = xaltForOthers(dir);
  const db = join(dir, 'xalt.db');
  const made = runXalt(['db', 'migrate', '--db', db]);
  assert.equal(made.status, 0, made.stderr);
  chmodSync(db, 0o644); // root's store: others may read it, not write it, nor the directory
  const r = asNobody(['report', 'overview', '--db', db]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /Overview on all clusters/);
  const f = asNobody(['find', '--db', db, '--user', 'alice']);
  assert.doesNotMatch(f.stderr, /readonly database/);
});

test('rmap -o into a missing directory is a one-line error naming the file, not a stack trace', (t) => {
  const dir = scratch(t);
  const tree = join(dir, 'modulefiles', 'foo');
  mkdirSync(tree, { recursive: true });
  writeFileSync(join(tree, '1.0'), '#%Module\nprepend-path PATH /opt/foo/1.0/bin\n');
  const out = join(dir, 'missing', 'rmap.json');
  const r = runXalt(['rmap', '-o', out, join(dir, 'modulefiles')], { env: { ...process.env, LMOD_DIR: '' } });
  assert.equal(r.status, 1);
  assert.equal(r.stderr, `xalt: error: cannot write ${out}: ENOENT\n  hint: check that the directory exists and is writable\n`);
});

test('$XALT_DB names the store for ingest, db migrate and db info exactly as for find and report', (t) => {
  const dir = scratch(t);
  const db = join(dir, 'from-env.db');
  const spool = join(dir, 'spool');
  mkdirSync(spool);
  const env = { ...process.env, XALT_DB: db };
  const cwd = dir; // a ./xalt.db here would be the old, silent fallback
  assert.equal(runXalt(['db', 'migrate'], { env, cwd }).status, 0);
  const ingest = runXalt(['ingest', spool], { env, cwd });
  assert.equal(ingest.status, 0, ingest.stderr);
  const info = runXalt(['db', 'info', '--json'], { env, cwd });
  assert.equal(info.status, 0, info.stderr);
  assert.ok(info.stdout.includes(db), `db info names ${db}: ${info.stdout}`);
  assert.equal(runXalt(['report', 'overview'], { env, cwd }).status, 0);
  assert.equal(existsSync(join(dir, 'xalt.db')), false, 'no second store was made in the working directory');
});

test('a reader that goes away (xalt … | head) ends xalt quietly, in the pack and in the ES modules', (t) => {
  const dir = scratch(t);
  for (const noBundle of ['0', '1']) {
    // `true` exits (closing the pipe) long before Node has started: every write meets EPIPE
    const sh = spawnSync('/bin/sh', ['-c', `("${process.execPath}" "${repoRoot}bin/xalt" --help 2>"${dir}/err"; echo $? >"${dir}/rc") | true`], { encoding: 'utf8', env: { ...process.env, XALT_NO_BUNDLE: noBundle } });
    assert.equal(sh.status, 0);
    assert.equal(readFileSync(join(dir, 'err'), 'utf8'), '', `no stack trace (XALT_NO_BUNDLE=${noBundle})`);
    assert.equal(readFileSync(join(dir, 'rc'), 'utf8').trim(), '0');
  }
});
