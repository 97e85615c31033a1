/**
 * Generated data for the report/find benchmarks: a SQLite store of 1,000,000 runs over six
 * months with a realistic spread (Zipf-distributed users and executables, mostly serial runs
 * with a long tail of wide MPI jobs, some with several CPUs per task, log-spread run times,
 * libraries from modules, Python packages, sampled short runs, a few percent failures, runs
 * closed at job end, array jobs and steps, one run in a thousand flagged), and a month of spool with 100,000
 * record files. Deterministic (seeded), built with bulk multi-row INSERTs, and cached in the
 * temp directory under a version key so re-runs start at once.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tuneForReading } from '../src/db/read-store.js';
import { openStore } from '../src/db/open-store.js';
import { rebuildRollups } from '../src/db/rollups.js';
import type { Queryable, SqlValue, Store } from '../src/db/store.js';
import { recordDir, runFileName, pkgFileName, serializeRecord } from '../src/schema/index.js';
import { seededRandom } from '../test/fixtures/seeded-random.js';

/** Bump when the generated data changes shape, so stale caches are not reused. */
export const DATA_VERSION = 7; // 2: covering indexes by app_name and module_name (migration 1); 3: schema 2 (library sets, daily usage totals); 4, 5: schema 3 (arrays, steps, CPUs per task, job states, flags); 6: schema 4 (daily tuples); 7: schema 5 (the flagged index holds the user)
export const CACHE_DIR = join(tmpdir(), `xalt-bench-report-v${DATA_VERSION}`);

export const RUNS = 1_000_000;
export const PERIOD_START = Date.UTC(2026, 4, 1) / 1000; // 2026-05-01
export const PERIOD_DAYS = 184; // through October
/** the month the "report for a month" benchmark covers */
export const MONTH = { since: Date.UTC(2026, 8, 1) / 1000, until: Date.UTC(2026, 9, 1) / 1000 };

/** Index drawn from a Zipf(s) distribution over n items. */
function zipf(n: number, s: number, rnd: () => number): () => number {
  const cdf: number[] = [];
  let sum = 0;
  for (let i = 1; i <= n; i++) cdf.push((sum += 1 / i ** s));
  return () => {
    const x = rnd() * sum;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

const APPS = ['lmp_mpi', 'gmx_mpi', 'vasp_std', 'vasp_gam', 'namd2', 'pw.x', 'cp2k.psmp', 'python3', 'R', 'matlab', 'wrf.exe', 'nwchem', 'orca', 'xhpl', 'julia', 'pmemd.cuda', 'mdrun', 'openfoam', 'abaqus', 'siesta'];
const FAMILY: Readonly<Record<string, string>> = { lmp_mpi: 'LAMMPS*', gmx_mpi: 'Gromacs*', mdrun: 'Gromacs*', 'pmemd.cuda': 'Amber*', vasp_std: 'VASP*', vasp_gam: 'VASP*', xhpl: 'HPL*' };
const PKGS = ['numpy', 'scipy', 'pandas', 'matplotlib', 'torch', 'tensorflow', 'sklearn', 'mpi4py', 'h5py', 'numba', 'xarray', 'dask', 'jax', 'transformers', 'Bio', 'ase', 'pymatgen', 'networkx', 'sympy', 'yaml'];

interface Exec { path: string; name: string; app: string; module: string | null; owner: string | null; linkUuid: string | null; libs: number[] }

function uuidFrom(rnd: () => number, ms: number): string {
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(rnd() * 16).toString(16)).join('');
  const t = Math.floor(ms).toString(16).padStart(12, '0');
  return `${t.slice(0, 8)}-${t.slice(8, 12)}-7${hex(3)}-${'89ab'[Math.floor(rnd() * 4)]}${hex(3)}-${hex(12)}`;
}

/** The fixed universe the runs draw from: users, accounts, objects, executables, links. */
function universe(rnd: () => number) {
  const users = Array.from({ length: 400 }, (_, i) => `u${String(i).padStart(4, '0')}`);
  const accountOf = users.map((_, i) => `acct${String(i % 80).padStart(3, '0')}`);
  const objects: { path: string; module: string | null }[] = [
    { path: '/lib64/libc.so.6', module: null }, { path: '/lib64/libm.so.6', module: null }, { path: '/lib64/libpthread.so.0', module: null },
    { path: '/lib64/libstdc++.so.6', module: null }, { path: '/lib64/libgfortran.so.5', module: null },
  ];
  const libModules = ['openmpi/4.1.6', 'openmpi/5.0.3', 'mpich/4.2', 'cuda/12.4', 'fftw/3.3.10', 'hdf5/1.14', 'netcdf/4.9', 'mkl/2024.1', 'openblas/0.3.27', 'gcc/13.2.0', 'intel/2024.1', 'petsc/3.21'];
  for (const m of libModules) for (let k = 0; k < 4; k++) objects.push({ path: `/sw/${m}/lib/lib${m.split('/')[0]}_${k}.so`, module: m });
  const execs: Exec[] = [];
  const links: { uuid: string; user: string; program: string; epoch: number }[] = [];
  for (let i = 0; i < 300; i++) {
    const base = APPS[i % APPS.length]!;
    const fromModule = i < 120;
    const libs = [0, 1, ...Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => 5 + Math.floor(rnd() * (objects.length - 5)))];
    if (fromModule) {
      const ver = `${2020 + (i % 5)}.${i % 3}`;
      execs.push({ path: `/sw/${base}/${ver}/bin/${base}`, name: base, app: FAMILY[base] ?? base, module: `${base}/${ver}`, owner: null, linkUuid: null, libs: [...new Set(libs)] });
    } else {
      const owner = users[Math.floor(rnd() * users.length)]!;
      const name = i % 3 === 0 ? base : `${base.replace(/\W/g, '')}_${i}`;
      const epoch = PERIOD_START - 86400 * Math.floor(rnd() * 100);
      const uuid = uuidFrom(rnd, epoch * 1000);
      links.push({ uuid, user: rnd() < 0.8 ? owner : users[Math.floor(rnd() * users.length)]!, program: ['gcc', 'icx', 'mpicc(gcc)', 'mpif90(gfortran)', 'nvc++', 'g++'][i % 6]!, epoch });
      execs.push({ path: `/home/${owner}/bin/${name}`, name, app: FAMILY[base] ?? name, module: null, owner, linkUuid: uuid, libs: [...new Set(libs)] });
    }
  }
  return { users, accountOf, objects, execs, links };
}

