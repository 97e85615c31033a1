/**
 * Whole commands as users run them: a new `node bin/xalt …` process each time, timed from
 * spawn to exit, beside `node -e 0` (starting Node and nothing else) measured in the same run,
 * interleaved, so the ratio holds on a busy machine. Budgets:
 *   xalt find --user / --job / --uuid over 1,000,000 runs   ≤ 100 ms and ≤ 1.5× `node -e 0`
 *   xalt ingest of a spool into SQLite, as a command        ≥ 20,000 records/s
 * Warm: medians of repeated runs (files in the page cache). The command runs from its pack and
 * the pack's code cache (scripts/bundle-cli.ts, made by `npm run build`); `ES modules:` rows
 * run the same build without them (XALT_NO_BUNDLE=1). Cold: as root, the page cache is dropped before each run
 * (`echo 3 > /proc/sys/vm/drop_caches`), for `node -e 0` too; skipped otherwise.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { openStore } from '../src/db/open-store.js';
import { ingestSpools } from '../src/ingest/ingest.js';
import { loadIngestSettings } from '../src/ingest/ingest-settings.js';
import { makeBenchSpool, makeFilesAndBundles } from './bench-spool.js';
import { benchStore, RUNS } from './report-data.js';

const log = (s: string) => console.log(s);
const XALT = fileURLToPath(new URL('../../bin/xalt', import.meta.url));
const REPEAT = Number(process.env['XALT_BENCH_REPEAT'] ?? 15);

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const ms = (x: number) => `${x.toFixed(0)} ms`;

/** CPU milliseconds (user + system) of this process's waited-for children so far (Linux; NaN elsewhere). */
function childrenCpu(): number {
  try {
    const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[13]) + Number(f[14])) * 10; // cutime + cstime, in ticks of 1/100 s
  } catch {
    return NaN;
  }
}

/** Wall and CPU milliseconds from spawn to exit of `node args…` (with `env` added); throws unless it exits 0. */
function timeRun(args: readonly string[], env?: Readonly<Record<string, string>>): { wall: number; cpu: number } {
  const c0 = childrenCpu();
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', ...(env ? { env: { ...process.env, ...env } } : {}) });
  const wall = performance.now() - t0;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
  return { wall, cpu: childrenCpu() - c0 };
}

function canDropCaches(): boolean {
  if (process.getuid?.() !== 0) return false;
  try {
    writeFileSync('/proc/sys/vm/drop_caches', '3');
    return true;
  } catch {
    return false;
  }
}

interface Timing { readonly wall: number; readonly cpu: number }

/** A command line of node, and what its environment adds. */
interface Command { readonly args: readonly string[]; readonly env?: Readonly<Record<string, string>> }

/** Medians of `n` interleaved runs of each command; with `cold`, the page cache is dropped before every run. */
function interleaved(commands: Readonly<Record<string, Command>>, n: number, cold: boolean): Record<string, Timing> {
  const times: Record<string, Timing[]> = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
  for (const c of Object.values(commands)) timeRun(c.args, c.env); // warm-up: page cache, compile cache
  for (let i = 0; i < n; i++) {
    for (const [k, c] of Object.entries(commands)) {
      if (cold) writeFileSync('/proc/sys/vm/drop_caches', '3');
      times[k]!.push(timeRun(c.args, c.env));
    }
  }
  return Object.fromEntries(Object.entries(times).map(([k, v]) => [k, { wall: median(v.map((t) => t.wall)), cpu: median(v.map((t) => t.cpu)) }]));
}

function sample(path: string): { user: string; job: string; uuid: string } {
  const db = new Database(path, { readonly: true });
  try {
    const at = (col: string, frac: number) => (db.prepare(`SELECT ${col} AS v FROM xalt_run WHERE run_id = ?`).get(Math.floor(RUNS * frac)) as { v: string }).v;
    return { user: at('user', 1 / 2), job: at('job_id', 1 / 3), uuid: at('run_uuid', 1 / 4).slice(0, 13) };
  } finally {
    db.close();
  }
}

