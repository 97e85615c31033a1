/**
 * End to end on one node: real programs run by a real user under the real collector write
 * only node-local staging; one of them is SIGKILLed; the epilog (xalt-ship, as root) ships the
 * job in one bundle — the finished run as the collector wrote it, the killed one closed with
 * job_end — with hash_id filled, and nothing else ever reaches the shared spool.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { verifyRecordCrc } from '../../src/schema/crc16.js';
import { validateRun } from '../../src/schema/validate.js';
import { alice, lines, node, onlyBundle, ROOT, scratch, sha1, ship, staged, type BundleEntry } from './helpers.js';

type Obj = Record<string, unknown>;

const PROG = `#include <stdlib.h>
#include <unistd.h>
int main(int argc, char **argv) {
  if (argc > 1 && argv[1][0] == 's') for (;;) pause(); /* "sleep": until killed */
  return argc > 1 ? atoi(argv[1]) : 0;
}
`;

test('a job\'s real runs under the collector: the killed one is closed by the epilog, all in one bundle, hashed', async () => {
  execFileSync('make', ['-s', '-C', join(ROOT, 'native')], { stdio: ['ignore', 'ignore', 'inherit'] });
  const bin = scratch('e2e-bin');
  // alice loads the collector from a directory she can enter wherever the checkout is (a 0700 home)
  const lib = join(bin, 'libxalt.so');
  copyFileSync(join(ROOT, 'native/build/libxalt.so'), lib);
  const src = join(bin, 'prog.c');
  const prog = join(bin, 'prog');
  writeFileSync(src, PROG);
  execFileSync('cc', ['-O1', '-o', prog, src]);
  const n = node();
  const a = alice();
  const env = {
    PATH: '/usr/bin:/bin', HOME: bin, USER: a.name, LD_PRELOAD: lib, XALT_EXECUTABLE_TRACKING: 'yes', XALT_SAMPLING: 'no',
    XALT_TMPDIR: n.staging, XALT_FILE_PREFIX: n.spool, SLURM_JOB_ID: '900', SLURM_JOB_UID: String(a.uid), SLURM_JOB_USER: a.name,
  };
  const done = spawnSync(prog, ['3'], { uid: a.uid, gid: a.gid, env, timeout: 30_000 });
  assert.equal(done.status, 3);
  const killed = spawn(prog, ['sleep'], { uid: a.uid, gid: a.gid, env, stdio: 'ignore' });
  const t0 = Date.now();
  while (staged(n).filter((f) => f.startsWith('xalt_run.')).length < 2) {
    if (Date.now() - t0 > 20_000) throw new Error(`no start record staged: ${staged(n).join(', ')}`);
    await new Promise((res) => setTimeout(res, 20));
  }
  killed.kill('SIGKILL');
  await new Promise((res) => killed.once('exit', res));
  assert.deepEqual(readdirSync(n.spool), [], 'the runs wrote nothing to the shared spool');
  assert.ok(staged(n).every((f) => !f.startsWith('xalt_run.') || f.startsWith(`xalt_run.${a.uid}.900.`)), staged(n).join(', '));

  const r = ship(n, ['--job', '900', '--uid', String(a.uid), '--job-state', 'CANCELLED']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(lines(r.stderr).length, 1);
  assert.match(r.stderr, /: 2 files shipped, 1 run closed, 1 executable hashed, 1 from cache to /);
  assert.deepEqual(staged(n).filter((f) => f.startsWith('xalt_run.')), []);

  const { entries } = onlyBundle(n.spool);
  const userT = (e: BundleEntry) => e.json['userT'] as Obj;
  const userDT = (e: BundleEntry) => e.json['userDT'] as Obj;
  const hash = sha1(readFileSync(prog));
  for (const e of entries) {
    assert.equal(verifyRecordCrc(e.text), true, e.name);
    assert.deepEqual(validateRun(e.json).issues, [], e.name);
    assert.equal(e.json['hash_id'], hash, `hash_id of ${e.name}`);
    assert.deepEqual([e.owner, e.flags, userT(e)['user']], [a.uid, '-', a.name]);
    assert.equal(userT(e)['exec_path'], prog);
  }
  const finished = entries.filter((e) => (e.json['cmdlineA'] as string[])[1] === '3');
  assert.deepEqual(finished.map((e) => [e.name.split('.')[4], userT(e)['end_reason'], userDT(e)['exit_status']]), [['zzz', 'exit', 3]]);
  const closed = entries.filter((e) => (e.json['cmdlineA'] as string[])[1] === 'sleep');
  assert.deepEqual(closed.map((e) => e.name.split('.')[4]), ['aaa', 'zzz']);
  const z = closed[1]!;
  assert.deepEqual([userT(z)['end_reason'], userT(z)['job_state'], userDT(z)['exit_status']], ['job_end', 'CANCELLED', -1]);
  assert.ok(Number(userDT(z)['run_time']) > 0 && Number(userDT(z)['run_time']) < 60);
  assert.equal(userT(z)['run_uuid'], userT(closed[0]!)['run_uuid']);
});
