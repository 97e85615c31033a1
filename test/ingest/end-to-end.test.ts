/**
 * The whole node-to-store path with real parts and a real user: a Python importing a package
 * runs as an unprivileged user under the real collector and hook inside a "job", is killed with
 * SIGKILL (nothing of xalt's runs at its end), the job's epilog — the real xalt-ship, as root —
 * ships what it staged, and ingest loads the bundle: the run is there as the user's, closed as
 * job_end with the job's state, with its package. (What the wave-1 `xalt epilog` tests checked
 * for killed Python runs, now across collector, hook, shipper and ingest.)
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ingestSpools } from '../../src/ingest/ingest.js';
import { createTestStore } from '../helpers/test-stores.js';
import { alice, node, ROOT, ship } from '../ship/helpers.js';
import { pythonFor, writeSite } from '../python/helpers.js';

type Obj = Record<string, unknown>;

test('a user\'s Python killed mid-job reaches the store as hers, closed as job_end, with its package', async (t) => {
  if (process.getuid?.() !== 0) { t.skip('needs root to run as another user and to ship'); return; }
  const a = alice();
  const n = node();
  const base = join(n.staging, '..'); // a 0755 scratch directory: the user can read what is copied here
  const lib = join(base, 'libxalt.so');
  copyFileSync(join(ROOT, 'native/build/libxalt.so'), lib);
  const hook = join(base, 'hook');
  cpSync(join(ROOT, 'python/xalt_hook'), hook, { recursive: true });
  const site = join(base, 'site');
  writeSite(site, [{ name: 'alpha', version: '1.2.3', packages: ['alpha'] }]);
  mkdirSync(join(base, 'home'), { recursive: true });

  const py = pythonFor(a.uid);
  const child = spawn(py, ['-c', 'import alpha, time\nprint("ready", flush=True)\ntime.sleep(60)'], {
    uid: a.uid, gid: a.gid, stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      PATH: '/usr/bin:/bin', USER: a.name, HOME: join(base, 'home'), LD_PRELOAD: lib, XALT_EXECUTABLE_TRACKING: 'yes', XALT_TMPDIR: n.staging,
      XALT_SAMPLING: 'no', PYTHONPATH: `${hook}:${site}`, SLURM_JOB_ID: '88', SLURM_JOB_ACCOUNT: 'proj', SLURM_JOB_PARTITION: 'cpu',
    },
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (b: Buffer) => { out += b.toString(); if (out.includes('ready')) child.kill('SIGKILL'); });
    child.on('error', reject);
    child.on('exit', (code, sig) => (sig === 'SIGKILL' ? resolve() : reject(new Error(`python ended with ${code ?? sig}: ${out}`))));
  });
  const staged = readdirSync(n.staging);
  assert.ok(staged.some((f) => f.startsWith(`xalt_run.${a.uid}.88.`)), `a run file staged: ${staged.join(' ')}`);
  assert.ok(staged.some((f) => f.startsWith(`xalt_pkg.${a.uid}.88.`)), `a pkg file staged: ${staged.join(' ')}`);

  const r = ship(n, ['--job', '88', '--uid', String(a.uid), '--job-state', 'CANCELLED']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /^xalt-ship: job 88 uid \d+: 2 files shipped, 1 run closed/);

  const s = await createTestStore('sqlite');
  t.after(() => s.drop());
  const sum = await ingestSpools(s.store, [n.spool], { jobs: 0 });
  assert.deepEqual([sum.bundlesRead, sum.runs, sum.pkgs, sum.quarantined, sum.flagged], [1, 2, 1, 0, 0]);
  const [run] = await s.store.all<Obj>(`SELECT run_uuid, ${'"user"'} AS u, owner_user, job_id, account, end_reason, has_start, has_end FROM xalt_run`);
  assert.deepEqual([run!['u'], run!['owner_user'], run!['job_id'], run!['account'], run!['end_reason'], Number(run!['has_start']), Number(run!['has_end'])], [a.name, a.name, '88', 'proj', 'job_end', 1, 1]);
  const pkgs = await s.store.all<Obj>(`SELECT pkg_name, owner_user FROM xalt_pkg WHERE run_uuid = ?`, [run!['run_uuid'] as string]);
  assert.deepEqual(pkgs.map((p) => [p['pkg_name'], p['owner_user']]), [['alpha', a.name]]);
  assert.equal(spawnSync('ls', [n.staging]).stdout.toString().includes(`xalt_run.${a.uid}.88.`), false, 'the job\'s staging is gone');
});
