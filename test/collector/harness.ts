/**
 * Shared helpers for the collector tests: build the library (and rule-table or transport
 * variants), compile snippets with the real `cc`, run programs with and without LD_PRELOAD,
 * and read back the records they wrote — from node-local staging (transports ship and
 * syslog, the default) or from a spool (transport direct) — validated against the schema,
 * crc checked.
 */
import { sharedObjEnv } from '../helpers/native-objects.js';
import { testUser as sharedTestUser } from '../helpers/test-users.js';
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { verifyRecordCrc } from '../../src/schema/crc16.js';
import { validateRun } from '../../src/schema/validate.js';
import type { RunRecord } from '../../src/schema/run-record.js';
import { HASH_PRIME, monthDir } from '../../src/schema/spool-layout.js';

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
 * Build libxalt.so (default tables, or `genC` compiled with `cflags`) and return its path.
 * Every variant links the same objects; only its site_config.c is compiled.
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
  if (genC) args.push(`GEN_C=${genC}`, `GEN_CFLAGS=${cflags}`, join(out, 'libxalt.so'));
  execFileSync('make', args, { stdio: ['ignore', 'ignore', 'inherit'], env: sharedObjEnv() });
  const lib = join(out, 'libxalt.so');
  built.set(key, lib);
  return lib;
}

/**
 * The collector built by `xalt build` from a site config of `toml` (default: transport
 * "direct", no path rules), for tests of the other transports.
 */
export function buildLibFromToml(toml = '[spool]\ntransport = "direct"\n'): string {
  const key = `toml|${toml}`;
  const have = built.get(key);
  if (have) return have;
  const out = scratch('tomllib');
  writeFileSync(join(out, 'xalt.toml'), toml);
  execFileSync(process.execPath, [join(ROOT, 'bin/xalt'), 'build', '-c', join(out, 'xalt.toml'), '--out', out], { stdio: ['ignore', 'ignore', 'inherit'], env: sharedObjEnv() });
  const lib = join(out, 'libxalt.so');
  built.set(key, lib);
  return lib;
}

/**
 * What `xalt spool prepare` does for transport direct: the <YYYYMM>/<NNN>/ directories of
 * this month (and of the months a day either side, for runs in other time zones), owned by
 * the caller (root in these tests), 01777.
 */
export function prepareSpool(spool: string): void {
  const now = Date.now() / 1000;
  for (const month of new Set([monthDir(now - 86400), monthDir(now), monthDir(now + 86400)])) {
    for (let i = 0; i < HASH_PRIME; i++) {
      const d = join(spool, month, String(i).padStart(3, '0'));
      mkdirSync(d, { recursive: true });
      chmodSync(d, 0o1777);
    }
    chmodSync(join(spool, month), 0o755);
  }
}

/** An unprivileged account for tests that play another user (no home, no login shell). */
export function testUser(name = 'xcoll_user'): { uid: number; gid: number } {
  return sharedTestUser(name);
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

/** A run record's file name in a spool (`run.*.json`) or in staging (`xalt_run.<uid>.<job>.<uuid>.json`). */
const RUN_FILE = /\/(run\.[^/]+|xalt_run\.\d+\.[A-Za-z0-9_-]+\.[0-9a-f-]{36})\.json$/;

/** Run records in a spool or a staging directory: each must parse, validate and carry a correct crc (else throws). */
export function runRecords(dir: string): FoundRecord[] {
  return listFiles(dir)
    .filter((p) => RUN_FILE.test(p))
    .map((path) => {
      const text = readFileSync(path, 'utf8');
      if (verifyRecordCrc(text) !== true) throw new Error(`${path}: crc does not verify`);
      if (!text.endsWith('}\n')) throw new Error(`${path}: record does not end with "}\\n"`);
      const v = validateRun(JSON.parse(text));
      if (!v.record) throw new Error(`${path}: ${v.issues.join('; ')}`);
      return { path, name: path.slice(path.lastIndexOf('/') + 1), text, record: v.record, mode: statSync(path).mode & 0o7777 };
    });
}

/** End records only: `zzz` in a spool; in staging, a run file whose record has ended. */
export function endRecords(dir: string): FoundRecord[] {
  return runRecords(dir).filter((r) => (r.name.startsWith('xalt_run.') ? r.record.userT.end_reason !== '' : r.name.includes('.zzz.')));
}

/** Start records only: `aaa` in a spool; in staging, a run file still holding its start record. */
export function startRecords(dir: string): FoundRecord[] {
  return runRecords(dir).filter((r) => (r.name.startsWith('xalt_run.') ? r.record.userT.end_reason === '' : r.name.includes('.aaa.')));
}

/** Lines of stderr without the collector's own trace lines. */
export function withoutTrace(stderr: string): string {
  return stderr
    .split('\n')
    .filter((l) => !l.startsWith('xalt: '))
    .join('\n');
}