async function benchFind(): Promise<void> {
  const { path, generatedSeconds } = await benchStore(log);
  if (generatedSeconds) log(`generated ${RUNS.toLocaleString('en')} runs in ${generatedSeconds.toFixed(1)} s`);
  const s = sample(path);
  const find = (bin: string, ...args: string[]): Command => ({ args: [bin, 'find', '--db', path, ...args] });
  const commands: Record<string, Command> = {
    'node -e 0': { args: ['-e', '0'] },
    'xalt --version': { args: [XALT, '--version'] },
    [`xalt find --user ${s.user}`]: find(XALT, '--user', s.user),
    [`xalt find --job ${s.job}`]: find(XALT, '--job', s.job),
    [`xalt find --uuid ${s.uuid}`]: find(XALT, '--uuid', s.uuid),
    // the same build without its pack (scripts/bundle-cli.ts): what the pack saves, side by side
    [`ES modules: xalt find --user ${s.user}`]: { ...find(XALT, '--user', s.user), env: { XALT_NO_BUNDLE: '1' } },
  };
  // another build side by side (e.g. the one before a change): XALT_BENCH_BASELINE_XALT=/path/to/other/bin/xalt
  const other = process.env['XALT_BENCH_BASELINE_XALT'];
  if (other) {
    commands[`baseline build: xalt find --user ${s.user}`] = find(other, '--user', s.user);
    commands[`baseline build: xalt find --uuid ${s.uuid}`] = find(other, '--uuid', s.uuid);
  }
  // warm, a whole find must take ≤ 100 ms and ≤ 1.5× starting Node; cold, Node alone may take
  // ~90 ms of that, so only the ratio is the budget there
  const show = (label: string, t: Record<string, Timing>, cold: boolean) => {
    const node = t['node -e 0']!;
    log(`  ${label}: node -e 0 ${ms(node.wall)}, CPU ${ms(node.cpu)} (the baseline, measured in the same run)`);
    for (const [k, v] of Object.entries(t)) {
      if (k === 'node -e 0') continue;
      const ratio = v.wall / node.wall;
      const within = ratio <= 1.5 && (cold || v.wall <= 100);
      const verdict = k.startsWith('xalt find') ? `  budget ${cold ? '' : '≤ 100 ms and '}≤ 1.5×: ${within ? 'within budget' : 'OVER BUDGET'}` : '';
      log(`    ${k.padEnd(48)} ${ms(v.wall).padStart(7)} ${ratio.toFixed(2)}×, CPU ${ms(v.cpu).padStart(6)} ${(v.cpu / node.cpu).toFixed(2)}×${verdict}`);
    }
  };
  log(`\nwhole xalt find over ${RUNS.toLocaleString('en')} runs (SQLite, --db given; a new process each run, spawn to exit; medians of ${REPEAT}, interleaved; CPU = the child's user + system time, in 10 ms ticks):`);
  show('warm', interleaved(commands, REPEAT, false), false);
  if (canDropCaches()) show('cold (page cache dropped before every run)', interleaved(commands, Math.max(3, Math.round(REPEAT / 3)), true), true);
  else log('  cold: skipped (dropping the page cache needs root)');
}

/**
 * Whole `xalt ingest` commands into new SQLite stores: of a spool of one file per record (the
 * `direct` and `syslog` transports' layout, and XALT's), and of the same kind of records in
 * bundles of 20 runs, as xalt-ship delivers them under the default transport.
 */
