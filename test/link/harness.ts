/**
 * Shared helpers for the link-tracking tests: build the collector and the wrapper's helper
 * (in a scratch directory, so parallel test files never race on one build), lay out a `bin`
 * with the wrapper copies as `xalt install` does, compile and link real programs with the
 * machine's gcc/g++/gfortran, and read back link and run records (validated, crc checked).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, chmodSync, mkdirSync, mkdtempSync, rmSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedObjEnv } from '../helpers/native-objects.js';
import { verifyRecordCrc } from '../../src/schema/crc16.js';
import { validateLink } from '../../src/schema/validate.js';
import type { LinkRecord } from '../../src/schema/link-record.js';
import { endRecords, listFiles, ROOT, runRecords, scratch, type FoundRecord } from '../collector/harness.js';

export { ROOT, scratch, runRecords, endRecords, type FoundRecord };

export const WRAPPER_NAMES = ['ld', 'ld.bfd', 'ld.gold', 'ld.lld'] as const;

const built = new Map<string, { lib: string; helper: string }>();

/**
 * libxalt.so and xalt_link, built once per test process by `xalt build` from a site config
 * with no path rules (the sandboxes live under /var/tmp, which a real site config, and the
 * example, skips as a system directory) and the given transport.
 */
export function buildNative(transport: 'ship' | 'direct' = 'ship'): { lib: string; helper: string } {
  const have = built.get(transport);
  if (have) return have;
  const out = scratch('linkbuild');
  const config = join(out, 'xalt.toml');
  writeFileSync(config, `# link tests: track every path (built-in rules still skip shells and xalt itself)\n[spool]\ntransport = "${transport}"\n`);
  execFileSync(process.execPath, [join(ROOT, 'bin/xalt'), 'build', '-c', config, '--out', out], { stdio: ['ignore', 'ignore', 'inherit'], env: sharedObjEnv() });
  const b = { lib: join(out, 'libxalt.so'), helper: join(out, 'xalt_link') };
  built.set(transport, b);
  return b;
}

/** A bin directory as `xalt install` makes it: the wrapper under each linker name, plus the helper. */
export function wrapperBin(transport: 'ship' | 'direct' = 'ship'): string {
  const bin = scratch('wrapbin');
  for (const name of WRAPPER_NAMES) {
    copyFileSync(join(ROOT, 'native/wrapper/ld'), join(bin, name));
    chmodSync(join(bin, name), 0o755);
  }
  copyFileSync(buildNative(transport).helper, join(bin, 'xalt_link'));
  chmodSync(join(bin, 'xalt_link'), 0o755);
  return bin;
}

export interface Sandbox {
  dir: string;
  spool: string;
  /** the node-local staging directory (XALT_TMPDIR): where records go with transport ship */
  staging: string;
  tmp: string;
  home: string;
  /** environment for tracked links and runs into this sandbox's staging directory */
  env: Record<string, string>;
}

/**
 * A work directory, spool, tmpdir and home, with tracking switched on. It lives under
 * /var/tmp: XALT leaves everything under /tmp/ out of linkA (compiler temporaries), and a
 * user's own libraries must show up.
 */
export function sandbox(tag: string): Sandbox {
  const dir = mkdtempSync(join('/var/tmp', `xalt-${tag}-`));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  const spool = join(dir, 'spool');
  const staging = join(dir, 'staging');
  const tmp = join(dir, 'tmp');
  const home = join(dir, 'home');
  for (const d of [spool, staging, tmp, home]) mkdirSync(d);
  const env = {
    PATH: '/usr/local/bin:/usr/bin:/bin', HOME: home, LANG: 'C', USER: 'tester', TMPDIR: tmp,
    XALT_EXECUTABLE_TRACKING: 'yes', XALT_FILE_PREFIX: spool, XALT_TMPDIR: staging, XALT_SAMPLING: 'no',
  };
  return { dir, spool, staging, tmp, home, env };
}

