/**
 * Budgets (docs/internals/budgets.md) for finding and reporting, on a generated store of 1,000,000 runs
 * (see report-data.ts):
 *   xalt find by user / job / uuid   ≤ 100 ms   (baseline, side by side: the same query forced to scan the table)
 *   xalt report, every kind, a month and the whole store ≤ 3 s (reference: XALT's 1.4 s per
 *     4,550 runs, scaled; baseline side by side for executables: the previous query strategy)
 *   xalt find --spool, a month of 100,000 files ≤ 5 s (baseline, side by side: NCSA's way, reading every file)
 * Each figure is the median of several runs, measured in this process on the core functions
 * the CLI calls (no process start-up); one in-process CLI run is shown for the whole path.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { runCli } from '../src/cli/main.js';
import type { Store } from '../src/db/store.js';
import { findInSpool, type SpoolFs } from '../src/query/find-in-spool.js';
import { findInStore } from '../src/query/find-in-store.js';
import type { FindFilter } from '../src/query/find-filter.js';
import { CompiledRules } from '../src/ingest/ingest-rules.js';
import { loadIngestSettings } from '../src/ingest/ingest-settings.js';
import { buildReport } from '../src/report/build-report.js';
import { REPORT_KINDS } from '../src/report/report-spec.js';
import { executablesBaseline } from './report-baseline.js';
import { benchSpool, benchStore, MONTH, openBenchStore, RUNS, SPOOL_FILES } from './report-data.js';

const log = (s: string) => console.log(s);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

async function timeMs(fn: () => Promise<unknown> | unknown, times: number): Promise<number> {
  const out: number[] = [];
  for (let i = 0; i < times; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return median(out);
}

const ms = (x: number) => `${x < 10 ? x.toFixed(2) : x.toFixed(0)} ms`;
const verdict = (x: number, budget: number) => (x <= budget ? 'within budget' : 'OVER BUDGET');

async function sample(store: Store) {
  const [u] = await store.all<{ user: string }>(`SELECT user FROM xalt_run WHERE run_id = ?`, [Math.floor(RUNS / 2)]);
  const [j] = await store.all<{ job_id: string; job_step: string }>(`SELECT job_id, job_step FROM xalt_run WHERE run_id = ?`, [Math.floor(RUNS / 3)]);
  const [id] = await store.all<{ run_uuid: string }>(`SELECT run_uuid FROM xalt_run WHERE run_id = ?`, [Math.floor(RUNS / 4)]);
  const [a] = await store.all<{ array_job_id: string; array_task_id: string }>(`SELECT array_job_id, array_task_id FROM xalt_run WHERE run_id >= ? AND array_job_id IS NOT NULL LIMIT 1`, [Math.floor(RUNS / 5)]);
  const [acct] = await store.all<{ account: string }>(`SELECT account FROM xalt_run WHERE run_id = ?`, [Math.floor(RUNS / 6)]);
  const [u2] = await store.all<{ user: string }>(`SELECT user FROM xalt_run WHERE run_id = ?`, [Math.floor(RUNS / 7)]);
  // a library few runs loaded: the object of the fewest join rows
  const [lib] = await store.all<{ object_path: string }>(`SELECT o.object_path FROM xalt_object o JOIN join_run_object j ON j.obj_id = o.obj_id GROUP BY o.obj_id, o.object_path ORDER BY COUNT(*) LIMIT 1`);
  return {
    user: u!.user, user2: u2!.user, job: j!.job_id, step: `${j!.job_id}.${j!.job_step}`, uuid: id!.run_uuid.slice(0, 13), array: a!.array_job_id,
    task: `${a!.array_job_id}_${a!.array_task_id}`, account: acct!.account, library: lib!.object_path.slice(lib!.object_path.lastIndexOf('/') + 1),
  };
}

async function benchFind(store: Store): Promise<void> {
  const s = await sample(store);
  log(`\nxalt find over ${RUNS.toLocaleString('en')} runs (limit 50, with libraries, packages and links of each run):`);
  const forms: readonly (readonly [string, FindFilter, string, readonly string[]])[] = [
    ['user', { user: [s.user] }, 'user = ?', [s.user]], ['two users', { user: [s.user, s.user2] }, 'user IN (?, ?)', [s.user, s.user2]],
    ['job', { job: [s.job] }, 'job_id = ?', [s.job]], ['job.step', { job: [s.step] }, 'job_id = ?', [s.job]],
    ['array job', { job: [s.array] }, 'array_job_id = ?', [s.array]], ['array task', { job: [s.task] }, 'array_job_id = ?', [s.array]],
    ['uuid prefix', { uuid: s.uuid }, `substr(run_uuid, 1, ${s.uuid.length}) = ?`, [s.uuid]],
    ['account', { account: [s.account] }, 'account = ?', [s.account]],
    ['user+outcome', { user: [s.user], outcome: ['signal', 'exit'] }, 'user = ?', [s.user]],
  ];
  for (const [what, filter, op, values] of forms) {
    const t = await timeMs(() => findInStore(store, filter, 50), 7);
    const scan = await timeMs(() => store.all(`SELECT run_id FROM xalt_run NOT INDEXED WHERE ${op} ORDER BY start_time DESC LIMIT 51`, values), 3);
    log(`  by ${what.padEnd(12)} ${ms(t).padStart(9)}   (full-table scan side by side: ${ms(scan)}, ${(scan / t).toFixed(0)}× slower)   budget ≤ 100 ms: ${verdict(t, 100)}`);
  }
  // no index leads with these: they ride the start_time index newest first and stop at the limit, or scan
  for (const [what, filter] of [['outcome', { outcome: ['signal'] }], ['queue', { queue: ['q-none'] }], [`library ${s.library}`, { library: s.library }], ['library (all)', { library: 'lib*' }]] as const) {
    const t = await timeMs(() => findInStore(store, filter as FindFilter, 50), 3);
    log(`  by ${what.padEnd(12)} ${ms(t).padStart(9)}   (no index of its own)`);
  }
}

/** Median wall and CPU milliseconds of `times` runs of `fn` (CPU: this process, where SQLite runs). */
async function timeCpu(fn: () => Promise<unknown>, times: number): Promise<{ wall: number; cpu: number }> {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < times; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await fn();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { wall: median(wall), cpu: median(cpu) };
}