/** Insert `rows` into `table` in multi-row statements of `chunk` rows. */
async function bulkInsert(q: Queryable, table: string, cols: readonly string[], rows: readonly SqlValue[][], chunk = 400): Promise<void> {
  const one = `(${cols.map(() => '?').join(',')})`;
  for (let i = 0; i < rows.length; i += chunk) {
    const part = rows.slice(i, i + chunk);
    await q.run(`INSERT INTO ${table} (${cols.map((c) => `"${c}"`).join(',')}) VALUES ${Array.from({ length: part.length }, () => one).join(',')}`, part.flat());
  }
}

const RUN_COLS = ['run_id', 'run_uuid', 'syshost', 'host', 'user', 'account', 'job_id', 'queue', 'exec_path', 'exec_name', 'app_name', 'module_name', 'exec_type', 'cmdline', 'build_uuid',
  'start_time', 'end_time', 'run_time', 'probability', 'num_tasks', 'num_cores', 'num_nodes', 'num_threads', 'num_gpus', 'exit_status', 'exit_signal', 'end_reason', 'has_start', 'has_end', 'ingested_at',
  'job_step', 'array_job_id', 'array_task_id', 'cpus_per_task', 'job_state', 'flags', 'flagged', 'owner_mismatch'] as const;

/** One generated run: its row plus its objects and packages. */
function makeRun(id: number, u: ReturnType<typeof universe>, rnd: () => number, pickUser: () => number, pickExec: () => number, jobState: { job: number; left: number; user: number; array: number | null }) {
  if (jobState.left <= 0) {
    jobState.job++;
    jobState.left = 1 + Math.floor(rnd() * 9);
    jobState.user = pickUser();
    // one job in ten is a task of an array of five (the array's id is its first task's job id)
    jobState.array = rnd() < 0.1 ? jobState.job - (jobState.job % 5) : null;
  }
  jobState.left--;
  const user = u.users[jobState.user]!;
  const e = u.execs[pickExec()]!;
  const start = PERIOD_START + (id / RUNS) * PERIOD_DAYS * 86400 + rnd() * 600;
  const tasks = rnd() < 0.6 ? 1 : 2 ** (1 + Math.floor(rnd() * 10));
  const cpus = rnd() < 0.8 ? 1 : 2 ** (1 + Math.floor(rnd() * 3));
  const cores = tasks * cpus;
  const runTime = Math.min(172800, Math.exp(rnd() * 11.5));
  const p = cores === 1 && runTime < 300 ? 0.1 : 1;
  const f = rnd();
  const hasEnd = f < 0.98 ? 1 : 0;
  const signal = f >= 0.95 && f < 0.98 ? (rnd() < 0.5 ? 9 : 11) : null;
  const jobEnd = f >= 0.93 && f < 0.95;
  const status = hasEnd && !signal && !jobEnd ? (f < 0.9 ? 0 : 1) : null;
  const reason = !hasEnd ? null : signal ? 'signal' : jobEnd ? 'job_end' : 'exit';
  const state = jobEnd ? ['TIMEOUT', 'CANCELLED', 'COMPLETED'][Math.floor(rnd() * 3)]! : null;
  const flagged = rnd() < 0.001 ? 1 : 0;
  const step = rnd() < 0.5 ? 'batch' : String(Math.floor(rnd() * 3));
  const gpus = rnd() < 0.1 ? 1 + Math.floor(rnd() * 8) : 0;
  const uuid = uuidFrom(rnd, start * 1000);
  const row: SqlValue[] = [id, uuid, 'bench', `c${String(Math.floor(rnd() * 1000)).padStart(4, '0')}`, user, u.accountOf[jobState.user]!, String(1_000_000 + jobState.job), cores > 64 ? 'wide' : 'normal',
    e.path, e.name, e.app, e.module, 'binary', JSON.stringify([e.path, '-i', 'input']), e.linkUuid,
    start, hasEnd ? start + runTime : 0, hasEnd ? runTime : 0, p, tasks, cores, Math.max(1, Math.ceil(cores / 128)), 1, gpus, status, signal, reason, 1, hasEnd, start + runTime + 60,
    step, jobState.array === null ? null : String(1_000_000 + jobState.array), jobState.array === null ? null : String(jobState.job % 5), cpus, state,
    flagged ? 'owner_mismatch' : '', flagged, flagged];
  const pkgs = e.name === 'python3' ? Array.from({ length: 3 }, () => PKGS[Math.floor(rnd() * PKGS.length)]!) : [];
  return { row, uuid, libs: e.libs, pkgs: [...new Set(pkgs)] };
}

