/**
 * Python package tracking and `xalt epilog` against their budgets (docs/internals/budgets.md):
 *  1. `python3 -c 'import json, csv, decimal'` with the hook active vs without: ≤ 3 ms added;
 *  2. a script importing 300 distinct installed packages, with vs without: ≤ 15 ms added;
 *  3. `xalt epilog` for a job with 5,000 staged records: ≤ 2 s (baseline: `cp -a` of the
 *     same staging files, the floor of moving those bytes).
 * Runs with and without are interleaved and the medians compared, because the machine is
 * shared and noisy; ratios travel, absolute times do not. Python: $XALT_BENCH_PYTHON or python3.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serializeRecord } from '../src/schema/serialize.js';
import { fileTimeStamp } from '../src/schema/spool-layout.js';
import { uuid7 } from '../src/schema/uuid7.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const HOOK = join(ROOT, 'python', 'xalt_hook');
const RUNS = 51;

function realPython(): string {
  const r = spawnSync(process.env['XALT_BENCH_PYTHON'] ?? 'python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`python3 not runnable: ${r.stderr}`);
  return r.stdout.trim();
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function timeMs(cmd: string, args: string[], env: NodeJS.ProcessEnv): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return ms;
}

/** Median wall time of `python -c code` as a PKGS run with the hook, and as a plain run. */
function compare(py: string, code: string, pythonPath: string[], shm: string) {
  const uuid = uuid7();
  const stamp = fileTimeStamp(Date.now() / 1000);
  // sh execs Python, so "$$" is Python's pid, as when the collector names the file.
  const tracked = `export XALT_RUN_UUID=${uuid} XALT_DATE_TIME=${stamp} XALT_PKG_STAGING="${shm}/xalt_pkg.0.bench.${uuid}.$$.bench.${stamp}.bench.jsonl"; exec "$0" -c "$1"`;
  const plain = 'exec "$0" -c "$1"';
  const base = { PATH: process.env['PATH'], HOME: process.env['HOME'] };
  const withHook = { ...base, PYTHONPATH: [HOOK, ...pythonPath].join(':') };
  const without = { ...base, ...(pythonPath.length ? { PYTHONPATH: pythonPath.join(':') } : {}) };
  const a: number[] = [];
  const b: number[] = [];
  const added: number[] = [];
  for (let i = 0; i < 3; i++) timeMs('sh', ['-c', tracked, py, code], withHook); // warm caches and .pyc files
  for (let i = 0; i < RUNS; i++) {
    // Alternate which goes first, and compare each pair: load from other users hits both alike.
    const first = i % 2 === 0;
    const x = first ? timeMs('sh', ['-c', tracked, py, code], withHook) : 0;
    const y = timeMs('sh', ['-c', plain, py, code], without);
    const z = first ? x : timeMs('sh', ['-c', tracked, py, code], withHook);
    a.push(z);
    b.push(y);
    added.push(z - y);
  }
  return { withHook: median(a), without: median(b), added: median(added) };
}

function report(what: string, r: { withHook: number; without: number; added: number }, budgetMs: number): void {
  console.log(
    `${what}: ${r.added >= 0 ? '+' : ''}${r.added.toFixed(2)} ms with the hook (median of ${RUNS} paired differences; medians ${r.withHook.toFixed(2)} ms ` +
      `vs ${r.without.toFixed(2)} ms without, ratio ${(r.withHook / r.without).toFixed(3)}); budget ≤ ${budgetMs} ms: ${r.added <= budgetMs ? 'OK' : 'OVER'}`,
  );
}

/** 300 installed distributions, one package each, with wheel-style metadata. */
function writeSite300(site: string): string[] {
  const names: string[] = [];
  for (let i = 0; i < 300; i++) {
    const name = `benchpkg_${String(i).padStart(3, '0')}`;
    names.push(name);
    mkdirSync(join(site, name), { recursive: true });
    writeFileSync(join(site, name, '__init__.py'), 'X = 1\n');
    const info = join(site, `${name}-1.${i}.0.dist-info`);
    mkdirSync(info);
    writeFileSync(join(info, 'METADATA'), `Metadata-Version: 2.1\nName: ${name}\nVersion: 1.${i}.0\n\n`);
    writeFileSync(join(info, 'top_level.txt'), `${name}\n`);
  }
  return names;
}