const s = (x: number) => `${(x / 1000).toFixed(2)} s`;

async function benchReport(store: Store): Promise<void> {
  const count = async (since: number, until: number) => Number((await store.all<{ n: number }>('SELECT COUNT(*) AS n FROM xalt_run WHERE start_time >= ? AND start_time < ?', [since, until]))[0]!.n);
  const periods = [
    { name: 'month', since: MONTH.since, until: MONTH.until, runs: await count(MONTH.since, MONTH.until) },
    { name: 'whole store', since: 0, until: 2e9, runs: RUNS },
  ];
  log(`\nxalt report, every kind, for a month (September 2026: ${periods[0]!.runs.toLocaleString('en')} runs) and over the whole store (${RUNS.toLocaleString('en')} runs); budget ≤ 3 s each.`);
  log('XALT took 1.4 s per 4,550 runs (docs/internals/budgets.md, not re-measured here): "XALT-rate" is that figure scaled to the period\'s runs.');
  log('Executables and overview: median of 3 runs; other kinds: one run each. CPU = this process\'s CPU time (SQLite runs in it), less disturbed by other load; the budget verdict uses it.');
  log(`  ${'kind'.padEnd(12)} ${'period'.padEnd(12)} ${'wall'.padStart(8)} ${'CPU'.padStart(8)}  ${'XALT-rate'.padStart(9)}  ratio  budget`);
  const executables = new Map<string, { wall: number; cpu: number }>();
  for (const kind of REPORT_KINDS) {
    for (const p of periods) {
      const spec = { kind, since: p.since, until: p.until, top: 20, weighted: true };
      const t = await timeCpu(() => buildReport(store, spec, Date.now() / 1000), kind === 'executables' || kind === 'overview' ? 3 : 1);
      if (kind === 'executables') executables.set(p.name, t);
      const xalt = (1400 * p.runs) / 4550;
      log(`  ${kind.padEnd(12)} ${p.name.padEnd(12)} ${s(t.wall).padStart(8)} ${s(t.cpu).padStart(8)}  ${s(xalt).padStart(9)}  ${(xalt / t.wall).toFixed(0).padStart(4)}×  ${verdict(t.cpu / 1000, 3)}`);
    }
  }
  log('\nwith --include-flagged (the daily totals hold no flagged run: theirs are added from the runs):');
  for (const kind of ['overview', 'libraries'] as const) {
    for (const p of periods) {
      const t = await timeCpu(() => buildReport(store, { kind, since: p.since, until: p.until, top: 20, weighted: true, includeFlagged: true }, Date.now() / 1000), 1);
      log(`  ${kind.padEnd(12)} ${p.name.padEnd(12)} ${s(t.wall).padStart(8)} ${s(t.cpu).padStart(8)}  ${verdict(t.cpu / 1000, 3)}`);
    }
  }
  log('\nxalt report executables side by side with the previous query strategy (one sorted GROUP BY per table, bench/report-baseline.ts; median of 3, whole store: 1 run):');
  for (const p of periods) {
    const now = executables.get(p.name)!;
    const before = await timeCpu(() => executablesBaseline(store, p.since, p.until), p.runs === RUNS ? 1 : 3);
    log(`  ${p.name.padEnd(12)} now ${s(now.wall)} (CPU ${s(now.cpu)}); previous strategy ${s(before.wall)} (CPU ${s(before.cpu)}); ratio ${(before.cpu / now.cpu).toFixed(1)}× by CPU, ${(before.wall / now.wall).toFixed(1)}× by wall`);
  }
}