async function generateStore(path: string): Promise<void> {
  const store = await openStore(path);
  const rnd = seededRandom(7);
  const u = universe(rnd);
  const pickUser = zipf(u.users.length, 1.1, rnd);
  const pickExec = zipf(u.execs.length, 1.2, rnd);
  await store.transaction(async (tx) => {
    await bulkInsert(tx, 'xalt_object', ['obj_id', 'object_key', 'object_path', 'syshost', 'module_name', 'lib_type'],
      u.objects.map((o, i) => [i + 1, createHash('sha1').update(`bench\0${o.path}`).digest('hex'), o.path, 'bench', o.module, 'so']));
    await bulkInsert(tx, 'xalt_link', ['uuid', 'build_epoch', 'link_program', 'link_path', 'build_user', 'build_syshost', 'exec_path', 'ingested_at'],
      u.links.map((l) => [l.uuid, l.epoch, l.program, '/usr/bin/cc', l.user, 'bench', '/home/x', l.epoch + 1]));
  });
  const jobState: { job: number; left: number; user: number; array: number | null } = { job: 0, left: 0, user: 0, array: null };
  const BATCH = 20_000;
  for (let first = 1; first <= RUNS; first += BATCH) {
    const runs: SqlValue[][] = [];
    const joins: SqlValue[][] = [];
    const pkgs: SqlValue[][] = [];
    for (let id = first; id < first + BATCH && id <= RUNS; id++) {
      const r = makeRun(id, u, rnd, pickUser, pickExec, jobState);
      runs.push(r.row);
      for (const o of r.libs) joins.push([id, o + 1]);
      for (const p of r.pkgs) pkgs.push([r.uuid, 'python', p, `${1 + Math.floor(rnd() * 3)}.${Math.floor(rnd() * 10)}`]);
    }
    await store.transaction(async (tx) => {
      await bulkInsert(tx, 'xalt_run', RUN_COLS, runs, 300);
      await bulkInsert(tx, 'join_run_object', ['run_id', 'obj_id'], joins, 2000);
      if (pkgs.length) await bulkInsert(tx, 'xalt_pkg', ['run_uuid', 'program', 'pkg_name', 'pkg_version'], pkgs, 1000);
    });
  }
  // the runs went in around ingest: derive what ingest would have (library sets, daily usage totals)
  await store.transaction((tx) => rebuildRollups(tx));
  await store.run('ANALYZE');
  await store.close();
}

