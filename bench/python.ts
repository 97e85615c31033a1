/**
 * The Python hook against its budgets, each measured side by side with the same interpreter
 * without the hook (no PYTHONPATH entry at all), in the same run:
 *  1. start-up with the hook on PYTHONPATH but not tracking, for every interpreter found
 *     (Debian's /usr/bin/python3, which ships a sitecustomize of its own that ours chains;
 *     pyenv's; $XALT_BENCH_PYTHONS, colon-separated): ≤ 0.5 ms added;
 *  2. a tracked `python3 -c 'import json, os'` (nothing to record: both are the standard
 *     library): ≤ 1 ms added;
 *  3. a tracked script importing 300 distinct installed packages, staging on tmpfs and on a
 *     disk file system: ≤ 15 ms added;
 *  4. the same with 10,000 packages: linear, i.e. per package no more than at 300.
 * Runs with and without are interleaved and each pair compared, because the machine is
 * shared and noisy; the median of the paired differences and the difference of the fastest
 * runs are printed (the latter is what a quiet machine sees). Ratios travel, absolute times do not.
 * Python for 2–4: $XALT_BENCH_PYTHON or python3.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fileTimeStamp } from '../src/schema/spool-layout.js';
import { uuid7 } from '../src/schema/uuid7.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const HOOK = join(ROOT, 'python', 'xalt_hook');

function realPython(cmd: string): string | undefined {
  const r = spawnSync(cmd, ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** Interpreters to measure start-up with: Debian's, pyenv's 3.x, $XALT_BENCH_PYTHONS. */
function interpreters(): string[] {
  const listed = process.env['XALT_BENCH_PYTHONS']?.split(':').filter(Boolean);
  if (listed?.length) return listed;
  const found = ['/usr/bin/python3'].filter(existsSync);
  const pyenv = join(process.env['PYENV_ROOT'] ?? join(homedir(), '.pyenv'), 'versions');
  if (existsSync(pyenv)) {
    for (const v of readdirSync(pyenv).filter((n) => /^3\.\d+\.\d+$/.test(n)).sort((a, b) => a.localeCompare(b, undefined, { numeric: true }))) {
      const py = join(pyenv, v, 'bin', 'python3');
      if (existsSync(py)) found.push(py);
    }
  }
  return found;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const min = (xs: number[]) => Math.min(...xs);

function timeMs(cmd: string, args: string[], env: NodeJS.ProcessEnv): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return ms;
}

interface Comparison { withHook: number; without: number; added: number; addedFastest: number; runs: number }

/**
 * `py code` with the hook (tracked when `staging` is given: a PKGS run as the collector would
 * start it) against `py code` without it, `runs` interleaved pairs. `code` is `-c` code, or a
 * script path when it ends in .py.
 */
function compare(py: string, code: string, o: { staging?: string; pythonPath?: string[]; runs: number; staged?: number }): Comparison {
  const invoke = code.endsWith('.py') ? 'exec "$0" "$1"' : 'exec "$0" -c "$1"';
  // sh execs Python, so "$$" is Python's pid, as when the collector names the file.
  // One run uuid for all runs (each run's file is removed after it): no extra process per run.
  const u = uuid7();
  const stamp = fileTimeStamp(Date.now() / 1000);
  const tracked = o.staging
    ? `export XALT_RUN_UUID=${u} XALT_DATE_TIME=${stamp} XALT_PKG_STAGING="${o.staging}/xalt_pkg.0.bench.${u}.$$.bench.${stamp}.bench.jsonl"; ${invoke}`
    : invoke;
  const base = { PATH: process.env['PATH'], HOME: process.env['HOME'] };
  const extra = o.pythonPath ?? [];
  const withHook = { ...base, PYTHONPATH: [HOOK, ...extra].join(':') };
  const without = { ...base, ...(extra.length ? { PYTHONPATH: extra.join(':') } : {}) };
  const a: number[] = [];
  const b: number[] = [];
  const added: number[] = [];
  const clean = () => { if (o.staging) for (const f of readdirSync(o.staging)) rmSync(join(o.staging, f)); };
  for (let i = 0; i < 2; i++) {
    timeMs('sh', ['-c', tracked, py, code], withHook);
    timeMs('sh', ['-c', invoke, py, code], without);
    if (o.staged !== undefined) checkStaged(o.staging!, o.staged);
    clean();
  }
  for (let i = 0; i < o.runs; i++) {
    // Alternate which goes first, and compare each pair: load from other users hits both alike.
    const first = i % 2 === 0;
    const x = first ? timeMs('sh', ['-c', tracked, py, code], withHook) : 0;
    const y = timeMs('sh', ['-c', invoke, py, code], without);
    const z = first ? x : timeMs('sh', ['-c', tracked, py, code], withHook);
    clean();
    a.push(z);
    b.push(y);
    added.push(z - y);
  }
  return { withHook: median(a), without: median(b), added: median(added), addedFastest: min(a) - min(b), runs: o.runs };
}

