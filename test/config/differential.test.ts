/**
 * Differential test: the compiled C matcher (DFA tables in the generated site_config.c) must
 * decide exactly as the TypeScript reference matcher (JavaScript regexes, first full match)
 * over ≥ 10,000 (string, rule list) cases drawn from TACC-like and Delta-like configs and
 * random rule sets, with strings that are real paths, hosts and variables plus random edits.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSiteConfig } from '../../src/config/parse-site-config.js';
import { collectorLists, emitSiteConfigC, C_LIST_NAMES } from '../../src/config/emit-c.js';
import { firstMatch } from '../../src/config/rule-matcher.js';
import { compileMatcher } from './c-harness.js';
import { TACC, DELTA, PATHS } from './site-fixtures.js';
import { seededRandom } from '../fixtures/seeded-random.js';

const ACTION_CODES: Record<string, number> = { NONE: 0, PKGS: 1, KEEP: 2, SKIP: 3, CUSTOM: 4, CONTINUE: 5, JUMP_1: 6, JUMP_2: 7, JUMP_3: 8, JUMP_4: 9 };


const HOSTS = ['c401-102.stampede2.tacc.utexas.edu', 'c401-102', 'i123-456.x', 'login1.stampede2.tacc.utexas.edu', 'cn001.delta.ncsa.illinois.edu', 'cn201.delta', 'gpua042.delta.internal', 'gpuc07.x', 'gpud06.y', 'dt-login03.delta.ncsa.illinois.edu', 'nid001234', 'x1000c0s0b0n0', 'localhost'];
const ENVS = ['PATH=/usr/bin:/bin', 'LD_LIBRARY_PATH=', 'MKL_DEBUG_CPU_TYPE=5', 'I_MPI_PIN_DOMAIN=auto', 'I_MPI_HYDRA_BOOTSTRAP=slurm', 'OMP_NUM_THREADS=4', 'OMP_PLACES=cores', '__LMOD_REF_COUNT_PATH=x', 'GITHUB_TOKEN=ghp_123', 'AWS_SECRET_ACCESS_KEY=abc', 'api_key=1', 'PYTHONPATH=/x', 'R_LIBS_USER=~/R', 'LAUNCHER_JID=3', 'TACC_AFFINITY_ENABLED=1', 'HOME=/home/x', 'MYPASSWORD=x', 'X=a=b'];
const ARGS = ['-m', 'mpi4py', '/scratch/abc/data/run.py', '/scratch/abc/code/run.py', 'input.in', '-n', '4', '--verbose', ''];
const EDIT_CHARS = '/._-+0123456789abcdeilmnoprstuxyzRAB;=\n\r\t é';

function mutate(s: string, r: () => number): string {
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
function randomRegex(r: () => number, depth = 0): string {
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

function randomConfig(r: () => number): string {
  const actions = ['KEEP', 'SKIP', 'PKGS', 'CUSTOM'];
  const rules = Array.from({ length: 3 + Math.floor(r() * 10) }, () => `['${actions[Math.floor(r() * 4)]}', '${randomRegex(r)}']`);
  const hosts = Array.from({ length: 2 + Math.floor(r() * 4) }, () => `['${r() < 0.5 ? 'KEEP' : 'SKIP'}', '${randomRegex(r)}']`);
  return `[rules]\npaths = [${rules.join(', ')}]\nhosts = [${hosts.join(', ')}]\npath_args = [['JUMP_2', '${randomRegex(r)};${randomRegex(r)}']]\n`;
}

function randomString(r: () => number): string {
  const n = Math.floor(r() * 11);
  const alphabet = 'ab/.-1x_;\né \r\u00a0\t';
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(r() * alphabet.length)]!;
  return s;
}

test('compiled C matcher agrees with the reference matcher on >= 10,000 generated cases', () => {
  const seed = 20241123;
  const r = seededRandom(seed);
  const configs = [TACC, DELTA, ...Array.from({ length: 6 }, () => randomConfig(r))];
  let total = 0;
  for (const [ci, text] of configs.entries()) {
    const parsed = parseSiteConfig(text, `config-${ci}.toml`);
    assert.deepEqual(parsed.errors, [], `config ${ci} should parse`);
    const cfg = parsed.config!;
    const lists = collectorLists(cfg);
    const matcher = compileMatcher(emitSiteConfigC(cfg, { includePath: 'site_config.h' }));
    try {
      const queries: { list: number; s: string }[] = [];
      const count = ci < 2 ? 3000 : 700;
      for (let i = 0; i < count; i++) {
        const list = Math.floor(r() * C_LIST_NAMES.length);
        const name = C_LIST_NAMES[list]!;
        let base: string;
        // random rule sets get short random strings: nested quantifiers make the reference
        // regexes backtrack exponentially on long inputs
        if (ci >= 2) base = randomString(r);
        else if (name === 'host' || name === 'syshost') base = HOSTS[Math.floor(r() * HOSTS.length)]!;
        else if (name === 'env') base = ENVS[Math.floor(r() * ENVS.length)]!;
        else if (name === 'path_arg') base = `${PATHS[Math.floor(r() * PATHS.length)]!};${ARGS[Math.floor(r() * ARGS.length)]!}`;
        else base = PATHS[Math.floor(r() * PATHS.length)]!;
        queries.push({ list, s: ci >= 2 || r() < 0.5 ? base : mutate(base, r) });
      }
      const got = matcher.decide(queries);
      assert.equal(got.length, queries.length);
      queries.forEach((q, i) => {
        const input = lists[C_LIST_NAMES[q.list]!];
        const want = firstMatch(input.patterns.map((pattern) => ({ pattern })), q.s);
        const ctx = `seed ${seed}, config ${ci}, list ${C_LIST_NAMES[q.list]}, string ${JSON.stringify(q.s)}`;
        assert.equal(got[i]!.index, want, ctx);
        assert.equal(got[i]!.action, want < 0 ? 0 : ACTION_CODES[input.actions[want]!], ctx);
      });
      total += queries.length;
    } finally {
      matcher.dispose();
    }
  }
  assert.ok(total >= 10_000, `only ${total} cases`);
});
