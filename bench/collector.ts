/**
 * Collector overhead per exec (docs/internals/budgets.md): what each configuration adds to the start and
 * exit of a tiny C program, against no preload and against an empty preloaded library (the
 * dynamic loader's floor).
 *
 * Robust on a noisy shared machine: one driver process spawns every configuration once per
 * cycle (in a shuffled order), for thousands of cycles, so load from other jobs falls
 * on all configurations alike; each figure is the median of the per-cycle paired
 * differences with its 95% confidence interval, for wall time (spawn to reap) and for the
 * child's CPU time (user + system from wait4), plus minor page faults. The default is the
 * site config as shipped: transport ship (records to node-local staging only), a start and
 * an end record per run, the signal handler on.
 * `XALT_BENCH_CYCLES=N` changes the number of cycles (default 2000, ~40 s).
 * `XALT_BENCH_BASELINE_LIB=PATH` adds another build of libxalt.so (say, main's) tracked the
 * same ways in the same run, so a change is measured against what it replaces.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { added, median, type Added } from './collector-stats.js';
import { HASH_PRIME, monthDir } from '../src/schema/spool-layout.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CYCLES = Number(process.env['XALT_BENCH_CYCLES'] ?? 2000);
const WARMUP = 20;

/** One configuration: what is preloaded, which program runs, with which variables. */
export interface Config {
  readonly name: string;
  readonly preload: string; // '-' = none
  readonly prog: string;
  readonly env: Readonly<Record<string, string>>;
  /** Reference configuration the figure is taken against, and the budget (µs) if any. */
  readonly vs?: string;
  readonly budgetUs?: number;
  /** A goal below the budget, shown beside it. */
  readonly goalUs?: number;
  /** A second reference shown beside the first (no preload / the empty library). */
  readonly also?: string;
}

/** Per-configuration series, aligned by cycle (ns; page faults as counts). */
export interface Series {
  readonly wall: number[];
  readonly cpu: number[];
  readonly minflt: number[];
}

function build(dir: string) {
  const cc = (out: string, ...args: string[]) => execFileSync('cc', ['-O2', '-o', join(dir, out), ...args], { stdio: 'inherit' });
  cc('spawnloop', join(ROOT, 'bench/collector-spawnloop.c'));
  cc('true', join(ROOT, 'bench/collector-true.c'));
  cc('big', join(ROOT, 'bench/collector-big.c'));
  cc('libempty.so', '-shared', '-fPIC', join(ROOT, 'test/collector/snippets/empty_lib.c'));
  // The filtered-out case: the same tiny program under a name the example config's path
  // rules SKIP (build tools), decided by the generated DFA tables as on a real site.
  mkdirSync(join(dir, 'skip'));
  copyFileSync(join(dir, 'true'), join(dir, 'skip/make'));
  execFileSync('make', ['-s', '-C', join(ROOT, 'native'), `BUILD=${join(dir, 'lib')}`], { stdio: 'inherit' });
  // The same site config with transport "direct" (XALT-compatible files into the spool).
  const toml = join(dir, 'direct.toml');
  writeFileSync(toml, readFileSync(join(ROOT, 'etc/xalt.example.toml'), 'utf8').replace(/^transport = "ship"$/m, 'transport = "direct"'));
  execFileSync(process.execPath, [join(ROOT, 'bin/xalt'), 'build', '-c', toml, '--out', join(dir, 'direct')], { stdio: ['ignore', 'ignore', 'inherit'] });
}

/** The spool directories `xalt spool prepare` creates for transport direct (this month and the next). */
function prepareSpool(spool: string): void {
  const now = Date.now() / 1000;
  for (const month of new Set([monthDir(now), monthDir(now + 86400)])) {
    for (let i = 0; i < HASH_PRIME; i++) {
      const d = join(spool, month, String(i).padStart(3, '0'));
      mkdirSync(d, { recursive: true });
      chmodSync(d, 0o1777);
    }
  }
}

/** Run every configuration `cycles` times, interleaved; returns the series by name. */
export function measure(spawnloop: string, configs: readonly Config[], cycles: number, baseEnv: Record<string, string>): Map<string, Series> {
  const spec = configs.map((c) => [c.preload, c.prog, ...Object.entries(c.env).map(([k, v]) => `${k}=${v}`)].join('\t')).join('\n') + '\n';
  const out = execFileSync(spawnloop, [String(cycles), String(WARMUP)], { input: spec, env: baseEnv, maxBuffer: 1 << 28 });
  const series = new Map<string, Series>(configs.map((c) => [c.name, { wall: [], cpu: [], minflt: [] }]));
  for (const line of out.toString().trim().split('\n')) {
    const [, i, wall, cpu, flt] = line.split(' ').map(Number);
    const s = series.get(configs[i!]!.name)!;
    s.wall.push(wall!);
    s.cpu.push(cpu!);
    s.minflt.push(flt!);
  }
  return series;
}

