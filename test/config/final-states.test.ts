/**
 * The compiled rule lists stop reading at a final state (every byte class leads back to it, so
 * the decision can no longer change). Checked here: the numbering invariant (final states are
 * exactly those from `finalFrom` on), that stopping there decides bit for bit like reading the
 * whole string, and that both matchers really stop — the TypeScript one by the number of bytes
 * it reads, the generated C one (dense and sparse tables) with the rest of the string behind an
 * unreadable page.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileRuleList, dfaBytesRead, runDfa, type Dfa } from '../../src/config/compile-dfa.js';
import { C_LIST_NAMES, collectorLists, emitSiteConfigC, type CListName } from '../../src/config/emit-c.js';
import { EXAMPLE_CONFIG } from '../../src/config/load-site-config.js';
import { parseSiteConfig } from '../../src/config/parse-site-config.js';
import { firstMatch } from '../../src/config/rule-matcher.js';
import type { SiteConfig } from '../../src/config/site-config.js';
import { HEADER, ROOT } from './c-harness.js';
import { DELTA, PATHS, TACC } from './site-fixtures.js';
import { seededRandom } from '../fixtures/seeded-random.js';

function config(text: string, name: string): SiteConfig {
  const parsed = parseSiteConfig(text, name);
  assert.deepEqual(parsed.errors, [], `${name} should parse`);
  return parsed.config!;
}

const EXAMPLE = config(readFileSync(EXAMPLE_CONFIG, 'utf8'), 'etc/xalt.example.toml');
const CONFIGS: [string, SiteConfig][] = [['example', EXAMPLE], ['TACC', config(TACC, 'tacc.toml')], ['Delta', config(DELTA, 'delta.toml')]];

/** Every compiled list of the three configs, plus small lists with a dead state and newline-sensitive rules. */
function allLists(): { name: string; patterns: readonly string[]; dfa: Dfa }[] {
  const out: { name: string; patterns: readonly string[]; dfa: Dfa }[] = [];
  for (const [cname, cfg] of CONFIGS) {
    const lists = collectorLists(cfg);
    for (const list of C_LIST_NAMES) out.push({ name: `${cname} ${list}`, patterns: lists[list].patterns, dfa: compileRuleList(lists[list].patterns) });
  }
  for (const patterns of [['a.*', 'b'], ['x=.*', '[\\s\\S]*'], ['(ab)*c', 'a[^\\n]*', '.*\\n'], []]) {
    out.push({ name: JSON.stringify(patterns), patterns, dfa: compileRuleList(patterns) });
  }
  return out;
}

/** The matcher as it was before final states: read every byte, then look up the label. */
function decideReadingAll(dfa: Dfa, s: string): number {
  let st = dfa.start;
  for (const byte of Buffer.from(s, 'utf8')) st = dfa.next[st * dfa.classCount + dfa.classOf[byte]!]!;
  return dfa.accept[st]!;
}

function loopsToItself(dfa: Dfa, st: number): boolean {
  for (let c = 0; c < dfa.classCount; c++) if (dfa.next[st * dfa.classCount + c] !== st) return false;
  return true;
}

test('final states are exactly the states from finalFrom on: each loops to itself on every byte class', () => {
  for (const { name, dfa } of allLists()) {
    assert.ok(dfa.finalFrom >= 0 && dfa.finalFrom <= dfa.stateCount, name);
    for (let st = 0; st < dfa.stateCount; st++) assert.equal(loopsToItself(dfa, st), st >= dfa.finalFrom, `${name}: state ${st} of ${dfa.stateCount}, finalFrom ${dfa.finalFrom}`);
  }
  // every list of the example ends with the catch-all default, so its state is final
  for (const list of C_LIST_NAMES) {
    const dfa = compileRuleList(collectorLists(EXAMPLE)[list].patterns);
    assert.ok(dfa.finalFrom < dfa.stateCount, list);
  }
});

