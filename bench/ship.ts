/**
 * xalt-ship (docs/internals/budgets.md): what the epilog costs a node and what it writes
 * to the shared spool.
 *   1. `xalt-ship --job` with nothing to ship (budget ≤ 10 ms), beside /bin/true, both spawned
 *      by the collector benchmark's driver in shuffled order; medians and their ratio.
 *   2. A job that staged 1,000 runs of one executable (start records: each is closed with a
 *      job_end record, and hash_id is filled — one SHA-1, then the cache).
 *   3. Files created in the shared spool for that job: one bundle (plus the month and hash
 *      directories the first time they are used), against XALT's 1–2 files per exec.
 * Runs as root or not (then it ships the caller's own files into a spool the caller owns).
 * `XALT_BENCH_SHIP_CYCLES=N` changes the number of spawn cycles in (1) (default 1000).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { serializeRecord } from '../src/schema/index.js';
import { runPair } from '../test/fixtures/records.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CYCLES = Number(process.env['XALT_BENCH_SHIP_CYCLES'] ?? 1000);
const RUNS = 1000;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

/** Wall time (ms) of one spawn of `argv` from here. */
function timed(argv: readonly string[]): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(argv[0]!, argv.slice(1), { stdio: 'ignore', env: { PATH: '/usr/bin:/bin' } });
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}`);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** Wall times (ns) per configuration from the collector benchmark's spawn driver, which
 * spawns each configuration once per cycle in a shuffled order. */
function spawnTimes(spawnloop: string, configs: readonly string[], cycles: number): number[][] {
  const r = spawnSync(spawnloop, [String(cycles), '20'], { input: configs.join('\n') + '\n', env: { PATH: '/usr/bin:/bin' }, stdio: ['pipe', 'pipe', 'ignore'], maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`spawn driver exited ${r.status}`);
  const out: number[][] = configs.map(() => []);
  for (const line of r.stdout.toString().trim().split('\n')) {
    const [, i, wall] = line.split(' ').map(Number);
    out[i!]!.push(wall!);
  }
  return out;
}

interface Node {
  staging: string;
  spool: string;
  state: string;
}

function node(base: string, name: string): Node {
  const n = { staging: join(base, name, 'shm'), spool: join(base, name, 'spool'), state: join(base, name, 'state') };
  mkdirSync(n.staging, { recursive: true });
  chmodSync(n.staging, 0o1777);
  mkdirSync(n.spool, { mode: 0o755 });
  return n;
}

const shipArgs = (ship: string, n: Node, job: string, uid: number) => [ship, '--job', job, '--uid', String(uid), '--tmpdir', n.staging, '--spool', n.spool, '--state-dir', n.state, '-q'];

/** Stage `count` start records of one executable for `job`, as the collector would. */
function stage(n: Node, job: string, uid: number, count: number, exe: string): void {
  const st = statSync(exe, { bigint: true });
  const identity = `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs / 1_000_000_000n}`;
  const start = Date.now() / 1000 - 60;
  for (let i = 0; i < count; i++) {
    const { start: rec } = runPair({
      hash_id: '',
      userT: { user: String(uid), job_id: job, exec_path: exe, exec_identity: identity, job_state: '' },
      userDT: { start_time: start + i / 1000 },
    });
    const uuid = (rec['userT'] as Record<string, string>)['run_uuid']!;
    writeFileSync(join(n.staging, `xalt_run.${uid}.${job}.${uuid}.json`), serializeRecord(rec), { mode: 0o600 });
  }
}

function countFiles(dir: string): { files: number; dirs: number; bytes: number } {
  let files = 0, dirs = 0, bytes = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      const c = countFiles(p);
      files += c.files; dirs += c.dirs + 1; bytes += c.bytes;
    } else {
      files++;
      bytes += statSync(p).size;
    }
  }
  return { files, dirs, bytes };
}

export async function run(): Promise<void> {
  const base = mkdtempSync(join(tmpdir(), 'xalt-bench-ship-'));
  chmodSync(base, 0o755);
  try {
    execFileSync('make', ['-s', '-C', join(ROOT, 'native'), `BUILD=${join(base, 'build')}`, join(base, 'build/xalt-ship')], { stdio: 'inherit' });
    const ship = join(base, 'build/xalt-ship');
    const uid = process.getuid?.() ?? 0;

    // 1. nothing to ship: the real node's /dev/shm (the compiled default), a job with no files;
    // job and uid from the variables Slurm's Epilog sets
    const spawnloop = join(base, 'spawnloop');
    execFileSync('cc', ['-O2', '-o', spawnloop, join(ROOT, 'bench/collector-spawnloop.c')], { stdio: 'inherit' });
    const configs = [`-\t/bin/true`, `-\t${ship}\tSLURM_JOB_ID=bench${process.pid}\tSLURM_JOB_UID=${uid}`];
    const series = spawnTimes(spawnloop, configs, CYCLES);
    const m = median(series[1]!) / 1e6, t = median(series[0]!) / 1e6;
    console.log(`ship: posix_spawn to reap, ${CYCLES} cycles, order shuffled each cycle; medians; staging: the compiled default (${'/dev/shm'})`);
    console.log(`  xalt-ship --job, nothing to ship      ${m.toFixed(2)} ms (/bin/true ${t.toFixed(2)} ms; ratio ${(m / t).toFixed(2)})  budget ≤ 10 ms: ${m <= 10 ? 'within' : 'OVER'}`);

    // 2 and 3. a job of 1,000 runs of one executable: spool on disk (the bundle is synced
    // before the staging files go, so this includes writing 3 MB through to the disk) and on tmpfs
    const shm = existsSync('/dev/shm') ? mkdtempSync('/dev/shm/xalt-bench-ship-') : mkdtempSync(join(base, 'shm-'));
    try {
      for (const [where, dir] of [['disk', base], ['tmpfs', shm]] as const) {
        const times: number[] = [];
        let spoolFiles = { files: 0, dirs: 0, bytes: 0 };
        for (let rep = 0; rep < 3; rep++) {
          const n = node(dir, `job-${rep}`);
          stage(n, '4242', uid, RUNS, '/usr/bin/env');
          times.push(timed(shipArgs(ship, n, '4242', uid)));
          if (readdirSync(n.staging).length) throw new Error('the job was not shipped completely');
          spoolFiles = countFiles(n.spool);
        }
        const jm = median(times);
        console.log(`  xalt-ship --job, ${RUNS} staged runs, spool on ${where.padEnd(5)} ${jm.toFixed(1)} ms (${((jm / RUNS) * 1000).toFixed(0)} µs per run: read, hash_id (1 SHA-1, then the cache), job_end record, crc, unlink; median of 3)`);
        if (where === 'disk')
          console.log(`  files created in the spool for that job  ${spoolFiles.files} bundle (${(spoolFiles.bytes / 1e6).toFixed(1)} MB, ${2 * RUNS} records) + ${spoolFiles.dirs} directories the first time; XALT-style direct: ${RUNS}–${2 * RUNS} files (1–2 per exec)  budget ≤ 1: ${spoolFiles.files <= 1 ? 'within' : 'OVER'}`);
      }
    } finally {
      rmSync(shm, { recursive: true, force: true });
    }
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await run();