const us = (ns: number) => (ns / 1000).toFixed(1);
const fmtAdded = (a: Added) => `${a.median >= 0 ? '+' : ''}${us(a.median)} µs [${us(a.lo)}, ${us(a.hi)}]`;

/** One line per configuration: figures against its reference, and the budget verdict. */
export function report(configs: readonly Config[], series: Map<string, Series>): string[] {
  const lines: string[] = [];
  for (const c of configs) {
    const s = series.get(c.name)!;
    if (!c.vs) {
      lines.push(`  ${c.name.padEnd(38)} wall ${us(median(s.wall))} µs, cpu ${us(median(s.cpu))} µs, ${median(s.minflt)} page faults`);
      continue;
    }
    const r = series.get(c.vs)!;
    const wall = added(s.wall, r.wall);
    const cpu = added(s.cpu, r.cpu);
    const flt = median(s.minflt) - median(r.minflt);
    const ratio = median(s.wall) / median(r.wall);
    const goal = c.goalUs === undefined ? '' : ` (goal ≤ ${c.goalUs}${wall.median / 1000 <= c.goalUs ? ': met' : ''})`;
    const verdict = c.budgetUs === undefined ? '' : `  budget ≤ ${c.budgetUs} µs${goal}: ${wall.median / 1000 <= c.budgetUs ? 'within' : 'OVER'}`;
    const second = c.also ? `; wall ${fmtAdded(added(s.wall, series.get(c.also)!.wall))} vs ${c.also}` : '';
    lines.push(
      `  ${c.name.padEnd(38)} wall ${fmtAdded(wall)}, cpu ${fmtAdded(cpu)}, ${flt >= 0 ? '+' : ''}${flt} page faults` +
        ` vs ${c.vs} (wall ratio ${ratio.toFixed(3)})${second}${verdict}`,
    );
  }
  return lines;
}