/** The cached 1M-run store, generated on first use; returns its path and how long generation took (0 if cached). */
export async function benchStore(log: (s: string) => void): Promise<{ path: string; generatedSeconds: number }> {
  const path = join(CACHE_DIR, 'store.db');
  if (existsSync(path)) return { path, generatedSeconds: 0 };
  mkdirSync(CACHE_DIR, { recursive: true });
  const tmp = join(CACHE_DIR, `store.${process.pid}.tmp.db`);
  log(`generating ${RUNS.toLocaleString('en')} runs into ${path} (once; cached for later runs)…`);
  const t0 = performance.now();
  await generateStore(tmp);
  for (const ext of ['-wal', '-shm']) rmSync(`${tmp}${ext}`, { force: true });
  renameSync(tmp, path);
  return { path, generatedSeconds: (performance.now() - t0) / 1000 };
}

/** Open the cached store read-only-ish (no migration). */
export async function openBenchStore(path: string): Promise<Store> {
  const store = await openStore(path, { migrate: false });
  await tuneForReading(store); // as the CLI does
  return store;
}

export const SPOOL_FILES = 100_000;

/**
 * A month of spool (September 2026) with 100,000 record files: 40,000 runs with start and end
 * records and 20,000 pkg records, plus October as a second month the search must skip.
 */
export function benchSpool(log: (s: string) => void): { dir: string; generatedSeconds: number } {
  const dir = join(CACHE_DIR, 'spool');
  if (existsSync(join(dir, '.complete'))) return { dir, generatedSeconds: 0 };
  rmSync(dir, { recursive: true, force: true });
  log(`generating a month of spool (${SPOOL_FILES.toLocaleString('en')} record files) into ${dir}…`);
  const t0 = performance.now();
  const rnd = seededRandom(11);
  const u = universe(rnd);
  const pickUser = zipf(u.users.length, 1.1, rnd);
  const made = new Set<string>();
  const write = (rel: string, content: string) => {
    const d = rel.slice(0, rel.lastIndexOf('/'));
    if (!made.has(d)) { mkdirSync(join(dir, d), { recursive: true }); made.add(d); }
    writeFileSync(join(dir, rel), content);
  };
  const month = (since: number, runs: number, pkgEvery: number) => {
    for (let i = 0; i < runs; i++) {
      const start = since + (i / runs) * 29 * 86400 + 3600;
      const user = u.users[pickUser()]!;
      const e = u.execs[Math.floor(rnd() * u.execs.length)]!;
      const uuid = uuidFrom(rnd, start * 1000);
      const job = String(2_000_000 + Math.floor(i / 5));
      const rec = (end: boolean) => serializeRecord({
        cmdlineA: [e.path, '-i', 'input'], hash_id: 'c'.repeat(40), libA: e.libs.map((o) => [u.objects[o]!.path, '0']), ptA: [],
        envT: { SLURM_JOB_ID: job, OMP_NUM_THREADS: '1' },
        userT: { syshost: 'bench', run_uuid: uuid, exec_path: e.path, exec_type: 'binary', cwd: `/home/${user}`, user, account: 'acct', job_id: job, queue: 'normal', host: 'c0001', end_reason: end ? 'exit' : '' },
        userDT: { start_time: start, end_time: end ? start + 100 : 0, run_time: end ? 100 : 0, probability: 1, num_tasks: 1, num_cores: 1, num_nodes: 1, num_threads: 1, num_gpus: 0, exit_status: end ? 0 : -1, signal: 0 },
        xaltLinkT: {},
      });
      const d = recordDir('month/hash', start, uuid);
      write(`${d}/${runFileName('bench', start, user, true, uuid)}`, rec(false));
      write(`${d}/${runFileName('bench', start, user, false, uuid)}`, rec(true));
      if (i % pkgEvery === 0) {
        write(`${d}/${pkgFileName('bench', start, user, uuid, '00000000000a')}`, serializeRecord({ program: 'python', xalt_run_uuid: uuid, package_version: '1.0', package_name: 'numpy', package_path: '/x' }));
      }
    }
  };
  month(MONTH.since, 40_000, 2); // 80,000 run files + 20,000 pkg files = 100,000
  month(MONTH.until, 10_000, 1_000_000); // the next month, which a September search must not read
  writeFileSync(join(dir, '.complete'), '');
  return { dir, generatedSeconds: (performance.now() - t0) / 1000 };
}