async function benchIngest(): Promise<void> {
  const spool = makeBenchSpool(8000);
  const shipped = makeFilesAndBundles(8000, 20);
  const work = mkdtempSync(join(tmpdir(), 'xalt-bench-cmd-'));
  const quarantine = join(work, 'quarantine');
  try {
    const command: Timing[] = [];
    const bundles: Timing[] = [];
    const inProcess: number[] = [];
    const other = process.env['XALT_BENCH_BASELINE_XALT'];
    const baseline: Timing[] = [];
    /** records per second of wall time and per CPU-second of the command (all its threads) */
    const rates = (records: number, t: { wall: number; cpu: number }): Timing => ({ wall: records / (t.wall / 1000), cpu: records / (t.cpu / 1000) });
    const ingest = (bin: string, db: string, root: string) => timeRun([bin, 'ingest', '--quiet', '--db', db, '--quarantine', quarantine, root]);
    const settings = await loadIngestSettings();
    const rules = { preIngest: settings.preIngest ?? [], applications: settings.applications ?? [] };
    for (let i = 0; i < Math.max(3, Math.round(REPEAT / 3)); i++) {
      const db = join(work, `c${i}.db`);
      command.push(rates(spool.records, ingest(XALT, db, spool.root)));
      bundles.push(rates(shipped.records, ingest(XALT, join(work, `s${i}.db`), shipped.bundles)));
      const store = await openStore(join(work, `p${i}.db`));
      const t0 = performance.now();
      await ingestSpools(store, [spool.root], { ...rules, quarantineDir: quarantine });
      await store.close();
      inProcess.push(spool.records / ((performance.now() - t0) / 1000));
      if (other) baseline.push(rates(spool.records, ingest(other, join(work, `b${i}.db`), spool.root)));
      for (const f of [db, join(work, `s${i}.db`), join(work, `p${i}.db`), join(work, `b${i}.db`)]) rmSync(f, { force: true });
    }
    const c = median(command.map((r) => r.wall));
    const cCpu = median(command.map((r) => r.cpu));
    const s = median(bundles.map((r) => r.wall));
    const p = median(inProcess);
    const verdict = (rate: number) => `budget ≥ 20,000 records/s: ${rate >= 20_000 ? 'within budget' : 'UNDER BUDGET'}`;
    log(`\nwhole xalt ingest into a new SQLite store (spawn to exit; medians of ${command.length}, interleaved; load average ${loadavg()[0]!.toFixed(1)} at the end):`);
    log(`  ${spool.records.toLocaleString('en')} records in as many files    ${Math.round(c).toLocaleString('en')} records/s, ${Math.round(cCpu).toLocaleString('en')} per CPU-second   ${verdict(c)}`);
    log(`  ${shipped.records.toLocaleString('en')} records in bundles of 20 runs (as xalt-ship ships them) ${Math.round(s).toLocaleString('en')} records/s, ${Math.round(median(bundles.map((r) => r.cpu))).toLocaleString('en')} per CPU-second   ${verdict(s)}; ${(s / c).toFixed(2)}× the files`);
    log(`  ingestSpools over the files, in this process ${Math.round(p).toLocaleString('en')} records/s   (the loop alone, side by side: the command reaches ${(c / p).toFixed(2)}× of it)`);
    if (other) {
      const b = median(baseline.map((r) => r.wall));
      const bCpu = median(baseline.map((r) => r.cpu));
      log(`  baseline build's xalt ingest    ${Math.round(b).toLocaleString('en')} records/s, ${Math.round(bCpu).toLocaleString('en')} per CPU-second   (${other}; this build: ${(c / b).toFixed(2)}× by the clock, ${(cCpu / bCpu).toFixed(2)}× per CPU-second)`);
    }
  } finally {
    for (const dir of [spool.root, shipped.files, shipped.bundles, work]) rmSync(dir, { recursive: true, force: true });
  }
}

/** `XALT_BENCH_COMMANDS=find` or `=ingest` runs one half. */
export async function run(): Promise<void> {
  const only = process.env['XALT_BENCH_COMMANDS'];
  log(`whole commands (node ${process.version})`);
  if (only !== 'ingest') await benchFind();
  if (only !== 'find') await benchIngest();
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await run();