/** Run the collector benchmark and print one line per configuration. */
export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'xalt-bench-collector-'));
  const cleanup = [dir];
  try {
    build(dir);
    const lib = join(dir, 'lib/libxalt.so');
    const directLib = join(dir, 'direct/libxalt.so');
    // Staging (and the spool) on tmpfs, as nodes have it (/dev/shm); further lines put the
    // spool prefix, or staging, on the disk-backed temp dir.
    const shm = existsSync('/dev/shm') ? mkdtempSync('/dev/shm/xalt-bench-') : join(dir, 'shm');
    cleanup.push(shm);
    const track = { XALT_EXECUTABLE_TRACKING: 'yes', XALT_FILE_PREFIX: join(shm, 'spool'), XALT_TMPDIR: join(shm, 'tmp'), XALT_SAMPLING: 'no' };
    mkdirSync(track.XALT_FILE_PREFIX, { recursive: true });
    mkdirSync(track.XALT_TMPDIR, { recursive: true });
    prepareSpool(track.XALT_FILE_PREFIX);
    for (const d of ['spool', 'staging']) mkdirSync(join(dir, d));
    const t = join(dir, 'true');
    // A login-node-sized environment (Lmod sessions carry ~150 variables, long PATH-like
    // lists): the collector scans it for its variables and runs the env rules over each.
    const bigEnv: Record<string, string> = {};
    const dirs = Array.from({ length: 40 }, (_, i) => `/opt/apps/pkg${i}/1.${i}.0/bin`).join(':');
    // (LD_LIBRARY_PATH left out: the loader would search its 40 missing directories, which
    // costs the program ~0.8 ms with or without the collector and only adds noise.)
    for (const k of ['PATH', 'MODULEPATH', 'MANPATH', '_LMFILES_', 'LOADEDMODULES', 'INFOPATH']) bigEnv[k] = dirs;
    for (let i = 0; i < 140; i++) bigEnv[`__LMOD_REF_COUNT_VAR${i}`] = `/opt/apps/pkg${i}/share:1`;
    const none = 'no preload', empty = 'empty preloaded library', tracked = 'tracked (default: start + end record)';
    const noHandler = 'tracked, XALT_SIGNAL_HANDLER=no';
    const endOnly = 'tracked, end record only (start = mpi)';
    const captureOnly = 'tracked, nothing written (style none)';
    const bigNone = '32 MiB exe changed every run, no preload', bigEmpty = '32 MiB exe changed every run, empty lib';
    const big = `+${join(dir, 'big')}`; // (spawnloop: set its mtime before every run)
    const configs: Config[] = [
      { name: none, preload: '-', prog: t, env: {} },
      { name: empty, preload: join(dir, 'libempty.so'), prog: t, env: {}, vs: none },
      { name: 'XALT_EXECUTABLE_TRACKING=no', preload: lib, prog: t, env: { ...track, XALT_EXECUTABLE_TRACKING: 'no' }, vs: empty, budgetUs: 5, also: none },
      { name: 'path filtered out (SKIP rule)', preload: lib, prog: join(dir, 'skip/make'), env: track, vs: empty, budgetUs: 15, also: none },
      // The tracked-exec budget: ≤ 120 µs over no preload, goal ≤ 100 (the loader's floor + ~50).
      { name: tracked, preload: lib, prog: t, env: track, vs: none, budgetUs: 120, goalUs: 100, also: empty },
      { name: endOnly, preload: lib, prog: t, env: { ...track, XALT_START_POLICY: 'mpi' }, vs: none, budgetUs: 120, goalUs: 100, also: empty },
      { name: captureOnly, preload: lib, prog: t, env: { ...track, XALT_TRANSMISSION_STYLE: 'none' }, vs: none, also: empty },
      { name: noHandler, preload: lib, prog: t, env: { ...track, XALT_SIGNAL_HANDLER: 'no' }, vs: none, also: empty },
      { name: 'tracked, spool prefix on disk', preload: lib, prog: t, env: { ...track, XALT_FILE_PREFIX: join(dir, 'spool') }, vs: none, also: tracked },
      { name: 'tracked, staging on disk', preload: lib, prog: t, env: { ...track, XALT_TMPDIR: join(dir, 'staging') }, vs: none, also: tracked },
      { name: 'transport direct (XALT files, spool tmpfs)', preload: directLib, prog: t, env: track, vs: none, also: tracked },
      { name: 'no preload, 150-variable environment', preload: '-', prog: t, env: bigEnv },
      { name: 'tracked, 150-variable environment', preload: lib, prog: t, env: { ...track, ...bigEnv }, vs: 'no preload, 150-variable environment' },
      { name: bigNone, preload: '-', prog: big, env: {} },
      { name: bigEmpty, preload: join(dir, 'libempty.so'), prog: big, env: {}, vs: bigNone },
      { name: '32 MiB exe changed every run, tracked', preload: lib, prog: big, env: track, vs: bigNone, budgetUs: 2000, also: bigEmpty },
    ];
    const baseline = process.env['XALT_BENCH_BASELINE_LIB'];
    if (baseline) {
      configs.push(
        { name: 'baseline lib: tracked (default)', preload: baseline, prog: t, env: track, vs: none, also: tracked },
        { name: 'baseline lib: end record only', preload: baseline, prog: t, env: { ...track, XALT_START_POLICY: 'mpi' }, vs: none, also: endOnly },
      );
    }
    const baseEnv = { PATH: '/usr/bin:/bin', HOME: dir, USER: 'bench' };
    const loadBefore = loadavg()[0]!;
    const series = measure(join(dir, 'spawnloop'), configs, CYCLES, baseEnv);
    console.log(
      `collector: added time per exec = median of per-cycle paired differences [95% CI]; ${CYCLES} cycles x ${configs.length} configurations, ` +
        `order shuffled each cycle; cpu = child user+sys (wait4); spool and staging on ${shm} unless said; ` +
        `load average ${loadBefore.toFixed(1)} before, ${loadavg()[0]!.toFixed(1)} after (1 min)`,
    );
    for (const line of report(configs, series)) console.log(line);
    // Where the default's time goes: each part as the difference of two configurations.
    const part = (what: string, a: string, b: string) => {
      const x = series.get(a)!, y = series.get(b)!;
      console.log(`  ${what.padEnd(38)} wall ${fmtAdded(added(x.wall, y.wall))}, cpu ${fmtAdded(added(x.cpu, y.cpu))}, ` +
        `${median(x.minflt) - median(y.minflt)} page faults (${a} vs ${b}, wall ratio ${(median(x.wall) / median(y.wall)).toFixed(3)})`);
    };
    console.log('collector: the default tracked exec, part by part');
    part('loading a preloaded library at all', empty, none);
    part('decide, capture (argv, env, ids), handler', captureOnly, empty);
    part('the end record (build, write)', endOnly, captureOnly);
    part('the start record (build, write)', tracked, endOnly);
    part('signal handler installation', tracked, noHandler);
  } finally {
    for (const d of cleanup) rmSync(d, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await run();
