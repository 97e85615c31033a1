/**
 * Differential test: the compiled C matcher (DFA tables in the generated site_config.c) must
 * decide exactly as the TypeScript reference matcher (JavaScript regexes, first full match)
 * over ≥ 10,000 (string, rule list) cases drawn from TACC-like and Delta-like configs and
 * random rule sets, with strings that are real paths, hosts and variables plus random edits;
 * and again with every list forced into each transition layout (dense table, default plus
 * exceptions), so both branches of the generated matcher are checked on every list.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { EXAMPLE_CONFIG } from '../../src/config/load-site-config.js';
import { parseSiteConfig } from '../../src/config/parse-site-config.js';
import { collectorLists, emitSiteConfigC, C_LIST_NAMES } from '../../src/config/emit-c.js';
import { firstMatch } from '../../src/config/rule-matcher.js';
import { compileMatcher } from './c-harness.js';
import { TACC, DELTA } from './site-fixtures.js';
import { seededRandom } from '../fixtures/seeded-random.js';
import { mutate, randomConfig, randomString, realisticString } from './generators.js';
import type { SiteConfig } from '../../src/config/site-config.js';

const ACTION_CODES: Record<string, number> = { NONE: 0, PKGS: 1, KEEP: 2, SKIP: 3, CUSTOM: 4, CONTINUE: 5, JUMP_1: 6, JUMP_2: 7, JUMP_3: 8, JUMP_4: 9 };

/**
 * Compile `cfg`'s site_config.c (in `encoding`, or each list's own choice) and check `count`
 * generated queries against the reference; returns how many were checked. `random` configs get
 * short random strings: nested quantifiers make the reference regexes backtrack exponentially
 * on long inputs. Real configs get real strings, half of them randomly edited.
 */
function checkAgainstReference(cfg: SiteConfig, r: () => number, count: number, random: boolean, ctx: string, encoding?: 'dense' | 'sparse'): number {
  const lists = collectorLists(cfg);
  const matcher = compileMatcher(emitSiteConfigC(cfg, { includePath: 'site_config.h', ...(encoding ? { encoding } : {}) }));
  try {
    const queries: { list: number; s: string }[] = [];
    for (let i = 0; i < count; i++) {
      const list = Math.floor(r() * C_LIST_NAMES.length);
      const base = random ? randomString(r) : realisticString(C_LIST_NAMES[list]!, r);
      queries.push({ list, s: random || r() < 0.5 ? base : mutate(base, r) });
    }
    const got = matcher.decide(queries);
    assert.equal(got.length, queries.length);
    queries.forEach((q, i) => {
      const input = lists[C_LIST_NAMES[q.list]!];
      const want = firstMatch(input.patterns.map((pattern) => ({ pattern })), q.s);
      const where = `${ctx}, list ${C_LIST_NAMES[q.list]}, string ${JSON.stringify(q.s)}`;
      assert.equal(got[i]!.index, want, where);
      assert.equal(got[i]!.action, want < 0 ? 0 : ACTION_CODES[input.actions[want]!], where);
    });
    return queries.length;
  } finally {
    matcher.dispose();
  }
}

function parse(text: string, name: string): SiteConfig {
  const parsed = parseSiteConfig(text, name);
  assert.deepEqual(parsed.errors, [], `${name} should parse`);
  return parsed.config!;
}

test('compiled C matcher agrees with the reference matcher on >= 10,000 generated cases', () => {
  const seed = 20241123;
  const r = seededRandom(seed);
  const configs = [TACC, DELTA, ...Array.from({ length: 6 }, () => randomConfig(r))];
  let total = 0;
  for (const [ci, text] of configs.entries()) {
    total += checkAgainstReference(parse(text, `config-${ci}.toml`), r, ci < 2 ? 3000 : 700, ci >= 2, `seed ${seed}, config ${ci}`);
  }
  assert.ok(total >= 10_000, `only ${total} cases`);
});

test('compiled C matcher agrees with the reference with every list in the dense and in the sparse layout', () => {
  const seed = 20260301;
  const r = seededRandom(seed);
  const configs: [string, SiteConfig][] = [
    ['example', parse(readFileSync(EXAMPLE_CONFIG, 'utf8'), 'etc/xalt.example.toml')], ['TACC', parse(TACC, 'tacc.toml')], ['Delta', parse(DELTA, 'delta.toml')],
  ];
  let total = 0;
  for (const encoding of ['dense', 'sparse'] as const) {
    for (const [name, cfg] of configs) total += checkAgainstReference(cfg, r, 1500, false, `seed ${seed}, ${name}, ${encoding}`, encoding);
  }
  assert.ok(total >= 9000, `only ${total} cases`);
});