const nodeFs: SpoolFs = {
  list: (dir) => readdirSync(dir, { withFileTypes: true }).map((d) => ({ name: d.name, dir: d.isDirectory() })),
  read: (path) => readFileSync(path, 'utf8'),
};

/** NCSA's find script: walk the whole tree and parse every record file. */
function readEverything(dir: string): number {
  let n = 0;
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name.endsWith('.json')) { JSON.parse(readFileSync(join(d, e.name), 'utf8')); n++; }
    }
  };
  walk(dir);
  return n;
}

async function benchSpoolFind(dir: string): Promise<void> {
  log(`\nxalt find --spool over a month of ${SPOOL_FILES.toLocaleString('en')} record files (September 2026; October present and skipped):`);
  const month = { since: MONTH.since, until: MONTH.until };
  const naming = new CompiledRules(await loadIngestSettings()); // as the command names runs
  const first = findInSpool(nodeFs, dir, { ...month, job: ['2000000'] }, 50, naming);
  if (first.runs.length === 0) throw new Error('bench spool: the oldest job was not found');
  const byJob = await timeMs(() => findInSpool(nodeFs, dir, { ...month, job: ['2000000'] }, 50, naming), 3);
  const byUser = await timeMs(() => findInSpool(nodeFs, dir, { ...month, user: ['u0000'] }, 50, naming), 3);
  const baseline = await timeMs(() => readEverything(dir), 1);
  log(`  by job (the month's oldest job: every record read)  ${(byJob / 1000).toFixed(2)} s   budget ≤ 5 s: ${verdict(byJob / 1000, 5)}`);
  log(`  by user (file names decide; newest 50 read)          ${(byUser / 1000).toFixed(2)} s   budget ≤ 5 s: ${verdict(byUser / 1000, 5)}`);
  log(`  NCSA's way side by side (walk the whole tree, parse every file): ${(baseline / 1000).toFixed(2)} s; ratio ${(baseline / byJob).toFixed(1)}× (by job), ${(baseline / byUser).toFixed(1)}× (by user)`);
}

async function cliOnce(path: string, user: string): Promise<void> {
  const sink = new Writable({ write(_c, _e, cb) { cb(); } });
  const t0 = performance.now();
  const code = await runCli(['find', '--db', path, '--user', user], sink, sink);
  log(`\nwhole CLI path in-process (open store, query, render): xalt find --user ${user} → exit ${code} in ${ms(performance.now() - t0)}`);
}

export async function run(): Promise<void> {
  log('report/find benchmarks (docs/internals/budgets.md)');
  const { path, generatedSeconds } = await benchStore(log);
  if (generatedSeconds) log(`generated ${RUNS.toLocaleString('en')} runs in ${generatedSeconds.toFixed(1)} s (${Math.round(RUNS / generatedSeconds).toLocaleString('en')} runs/s with their libraries and packages)`);
  else log(`using the cached store ${path}`);
  const store = await openBenchStore(path);
  try {
    await benchFind(store);
    await benchReport(store);
    await cliOnce(path, (await sample(store)).user);
  } finally {
    await store.close();
  }
  const spool = benchSpool(log);
  if (spool.generatedSeconds) log(`generated the spool in ${spool.generatedSeconds.toFixed(1)} s`);
  await benchSpoolFind(spool.dir);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await run();