/** A job with 2,500 staged start records and 500 pkg staging files of 5 records each. */
function writeJobStaging(shm: string, uid: number): void {
  const now = Date.now() / 1000;
  for (let i = 0; i < 2500; i++) {
    const u = uuid7();
    const start = now - 3600 + i;
    const rec = serializeRecord({
      cmdlineA: ['./sim', String(i)], hash_id: 'b'.repeat(40), libA: [['/lib/libc.so.6', '0']], ptA: [], envT: {},
      userT: { syshost: 'bench', run_uuid: u, exec_path: '/home/u/sim', user: 'bench', job_id: '777', end_reason: '' },
      userDT: { start_time: start, end_time: 0, run_time: 0, probability: 1, num_tasks: 1 },
      xaltLinkT: {}, XALT_measureT: {}, XALT_qaT: {},
    });
    const path = join(shm, `xalt_start.${uid}.777.${u}.json`);
    writeFileSync(path, rec, { mode: 0o600 });
    chownSync(path, uid, uid);
    if (i % 5 !== 0) continue;
    const stamp = fileTimeStamp(start);
    const lines = ['numpy', 'scipy', 'pandas', 'mpi4py', 'h5py'].map((p) =>
      serializeRecord({ program: 'python', xalt_run_uuid: u, package_version: '1.0', package_name: p, package_path: `/sw/${p}/__init__.py`, program_version: '3.11.7', job_id: '777' }));
    const pkg = join(shm, `xalt_pkg.${uid}.777.${u}.${1000 + i}.bench.${stamp}.bench.jsonl`);
    writeFileSync(pkg, lines.join(''), { mode: 0o600 });
    chownSync(pkg, uid, uid);
  }
}

function benchEpilog(shmBase: string, work: string): void {
  const uid = 4242;
  const shm = join(shmBase, 'job-shm');
  const copy = join(work, 'job-shm-copy');
  const spool = join(work, 'spool');
  for (const d of [shm, spool]) {
    mkdirSync(d);
    chmodSync(d, 0o1777);
  }
  writeJobStaging(shm, uid);
  // Baseline: copying the same staging files into the spool's file system.
  const baseline = timeMs('cp', ['-a', shm, copy], { PATH: process.env['PATH'] });
  const xalt = join(ROOT, 'bin', 'xalt');
  const env = { PATH: process.env['PATH'], SLURM_JOB_ID: '777', SLURM_JOB_UID: String(uid), SLURM_JOB_USER: 'bench' };
  const ms = timeMs(process.execPath, [xalt, 'epilog', '--quiet', '--tmpdir', shm, '--spool', spool], env);
  console.log(
    `xalt epilog, job with 5,000 staged records (2,500 runs closed, 2,500 pkg records; 7,500 spool files): ${ms.toFixed(0)} ms ` +
      `(cp -a of the same staging: ${baseline.toFixed(0)} ms, ratio ${(ms / baseline).toFixed(1)}); budget ≤ 2000 ms: ${ms <= 2000 ? 'OK' : 'OVER'}`,
  );
}

/** Run the three benchmarks and print their figures. */
export async function run(): Promise<void> {
  const py = realPython();
  // Staging lives on node-local tmpfs as in production (/dev/shm); the spool and the fake
  // site-packages on an ordinary disk: $XALT_BENCH_DIR, else <repo>/tmp (os.tmpdir() can
  // be a much slower file system than either on build machines).
  const shmBase = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'xalt-bench-python-'));
  const parent = process.env['XALT_BENCH_DIR'] ?? join(ROOT, 'tmp');
  mkdirSync(parent, { recursive: true });
  const work = mkdtempSync(join(parent, 'bench-python-'));
  for (const d of [shmBase, work]) chmodSync(d, 0o755);
  try {
    const shm = join(shmBase, 'shm');
    mkdirSync(shm);
    console.log(`python: ${py}; staging in ${shmBase}, spool in ${work}`);
    report("python3 -c 'import json, csv, decimal'", compare(py, 'import json, csv, decimal', [], shm), 3);
    const site = join(work, 'site');
    const names = writeSite300(site);
    report('script importing 300 distinct packages', compare(py, `import ${names.join(', ')}`, [site], shm), 15);
    rmSync(shm, { recursive: true });
    benchEpilog(shmBase, work);
  } finally {
    rmSync(work, { recursive: true, force: true });
    rmSync(shmBase, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await run();
