/**
 * `xalt install` into a place no directory can be made — a pseudo file system (/proc), under
 * a regular file — ends at once with one line naming what it could not create (it once spun
 * at 100 % CPU on /proc/x), and leaves nothing behind.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { xaltBin } from '../helpers/run-xalt.js';

/** `xalt args…`, killed after `timeout` ms so a spin fails the test instead of hanging it. */
function xaltTimed(args: string[], timeout = 60_000): { status: number | null; signal: string | null; stderr: string; ms: number } {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [xaltBin, ...args], { encoding: 'utf8', timeout, env: { ...process.env, NO_COLOR: '1', XALT_CONFIG: '' } });
  return { status: r.status, signal: r.signal, stderr: r.stderr, ms: Date.now() - t0 };
}

test('xalt install into /proc/x or under a file stops at once with a one-line error', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'xalt-install-refused-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const build = join(dir, 'build');
  const built = xaltTimed(['build', '--out', build], 600_000); // a compile: slow on a busy machine
  assert.equal(built.status, 0, built.stderr);
  const spool = join(dir, 'spool');
  const proc = xaltTimed(['install', '/proc/x', '--build', build, '--spool', spool]);
  assert.equal(proc.signal, null, `xalt install /proc/x was still running after ${proc.ms} ms`);
  assert.equal(proc.status, 1);
  assert.equal(proc.stderr, 'xalt: error: install into /proc/x failed: mkdir /proc/x: ENOENT\n  hint: check permissions (installing under /opt usually needs root)\n');
  assert.equal(existsSync('/proc/x'), false);

  const file = join(dir, 'a-file');
  writeFileSync(file, '');
  const under = xaltTimed(['install', join(file, 'x'), '--build', build, '--spool', spool]);
  assert.equal(under.status, 1, under.stderr);
  assert.match(under.stderr, new RegExp(`^xalt: error: install into ${file}/x failed: refusing to create or use ${file}/x: ${file} is not a directory\\n  hint: `));
  assert.deepEqual(readdirSync(dir).sort(), ['a-file', 'build'], 'no spool or prefix was made');
});