/** The tracked run really recorded: one staging file with `lines` records (none for 0). */
function checkStaged(dir: string, lines: number): void {
  const files = readdirSync(dir);
  const got = files.length ? readFileSync(join(dir, files[0]!), 'utf8').split('\n').filter(Boolean).length : 0;
  if (files.length !== (lines ? 1 : 0) || got !== lines) throw new Error(`expected one staging file of ${lines} records in ${dir}, found ${files.length} file(s), ${got} records`);
}

const sign = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(2)}`;

/** The 1-minute load average: on a shared machine a figure means little without it. */
const load = () => loadavg()[0]!.toFixed(1);

function report(what: string, r: Comparison, budgetMs: number): void {
  console.log(
    `${what}: ${sign(r.added)} ms with the hook (median of ${r.runs} paired differences; fastest runs ${sign(r.addedFastest)} ms; ` +
      `medians ${r.withHook.toFixed(2)} vs ${r.without.toFixed(2)} ms without, ratio ${(r.withHook / r.without).toFixed(3)}); ` +
      `budget ≤ ${budgetMs} ms: ${r.added <= budgetMs ? 'OK' : 'OVER'} (load ${load()})`,
  );
}

/** `count` installed distributions, one package each, with wheel-style metadata; a script importing them. */
function writeSite(site: string, count: number): string {
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = `benchpkg_${String(i).padStart(5, '0')}`;
    names.push(name);
    mkdirSync(join(site, name), { recursive: true });
    writeFileSync(join(site, name, '__init__.py'), 'X = 1\n');
    const info = join(site, `${name}-1.${i}.0.dist-info`);
    mkdirSync(info);
    writeFileSync(join(info, 'METADATA'), `Metadata-Version: 2.1\nName: ${name}\nVersion: 1.${i}.0\n\n`);
    writeFileSync(join(info, 'top_level.txt'), `${name}\n`);
  }
  const script = join(site, '..', `import-${count}.py`);
  writeFileSync(script, names.map((n) => `import ${n}\n`).join(''));
  return script;
}

/** Byte-compile the hook (as `xalt install` does) and the fake site for `py`. */
function compile(py: string, dirs: string[]): void {
  spawnSync(py, ['-m', 'compileall', '-q', ...dirs], { stdio: 'ignore' });
}

/** Run the benchmarks and print their figures. */
export async function run(): Promise<void> {
  const py = realPython(process.env['XALT_BENCH_PYTHON'] ?? 'python3');
  if (!py) throw new Error('python3 not runnable');
  // Staging on node-local tmpfs as in production (/dev/shm), and on a disk file system:
  // $XALT_BENCH_DIR, else <repo>/tmp (os.tmpdir() can be slower than either on build machines).
  const shmBase = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'xalt-bench-python-'));
  const parent = process.env['XALT_BENCH_DIR'] ?? join(ROOT, 'tmp');
  mkdirSync(parent, { recursive: true });
  const work = mkdtempSync(join(parent, 'bench-python-'));
  for (const d of [shmBase, work]) chmodSync(d, 0o755);
  try {
    const shm = join(shmBase, 'shm');
    const disk = join(work, 'staging');
    for (const d of [shm, disk]) mkdirSync(d);
    console.log(`tracked runs: ${py}; staging in ${shm} (tmpfs) and ${disk} (disk)`);

    for (const each of interpreters()) {
      compile(each, [HOOK]);
      report(`${each} -c pass, hook on PYTHONPATH, not tracking`, compare(each, 'pass', { runs: 101 }), 0.5);
    }
    compile(py, [HOOK]);
    report("tracked python3 -c 'import json, os'", compare(py, 'import json, os', { staging: shm, runs: 101, staged: 0 }), 1);

    const site300 = join(work, 'site300');
    const script300 = writeSite(site300, 300);
    compile(py, [site300]);
    const tmpfs300 = compare(py, script300, { staging: shm, pythonPath: [site300], runs: 31, staged: 300 });
    report('tracked script importing 300 distinct packages, staging on tmpfs', tmpfs300, 15);
    report('tracked script importing 300 distinct packages, staging on disk', compare(py, script300, { staging: disk, pythonPath: [site300], runs: 31, staged: 300 }), 15);

    const site10k = join(work, 'site10k');
    const script10k = writeSite(site10k, 10_000);
    compile(py, [site10k]);
    const r10k = compare(py, script10k, { staging: shm, pythonPath: [site10k], runs: 3, staged: 10_000 });
    report('tracked script importing 10,000 distinct packages, staging on tmpfs', r10k, 500);
    const per = (r: Comparison, n: number) => (1000 * r.added) / n;
    console.log(`per package: ${per(tmpfs300, 300).toFixed(1)} µs at 300, ${per(r10k, 10_000).toFixed(1)} µs at 10,000 (linear: the second is not larger)`);
  } finally {
    rmSync(work, { recursive: true, force: true });
    rmSync(shmBase, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await run();
