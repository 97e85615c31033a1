/**
 * Budgets of DESIGN.md §9 for finding and reporting, on a generated store of 1,000,000 runs
 * (see report-data.ts):
 *   xalt find by user / job / uuid   ≤ 100 ms   (baseline, side by side: the same query forced to scan the table)
 *   xalt report executables, a month ≤ 3 s      (reference: XALT's 1.4 s per 4,550 runs)
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
import { buildReport } from '../src/report/build-report.js';
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
  const [j] = await store.all<{ job_id: string }>(`SELECT job_id FROM xalt_run WHERE run_id = ?`, [Math.floor(RUNS / 3)]);
  const [id] = await store.all<{ run_uuid: string }>(`SELECT run_uuid FROM xalt_run WHERE run_id = ?`, [Math.floor(RUNS / 4)]);
  return { user: u!.user, job: j!.job_id, uuid: id!.run_uuid.slice(0, 13) };
}

async function benchFind(store: Store): Promise<void> {
  const s = await sample(store);
  log(`\nxalt find over ${RUNS.toLocaleString('en')} runs (limit 50, with libraries, packages and links of each run):`);
  for (const [what, filter, col, value] of [['user', { user: s.user }, 'user', s.user], ['job', { job: s.job }, 'job_id', s.job], ['uuid prefix', { uuid: s.uuid }, 'run_uuid', s.uuid]] as const) {
    const t = await timeMs(() => findInStore(store, filter, 50), 7);
    const op = col === 'run_uuid' ? `substr(run_uuid, 1, ${value.length}) = ?` : `${col} = ?`;
    const scan = await timeMs(() => store.all(`SELECT run_id FROM xalt_run NOT INDEXED WHERE ${op} ORDER BY start_time DESC LIMIT 51`, [value]), 3);
    log(`  by ${what.padEnd(12)} ${ms(t).padStart(9)}   (full-table scan side by side: ${ms(scan)}, ${(scan / t).toFixed(0)}× slower)   budget ≤ 100 ms: ${verdict(t, 100)}`);
  }
}

async function benchReport(store: Store): Promise<void> {
  const [n] = await store.all<{ n: number }>('SELECT COUNT(*) AS n FROM xalt_run WHERE start_time >= ? AND start_time < ?', [MONTH.since, MONTH.until]);
  const monthRuns = Number(n!.n);
  const spec = { kind: 'executables' as const, since: MONTH.since, until: MONTH.until, top: 20, weighted: true };
  const t = await timeMs(() => buildReport(store, spec, Date.now() / 1000), 3) / 1000;
  const xalt = (1.4 * monthRuns) / 4550;
  log(`\nxalt report executables for a month (September 2026: ${monthRuns.toLocaleString('en')} of ${RUNS.toLocaleString('en')} runs; 5 tables + daily series):`);
  log(`  ${t.toFixed(2)} s   budget ≤ 3 s: ${verdict(t, 3)}`);
  log(`  XALT took 1.4 s per 4,550 runs; at that rate this month would take ${xalt.toFixed(0)} s: ratio ${(xalt / t).toFixed(0)}× (XALT figure from DESIGN.md §9, not re-measured here)`);
  const all = await timeMs(() => buildReport(store, { ...spec, since: 0, until: 2e9 }, Date.now() / 1000), 1) / 1000;
  const xaltAll = (1.4 * RUNS) / 4550;
  log(`  the same report over all ${RUNS.toLocaleString('en')} runs (DESIGN.md's wording of the budget): ${all.toFixed(2)} s   budget ≤ 3 s: ${verdict(all, 3)}; XALT's rate: ${xaltAll.toFixed(0)} s, ratio ${(xaltAll / all).toFixed(0)}×`);
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
  const first = findInSpool(nodeFs, dir, { ...month, job: '2000000' }, 50);
  if (first.runs.length === 0) throw new Error('bench spool: the oldest job was not found');
  const byJob = await timeMs(() => findInSpool(nodeFs, dir, { ...month, job: '2000000' }, 50), 3);
  const byUser = await timeMs(() => findInSpool(nodeFs, dir, { ...month, user: 'u0000' }, 50), 3);
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
  log('report/find benchmarks (DESIGN.md §9)');
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
