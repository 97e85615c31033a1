/**
 * The transition layouts of the generated matcher (src/config/encode-dfa.ts): the sparse form
 * (a default target plus a few exceptions per state) and the dense table must decide exactly
 * like the compiled `Dfa` — checked transition by transition and on generated strings with
 * `runEncoded`, the TypeScript twin of the C loop — and the per-list choice must really shrink
 * the example's path table (a generator silently falling back to dense fails here).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileRuleList, runDfa, type Dfa } from '../../src/config/compile-dfa.js';
import { C_LIST_NAMES, collectorLists, emitSiteConfigC, type CListName } from '../../src/config/emit-c.js';
import { chooseEncoding, denseBytes, encodedNext, runEncoded, sparseBytes, SPARSE_MAX_AVERAGE, tableBytes, type EncodedDfa } from '../../src/config/encode-dfa.js';
import { EXAMPLE_CONFIG } from '../../src/config/load-site-config.js';
import { parseSiteConfig } from '../../src/config/parse-site-config.js';
import type { SiteConfig } from '../../src/config/site-config.js';
import { HEADER } from './c-harness.js';
import { mutate, randomRegex, randomString, realisticString } from './generators.js';
import { DELTA, TACC } from './site-fixtures.js';
import { seededRandom } from '../fixtures/seeded-random.js';

function config(text: string, name: string): SiteConfig {
  const parsed = parseSiteConfig(text, name);
  assert.deepEqual(parsed.errors, [], `${name} should parse`);
  return parsed.config!;
}

const EXAMPLE = config(readFileSync(EXAMPLE_CONFIG, 'utf8'), 'etc/xalt.example.toml');

interface List { name: string; kind: CListName | 'small'; patterns: readonly string[]; dfa: Dfa }

const HAND_WRITTEN: readonly (readonly string[])[] = [
  [], ['a.*', 'b'], ['x=.*', '[\\s\\S]*'], ['(ab)*c', 'a[^\\n]*', '.*\\n'],
  ['[0-9]+', '[a-f0-9]{4}', '0x[0-9a-f]+', '.*'], ['/usr/(bin|lib|lib64)/.*', '.*/(cc|gcc|g\\+\\+|clang)', '/home/[^/]+/.*'],
  ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'ab', 'abc'],
];

/** Every list of the example, TACC-like and Delta-like configs, the hand-written lists above and random ones. */
function allLists(): List[] {
  const out: List[] = [];
  for (const [cname, cfg] of [['example', EXAMPLE], ['TACC', config(TACC, 'tacc.toml')], ['Delta', config(DELTA, 'delta.toml')]] as const) {
    const lists = collectorLists(cfg);
    for (const kind of C_LIST_NAMES) out.push({ name: `${cname} ${kind}`, kind, patterns: lists[kind].patterns, dfa: compileRuleList(lists[kind].patterns) });
  }
  const r = seededRandom(7411);
  const random = Array.from({ length: 12 }, () => Array.from({ length: 1 + Math.floor(r() * 6) }, () => randomRegex(r)));
  for (const patterns of [...HAND_WRITTEN, ...random]) out.push({ name: JSON.stringify(patterns), kind: 'small', patterns, dfa: compileRuleList(patterns) });
  return out;
}

/** Exceptions of the dense table counted directly: per state, the classes not going to its most common target. */
function countExceptions(dfa: Dfa): number {
  let total = 0;
  for (let st = 0; st < dfa.stateCount; st++) {
    const votes = new Map<number, number>();
    for (let c = 0; c < dfa.classCount; c++) {
      const t = dfa.next[st * dfa.classCount + c]!;
      votes.set(t, (votes.get(t) ?? 0) + 1);
    }
    total += dfa.classCount - Math.max(...votes.values());
  }
  return total;
}

/** Strings for a list: its kind's real strings, edited ones, and random strings over its patterns' characters. */
function stringsFor(list: List, r: () => number, count: number): string[] {
  const alphabet = [...new Set([...list.patterns.join(''), '/', 'a', '=', ';', '\n', 'é', ' '])];
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const k = i % 4;
    if (list.kind !== 'small' && k === 0) out.push(realisticString(list.kind, r));
    else if (list.kind !== 'small' && k === 1) out.push(mutate(realisticString(list.kind, r), r));
    else if (k === 2) out.push(randomString(r));
    else out.push(Array.from({ length: Math.floor(r() * 24) }, () => alphabet[Math.floor(r() * alphabet.length)]!).join(''));
  }
  return out;
}

function checkSparseInvariants(enc: EncodedDfa, name: string): void {
  const t = enc.table;
  assert.equal(t.kind, 'sparse', name);
  if (t.kind !== 'sparse') return;
  assert.equal(t.excStart.length, enc.stateCount + 1, name);
  assert.equal(t.excStart[0], 0, name);
  assert.equal(t.excStart[enc.stateCount], t.excClass.length, name);
  assert.equal(t.excNext.length, t.excClass.length, name);
  for (let st = 0; st < enc.stateCount; st++) {
    const from = t.excStart[st]!, to = t.excStart[st + 1]!;
    assert.ok(from <= to, `${name}: exc_start decreases at state ${st}`);
    for (let e = from; e < to; e++) {
      if (e > from) assert.ok(t.excClass[e]! > t.excClass[e - 1]!, `${name}: state ${st}: exception classes not ascending`);
      assert.notEqual(t.excNext[e], t.defaultNext[st], `${name}: state ${st}: exception to the default target`);
    }
  }
}

