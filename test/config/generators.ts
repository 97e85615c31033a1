/**
 * Generated test inputs shared by the matcher tests (differential.test.ts, encoded-dfa.test.ts):
 * real hosts, variables and arguments, random edits of them, random regexes inside the
 * supported subset, random configs built from those, and short random strings. All draw from
 * a caller's seeded generator (test/fixtures/seeded-random.ts), so cases replay by seed.
 */
import type { CListName } from '../../src/config/emit-c.js';
import { PATHS } from './site-fixtures.js';

export const HOSTS = ['c401-102.stampede2.tacc.utexas.edu', 'c401-102', 'i123-456.x', 'login1.stampede2.tacc.utexas.edu', 'cn001.delta.ncsa.illinois.edu', 'cn201.delta', 'gpua042.delta.internal', 'gpuc07.x', 'gpud06.y', 'dt-login03.delta.ncsa.illinois.edu', 'nid001234', 'x1000c0s0b0n0', 'localhost'];
export const ENVS = ['PATH=/usr/bin:/bin', 'LD_LIBRARY_PATH=', 'MKL_DEBUG_CPU_TYPE=5', 'I_MPI_PIN_DOMAIN=auto', 'I_MPI_HYDRA_BOOTSTRAP=slurm', 'OMP_NUM_THREADS=4', 'OMP_PLACES=cores', '__LMOD_REF_COUNT_PATH=x', 'GITHUB_TOKEN=ghp_123', 'AWS_SECRET_ACCESS_KEY=abc', 'api_key=1', 'PYTHONPATH=/x', 'R_LIBS_USER=~/R', 'LAUNCHER_JID=3', 'TACC_AFFINITY_ENABLED=1', 'HOME=/home/x', 'MYPASSWORD=x', 'X=a=b'];
export const ARGS = ['-m', 'mpi4py', '/scratch/abc/data/run.py', '/scratch/abc/code/run.py', 'input.in', '-n', '4', '--verbose', ''];
const EDIT_CHARS = '/._-+0123456789abcdeilmnoprstuxyzRAB;=\n\r\t é';

/** A real-looking string for a collector list: a host, a variable, a path, a path;argument. */
export function realisticString(list: CListName, r: () => number): string {
  if (list === 'host' || list === 'syshost') return HOSTS[Math.floor(r() * HOSTS.length)]!;
  if (list === 'env') return ENVS[Math.floor(r() * ENVS.length)]!;
  if (list === 'path_arg') return `${PATHS[Math.floor(r() * PATHS.length)]!};${ARGS[Math.floor(r() * ARGS.length)]!}`;
  return PATHS[Math.floor(r() * PATHS.length)]!;
}

/** `s` with up to three random one-character insertions, deletions or replacements. */
export function mutate(s: string, r: () => number): string {
  let out = s;
  const edits = Math.floor(r() * 4);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(r() * (out.length + 1));
    const c = EDIT_CHARS[Math.floor(r() * EDIT_CHARS.length)]!;
    const op = r();
    if (op < 0.4) out = out.slice(0, at) + c + out.slice(at);
    else if (op < 0.7) out = out.slice(0, at) + out.slice(at + 1);
    else out = out.slice(0, at) + c + out.slice(at + 1);
  }
  return out;
}

/** A random regex over a small alphabet, inside the supported subset. */
export function randomRegex(r: () => number, depth = 0): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const atom = (): string => {
    const k = r();
    if (k < 0.45) return pick(['a', 'b', '/', '\\.', '-', '1', 'x', '\\/']);
    if (k < 0.6) return '.';
    if (k < 0.75) return pick(['[ab]', '[^/]', '[0-9]', '[a-c.]', '\\d', '[^a]', '\\w', '[-x]', '\\s', '\\S', '\\W', '[^\\d/]', '\\x61', '[\\s;]']);
    if (depth < 2) return `(${randomRegex(r, depth + 1)}${r() < 0.4 ? `|${randomRegex(r, depth + 1)}` : ''})`;
    return 'a';
  };
  const quant = (): string => pick(['', '', '', '*', '+', '?', '{2}', '{1,3}', '{0,}', '*?']);
  const n = 1 + Math.floor(r() * 4);
  let out = '';
  for (let i = 0; i < n; i++) out += atom() + quant();
  return out;
}

/** A small config with random path, host and path_args rules. */
export function randomConfig(r: () => number): string {
  const actions = ['KEEP', 'SKIP', 'PKGS', 'CUSTOM'];
  const rules = Array.from({ length: 3 + Math.floor(r() * 10) }, () => `['${actions[Math.floor(r() * 4)]}', '${randomRegex(r)}']`);
  const hosts = Array.from({ length: 2 + Math.floor(r() * 4) }, () => `['${r() < 0.5 ? 'KEEP' : 'SKIP'}', '${randomRegex(r)}']`);
  return `[rules]\npaths = [${rules.join(', ')}]\nhosts = [${hosts.join(', ')}]\npath_args = [['JUMP_2', '${randomRegex(r)};${randomRegex(r)}']]\n`;
}

/** Up to 10 characters from a small alphabet with newlines, spaces and multi-byte characters. */
export function randomString(r: () => number): string {
  const n = Math.floor(r() * 11);
  const alphabet = 'ab/.-1x_;\né \r\u00a0\t';
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(r() * alphabet.length)]!;
  return s;
}