/** The environment that routes a compiler's links through the wrapper in `bin`. */
export function wrapped(s: Sandbox, bin: string, extra: Record<string, string> = {}): Record<string, string> {
  return { ...s.env, PATH: `${bin}:${s.env.PATH}`, COMPILER_PATH: bin, ...extra };
}

export interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Run a command with exactly `env` (undefined values removed). */
export function sh(cmd: string, args: string[], env: Record<string, string | undefined>, cwd?: string): Ran {
  const clean = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as Record<string, string>;
  const r = spawnSync(cmd, args, { env: clean, cwd, timeout: 120_000, maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout.toString('latin1'), stderr: r.stderr.toString('latin1') };
}

/** Like `sh` but the command must succeed. */
export function must(cmd: string, args: string[], env: Record<string, string | undefined>, cwd?: string): Ran {
  const r = sh(cmd, args, env, cwd);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r;
}

/** Write a source file into `dir` and return its path. */
export function source(dir: string, name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

export const HELLO_C = '#include <stdio.h>\nint main(void) { printf("hello from C\\n"); return 0; }\n';
export const HELLO_CXX = '#include <iostream>\nint main() { std::cout << "hello from C++" << std::endl; return 0; }\n';
export const HELLO_F90 = 'program hello\n  print *, "hello from Fortran"\nend program hello\n';
export const LIB_C = 'int xalt_test_answer(void) { return 42; }\n';

export interface FoundLink {
  path: string;
  name: string;
  text: string;
  record: LinkRecord;
  mode: number;
}

/** A link record's file name in a spool (`link.*.json`) or in staging (`xalt_link.<uid>.<job>.<uuid>.json`). */
const LINK_FILE = /\/(link\.[^/]+|xalt_link\.\d+\.[A-Za-z0-9_-]+\.[0-9a-f-]{36})\.json$/;

/** Link records in a spool or staging directory: each must parse, validate and carry a correct crc (else throws). */
export function linkRecords(dir: string): FoundLink[] {
  return listFiles(dir)
    .filter((p) => LINK_FILE.test(p))
    .map((path) => {
      const text = readFileSync(path, 'utf8');
      if (verifyRecordCrc(text) !== true) throw new Error(`${path}: crc does not verify`);
      if (!text.endsWith('}\n')) throw new Error(`${path}: record does not end with "}\\n"`);
      const v = validateLink(JSON.parse(text));
      if (!v.record) throw new Error(`${path}: ${v.issues.join('; ')}`);
      return { path, name: path.slice(path.lastIndexOf('/') + 1), text, record: v.record, mode: statSync(path).mode & 0o7777 };
    });
}

/** `xalt extract --json BINARY` through the built CLI. */
export function extract(binary: string): { status: number | null; json: { watermark: Record<string, string> | null; build_id: string | null } } {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/xalt'), 'extract', '--json', binary], { encoding: 'utf8' });
  return { status: r.status, json: JSON.parse(r.stdout) };
}

/** SHA-1 of a file, as `sha1sum` says. */
export function sha1sum(path: string): string {
  return execFileSync('sha1sum', [path], { encoding: 'utf8' }).split(' ')[0]!;
}

/** The section names of an ELF file (readelf -S). */
export function sectionNames(path: string): string[] {
  const out = execFileSync('readelf', ['-SW', path], { encoding: 'utf8' });
  return [...out.matchAll(/^\s*\[\s*\d+\]\s+(\S+)/gm)].map((m) => m[1]!).filter((n) => n !== 'NULL');
}

/** The 14 watermark keys of XALT 3 (docs/link.md). */
export const WATERMARK_KEYS = ['XALT_Version', 'Build_host', 'Build_Syshost', 'Build_compiler', 'Build_compilerPath', 'Build_OS', 'Build_User',
  'Build_UUID', 'Build_Year', 'Build_date', 'Build_LOADEDMODULES', 'Build_LMFILES', 'Build_CWD', 'Build_Epoch'];
