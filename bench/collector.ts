/**
 * Collector overhead per exec (DESIGN.md §9): the median wall time a tiny C program takes to
 * start and exit under each configuration, minus the same with no preload and with an
 * empty preloaded library (the dynamic loader's floor), all measured side by side in
 * interleaved rounds so machine noise hits every configuration alike.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SPAWNS = 150; // per configuration per round
const ROUNDS = 7;

interface Config {
  name: string;
  preload: string; // '-' = none
  prog: string;
  env: Record<string, string>;
  budgetUs?: number;
  budgetVs?: 'none' | 'empty';
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function build(dir: string) {
  const cc = (out: string, ...args: string[]) => execFileSync('cc', ['-O2', '-o', join(dir, out), ...args], { stdio: 'inherit' });
  cc('spawnloop', join(ROOT, 'bench/collector-spawnloop.c'));
  cc('true', join(ROOT, 'bench/collector-true.c'));
  cc('big', join(ROOT, 'bench/collector-big.c'));
  cc('libempty.so', '-shared', '-fPIC', join(ROOT, 'test/collector/snippets/empty_lib.c'));
  copyFileSync(join(dir, 'true'), join(dir, 'skipme'));
  execFileSync('make', ['-s', '-C', join(ROOT, 'native'), `BUILD=${join(dir, 'lib')}`], { stdio: 'inherit' });
  // A variant with a SKIP path rule (the test rule table) for the filtered-out case.
  execFileSync('make', ['-s', '-C', join(ROOT, 'native'), `BUILD=${join(dir, 'rules')}`, `GEN_C=${join(ROOT, 'test/collector/fixtures/site-config-rules.c')}`], { stdio: 'inherit' });
}

/** Per-exec wall and CPU times (ns) of one batch. */
function batch(dir: string, c: Config): { wall: number[]; cpu: number[] } {
  const env = { PATH: '/usr/bin:/bin', HOME: dir, USER: 'bench', ...c.env };
  const out = execFileSync(join(dir, 'spawnloop'), [String(SPAWNS), c.preload, c.prog], { env, maxBuffer: 1 << 24 });
  const rows = out.toString().trim().split('\n').map((l) => l.split(' ').map(Number));
  return { wall: rows.map((r) => r[0]!), cpu: rows.map((r) => r[1]!) };
}

const fmtUs = (ns: number) => `${(ns / 1000).toFixed(1)} µs`;

/** Run the collector benchmark and print one line per configuration. */
export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'xalt-bench-collector-'));
  const cleanup = [dir];
  try {
    build(dir);
    const lib = join(dir, 'lib/libxalt.so');
    // Staging (and the spool, to measure the collector rather than a disk) on tmpfs, as
    // nodes have it (/dev/shm); one extra line shows a spool on the disk-backed temp dir.
    const shm = existsSync('/dev/shm') ? mkdtempSync('/dev/shm/xalt-bench-') : join(dir, 'shm');
    cleanup.push(shm);
    const track = { XALT_EXECUTABLE_TRACKING: 'yes', XALT_FILE_PREFIX: join(shm, 'spool'), XALT_TMPDIR: join(shm, 'tmp'), XALT_SAMPLING: 'no' };
    mkdirSync(track.XALT_FILE_PREFIX, { recursive: true });
    mkdirSync(track.XALT_TMPDIR, { recursive: true });
    mkdirSync(join(dir, 'spool'));
    const t = join(dir, 'true');
    const configs: Config[] = [
      { name: 'no preload', preload: '-', prog: t, env: {} },
      { name: 'empty preloaded library', preload: join(dir, 'libempty.so'), prog: t, env: {} },
      { name: 'XALT_EXECUTABLE_TRACKING=no', preload: lib, prog: t, env: { ...track, XALT_EXECUTABLE_TRACKING: 'no' }, budgetUs: 5, budgetVs: 'empty' },
      { name: 'path filtered out (SKIP rule)', preload: join(dir, 'rules/libxalt.so'), prog: join(dir, 'skipme'), env: track, budgetUs: 15, budgetVs: 'empty' },
      { name: 'tracked, end record only', preload: lib, prog: t, env: track, budgetUs: 150, budgetVs: 'none' },
      { name: 'tracked, end record, spool on disk', preload: lib, prog: t, env: { ...track, XALT_FILE_PREFIX: join(dir, 'spool') }, budgetUs: 150, budgetVs: 'none' },
      { name: 'tracked, start + end records', preload: lib, prog: t, env: { ...track, XALT_START_POLICY: 'always' }, budgetUs: 250, budgetVs: 'none' },
      { name: '32 MiB executable, no preload', preload: '-', prog: join(dir, 'big'), env: {} },
      { name: '32 MiB executable, tracked (2nd+ run)', preload: lib, prog: join(dir, 'big'), env: track, budgetUs: 1000, budgetVs: 'none' },
    ];
    for (const c of configs) batch(dir, { ...c }); // warm-up: page cache, sha1 cache, spool dirs
    const medians = new Map<string, number[]>(configs.map((c) => [c.name, []]));
    const cpuMedians = new Map<string, number[]>(configs.map((c) => [c.name, []]));
    for (let r = 0; r < ROUNDS; r++) {
      for (const c of configs) {
        const b = batch(dir, c);
        medians.get(c.name)!.push(median(b.wall));
        cpuMedians.get(c.name)!.push(median(b.cpu));
      }
    }
    const m = (name: string) => median(medians.get(name)!);
    const cpu = (name: string) => median(cpuMedians.get(name)!);
    const none = m('no preload'), empty = m('empty preloaded library'), bigNone = m('32 MiB executable, no preload');
    console.log(`collector: median wall time per exec, ${ROUNDS} rounds x ${SPAWNS} spawns, configurations interleaved; spool and staging on ${shm}`);
    console.log(`  ${'no preload'.padEnd(40)} ${fmtUs(none)}`);
    console.log(`  ${'empty preloaded library'.padEnd(40)} ${fmtUs(empty)}  (+${fmtUs(empty - none)}, ratio ${(empty / none).toFixed(3)} vs no preload; child CPU +${fmtUs(cpu('empty preloaded library') - cpu('no preload'))})`);
    for (const c of configs.filter((x) => x.budgetUs !== undefined)) {
      const v = m(c.name);
      const base = c.name.startsWith('32 MiB') ? bigNone : none;
      const ref = c.budgetVs === 'empty' ? empty : base;
      const added = v - ref;
      const ok = added / 1000 <= c.budgetUs! ? 'within' : 'OVER';
      const cpuBase = cpu(c.name.startsWith('32 MiB') ? '32 MiB executable, no preload' : 'no preload');
      const cpuRef = c.budgetVs === 'empty' ? cpu('empty preloaded library') : cpuBase;
      console.log(
        `  ${c.name.padEnd(40)} ${fmtUs(v)}  +${fmtUs(v - base)} vs no preload (ratio ${(v / base).toFixed(3)}), ` +
          `+${fmtUs(v - empty)} vs empty lib (ratio ${(v / empty).toFixed(3)}); budget ≤ ${c.budgetUs} µs vs ${c.budgetVs === 'empty' ? 'empty lib' : 'no preload'}: ${ok}` +
          `; child CPU +${fmtUs(cpu(c.name) - cpuRef)} vs ${c.budgetVs === 'empty' ? 'empty lib' : 'no preload'}`,
      );
    }
  } finally {
    for (const d of cleanup) rmSync(d, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await run();
