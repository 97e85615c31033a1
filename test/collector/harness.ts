/**
 * Shared helpers for the collector tests: build the library (and rule-table variants),
 * compile snippets with the real `cc`, run programs with and without LD_PRELOAD, and read
 * back the records they wrote (validated against the schema, crc checked).
 */
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { verifyRecordCrc } from '../../src/schema/crc16.js';
import { validateRun } from '../../src/schema/validate.js';
import type { RunRecord } from '../../src/schema/run-record.js';

export const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const SNIPPETS = join(ROOT, 'test/collector/snippets');
export const RULES_CONFIG = join(ROOT, 'test/collector/fixtures/site-config-rules.c');

const scratchDirs: string[] = [];
process.on('exit', () => {
  for (const d of scratchDirs) rmSync(d, { recursive: true, force: true });
});

/** A scratch directory removed when the process exits. */
export function scratch(tag: string): string {
  const dir = mkdtempSync(join(tmpdir(), `xalt-${tag}-`));
  scratchDirs.push(dir);
  return dir;
}

const built = new Map<string, string>();

/**
 * Build libxalt.so (default tables, or `genC` with `cflags`) and return its path.
 * XALT_TEST_COLLECTOR overrides the default build (e.g. the ASan/UBSan builds of
 * `make -C native asan ubsan`; it may list several libraries, as LD_PRELOAD does).
 */
export function buildLib(genC?: string, cflags = ''): string {
  const override = process.env['XALT_TEST_COLLECTOR'];
  if (override && !genC) return override;
  const key = `${genC ?? ''}|${cflags}`;
  const have = built.get(key);
  if (have) return have;
  const out = genC ? scratch('lib') : join(ROOT, 'native/build');
  const args = ['-s', '-C', join(ROOT, 'native'), `BUILD=${out}`];
  if (genC) args.push(`GEN_C=${genC}`, `CFLAGS=-O2 ${cflags}`);
  execFileSync('make', args, { stdio: ['ignore', 'ignore', 'inherit'] });
  const lib = join(out, 'libxalt.so');
  built.set(key, lib);
  return lib;
}

const compiled = new Map<string, string>();
const emptyHome = scratch('home');
const binDir = scratch('bin');

/** Compile test/collector/snippets/<name>.c (plus flags) and return the executable path. */
export function compile(name: string, flags: string[] = [], outName = name): string {
  const key = `${name}|${flags.join(' ')}|${outName}`;
  const have = compiled.get(key);
  if (have) return have;
  const exe = join(binDir, outName);
  execFileSync('cc', ['-O1', '-o', exe, join(SNIPPETS, `${name}.c`), ...flags], { stdio: 'inherit' });
  compiled.set(key, exe);
  return exe;
}

export interface RunResult {
  stdout: string;
  stderr: string;
  status: number | null;
  signal: NodeJS.Signals | null;
}

export interface RunOptions {
  /** path of the collector to preload; omit for a run without it */
  preload?: string;
  env?: Record<string, string | undefined>;
  cwd?: string;
}

/** A fresh spool + tmpdir and the environment that tracks into them. */
export function trackingEnv(): { spool: string; tmp: string; env: Record<string, string> } {
  const spool = scratch('spool');
  const tmp = scratch('tmp');
  return {
    spool,
    tmp,
    env: { XALT_EXECUTABLE_TRACKING: 'yes', XALT_FILE_PREFIX: spool, XALT_TMPDIR: tmp, XALT_SAMPLING: 'no', USER: 'tester' },
  };
}

/** Run a program; the environment is a small fixed base plus `env` (undefined removes). */
export function run(cmd: string, args: string[], o: RunOptions = {}): RunResult {
  // A fixed, hermetic base: bash started over a socketpair (as node spawns) reads ~/.bashrc.
  const env: Record<string, string> = { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: emptyHome, LANG: 'C' };
  for (const k of ['ASAN_OPTIONS', 'UBSAN_OPTIONS']) if (process.env[k]) env[k] = process.env[k]!; // sanitizer runs
  for (const [k, v] of Object.entries(o.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  if (o.preload) env['LD_PRELOAD'] = o.preload;
  const r: SpawnSyncReturns<Buffer> = spawnSync(cmd, args, { env, cwd: o.cwd, timeout: 60_000, maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  return { stdout: r.stdout.toString('latin1'), stderr: r.stderr.toString('latin1'), status: r.status, signal: r.signal };
}

/** Run with and without the collector; the caller compares the two. */
export function runBoth(cmd: string, args: string[], lib: string, env: Record<string, string | undefined>, cwd?: string) {
  const plain = run(cmd, args, { env, cwd });
  const tracked = run(cmd, args, { env, cwd, preload: lib });
  return { plain, tracked };
}

export interface FoundRecord {
  path: string;
  name: string;
  text: string;
  record: RunRecord;
  mode: number;
}

/** Every file below `dir` (recursively), excluding nothing. */
export function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listFiles(p));
    else out.push(p);
  }
  return out.sort();
}

/** Run records in a spool: each must parse, validate and carry a correct crc (else throws). */
export function runRecords(spool: string): FoundRecord[] {
  return listFiles(spool)
    .filter((p) => /\/run\.[^/]+\.json$/.test(p))
    .map((path) => {
      const text = readFileSync(path, 'utf8');
      if (verifyRecordCrc(text) !== true) throw new Error(`${path}: crc does not verify`);
      if (!text.endsWith('}\n')) throw new Error(`${path}: record does not end with "}\\n"`);
      const v = validateRun(JSON.parse(text));
      if (!v.record) throw new Error(`${path}: ${v.issues.join('; ')}`);
      return { path, name: path.slice(path.lastIndexOf('/') + 1), text, record: v.record, mode: statSync(path).mode & 0o7777 };
    });
}

/** End (zzz) records only. */
export function endRecords(spool: string): FoundRecord[] {
  return runRecords(spool).filter((r) => r.name.includes('.zzz.'));
}

/** Lines of stderr without the collector's own trace lines. */
export function withoutTrace(stderr: string): string {
  return stderr
    .split('\n')
    .filter((l) => !l.startsWith('xalt: '))
    .join('\n');
}