test('stopping at a final state decides exactly like reading the whole string', () => {
  const r = seededRandom(20250611);
  const bases: Record<CListName, readonly string[]> = {
    host: ['c401-102.stampede2.tacc.utexas.edu', 'login1.x', 'dtn03', 'gpua042.delta.internal', 'nid001234', ''],
    syshost: ['c401-102.stampede2.tacc.utexas.edu', 'login1.stampede2.x', 'x1000', 'cn001.delta'],
    path: PATHS,
    path_arg: PATHS.map((p) => `${p};-m`),
    env: ['HOME=/home/x', 'PATH=/usr/bin:/bin', 'OMP_NUM_THREADS=4', 'I_MPI_PIN=1', 'GITHUB_TOKEN=x', 'X=a=b', 'PYTHONPATH=', '=x'],
  };
  const tails = ['', 'x', '\n', 'é', '/', '=', '=\n', 'y'.repeat(300), `${'z'.repeat(300)}\n`, '/usr/bin/ls'];
  let cases = 0;
  for (const { name, patterns, dfa } of allLists()) {
    const list = C_LIST_NAMES.find((l) => name.endsWith(` ${l}`)) ?? 'env';
    const rules = patterns.map((pattern) => ({ pattern }));
    for (const base of [...bases[list], 'ab', 'abc', 'x=1', 'a\n']) {
      for (const tail of tails) {
        const cut = Math.floor(r() * (base.length + 1));
        for (const s of [base + tail, base.slice(0, cut) + tail + base.slice(cut)]) {
          const want = decideReadingAll(dfa, s);
          assert.equal(runDfa(dfa, s), want, `${name}: ${JSON.stringify(s)}`);
          assert.equal(want, firstMatch(rules, s), `${name}: ${JSON.stringify(s)} (reference)`);
          assert.ok(dfaBytesRead(dfa, s) <= Buffer.byteLength(s), name);
          cases++;
        }
      }
    }
  }
  assert.ok(cases > 5000, `only ${cases} cases`);
});

test('the example env list reads HOME=<10,000 bytes> only up to "=", and a kept PATH=<10,000 bytes> to its end', () => {
  const lists = collectorLists(EXAMPLE);
  const env = compileRuleList(lists.env.patterns);
  const fallback = lists.env.patterns.length - 1;
  const value = '/x'.repeat(5000);
  // after "HOME=" only the catch-all default can still decide
  assert.equal(dfaBytesRead(env, `HOME=${value}`), 'HOME='.length);
  assert.equal(runDfa(env, `HOME=${value}`), fallback);
  assert.equal(lists.env.actions[fallback], 'SKIP');
  // "PATH=.*" keeps it, but a newline anywhere in the value would hand it to the default
  assert.equal(dfaBytesRead(env, `PATH=${value}`), 'PATH='.length + value.length);
  assert.equal(lists.env.actions[runDfa(env, `PATH=${value}`)], 'KEEP');
  assert.equal(runDfa(env, `PATH=${value}\n`), fallback);
});

const GUARD_DRIVER = `#define _DEFAULT_SOURCE
#include "site_config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
/* argv[1]: the readable head, placed at the end of a page; argv[2]: how many bytes of the
 * string lie beyond it, in pages mapped PROT_NONE (a read there kills the process). */
int main(int argc, char **argv) {
  size_t page = (size_t)sysconf(_SC_PAGESIZE), n, extra;
  char *m;
  if (argc != 3) return 2;
  n = strlen(argv[1]);
  extra = strtoul(argv[2], 0, 10);
  m = mmap(0, page * (2 + extra / page), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (m == MAP_FAILED || n > page) return 3;
  memcpy(m + page - n, argv[1], n);
  if (mprotect(m + page, page * (1 + extra / page), PROT_NONE) != 0) return 4;
  printf("%d\\n", xalt_rule_match(XALT_RULES_ENV, m + page - n, n + extra));
  return 0;
}
`;

for (const encoding of ['dense', 'sparse'] as const) test(`generated xalt_rule_match never reads past HOME= in the example env list (${encoding} table; rest of the string unreadable)`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'xalt-final-'));
  try {
    writeFileSync(join(dir, 'site_config.c'), emitSiteConfigC(EXAMPLE, { includePath: HEADER, encoding }));
    writeFileSync(join(dir, 'guard.c'), GUARD_DRIVER);
    const exe = join(dir, 'guard');
    execFileSync('cc', ['-std=c11', '-O2', '-Wall', '-Wextra', '-Werror', '-I', join(ROOT, 'native', 'src'), '-o', exe, join(dir, 'site_config.c'), join(dir, 'guard.c')], { stdio: ['ignore', 'ignore', 'inherit'] });
    const env = compileRuleList(collectorLists(EXAMPLE).env.patterns);
    const run = (head: string, extra: number) => execFileSync(exe, [head, String(extra)], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    assert.equal(run('HOME=', 10_000), String(runDfa(env, `HOME=${'x'.repeat(10_000)}`)));
    assert.equal(run('PATH=/usr/bin', 0), String(runDfa(env, 'PATH=/usr/bin')));
    // the guard works: a string whose decision is still open reads on and faults
    assert.throws(() => run('PATH=', 10_000), (e: unknown) => (e as { signal?: string }).signal === 'SIGSEGV');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