test('every layout has exactly the DFA transitions, and decides like runDfa on thousands of generated strings', () => {
  const r = seededRandom(20260302);
  let strings = 0, transitions = 0;
  for (const list of allLists()) {
    const { dfa } = list;
    const sparse = chooseEncoding(dfa, 'sparse');
    const encodings = [['chosen', chooseEncoding(dfa)], ['sparse', sparse], ['dense', chooseEncoding(dfa, 'dense')]] as const;
    checkSparseInvariants(sparse, list.name);
    // minimal: every state's default is its most common target
    assert.equal(sparse.table.kind === 'sparse' ? sparse.table.excClass.length : -1, countExceptions(dfa), `${list.name}: exceptions`);
    for (const [how, enc] of encodings) {
      for (let st = 0; st < dfa.stateCount; st++) {
        for (let c = 0; c < dfa.classCount; c++) {
          const got = encodedNext(enc, st, c), want = dfa.next[st * dfa.classCount + c];
          if (got !== want) assert.fail(`${list.name} (${how}): state ${st}, class ${c}: ${got}, DFA ${want}`);
          transitions++;
        }
      }
    }
    for (const s of stringsFor(list, r, 400)) {
      const want = runDfa(dfa, s);
      for (const [how, enc] of encodings) assert.equal(runEncoded(enc, s), want, `${list.name} (${how}): ${JSON.stringify(s)}`);
      strings++;
    }
  }
  assert.ok(strings >= 10_000, `only ${strings} strings`);
  assert.ok(transitions >= 100_000, `only ${transitions} transitions`);
});

test('each list takes the layout of the documented rule: sparse when under half the dense bytes with <= 8 exceptions per state', () => {
  const chosen = { sparse: 0, dense: 0 };
  for (const { name, dfa } of allLists()) {
    const e = countExceptions(dfa);
    const want = 2 * sparseBytes(dfa.stateCount, e) < denseBytes(dfa) && e <= SPARSE_MAX_AVERAGE * dfa.stateCount && e <= 0xffff ? 'sparse' : 'dense';
    const enc = chooseEncoding(dfa);
    assert.equal(enc.table.kind, want, `${name}: ${dfa.stateCount} states, ${dfa.classCount} classes, ${e} exceptions`);
    assert.ok(tableBytes(enc) <= denseBytes(dfa), name);
    chosen[want]++;
  }
  // the lists above exercise both sides of the rule
  assert.ok(chosen.sparse >= 5 && chosen.dense >= 5, JSON.stringify(chosen));
});

/** Sizes of the defined symbols of an object file, by name. */
function symbolSizes(object: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of execFileSync('nm', ['-S', '--defined-only', object]).toString().trim().split('\n')) {
    const [, size, , name] = line.split(' ');
    if (name !== undefined && size !== undefined) out.set(name, parseInt(size, 16));
  }
  return out;
}

test('the example path list is compiled sparse into under a quarter of the dense table; env stays dense', () => {
  const lists = collectorLists(EXAMPLE);
  const path = compileRuleList(lists.path.patterns);
  const env = compileRuleList(lists.env.patterns);
  const dir = mkdtempSync(join(tmpdir(), 'xalt-enc-'));
  try {
    writeFileSync(join(dir, 'site_config.c'), emitSiteConfigC(EXAMPLE, { includePath: HEADER }));
    execFileSync('cc', ['-c', '-std=c11', '-O2', '-fPIC', '-o', join(dir, 's.o'), join(dir, 'site_config.c')]);
    const sizes = symbolSizes(join(dir, 's.o'));
    const bytes = (names: readonly string[]) => names.reduce((sum, n) => sum + (sizes.get(n) ?? 0), 0);
    // path: the four sparse arrays, no dense table, exactly the size the exception count gives
    assert.equal(sizes.has('path_next'), false, 'path emitted dense');
    const sparse = ['path_default_next', 'path_exc_start', 'path_exc_class', 'path_exc_next'];
    for (const n of sparse) assert.ok(sizes.has(n), n);
    const pathBytes = bytes(sparse);
    assert.equal(pathBytes, sparseBytes(path.stateCount, countExceptions(path)));
    assert.ok(pathBytes < denseBytes(path) / 4, `path transitions ${pathBytes} bytes, dense ${denseBytes(path)}`);
    assert.ok(pathBytes < 20_000, `path transitions ${pathBytes} bytes`);
    // env: too many exceptions per state, the dense table
    assert.equal(sizes.get('env_next'), denseBytes(env));
    assert.equal(bytes(['env_default_next', 'env_exc_start', 'env_exc_class', 'env_exc_next']), 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
