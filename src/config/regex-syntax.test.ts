import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRegex, RegexSyntaxError } from './regex-syntax.js';
import { compileRuleList, runDfa } from './compile-dfa.js';
import { firstMatch } from './rule-matcher.js';
import { LazyDfa } from './lazy-dfa.js';
import { DEFAULT_APPLICATIONS } from './default-applications.js';

test('the subset parser accepts what real configs use', () => {
  for (const p of ['^\\/usr\\/bin\\/(cp|mv)$', '.*/python[0-9.]*', 'c[0-9]{3}-[0-9]{3}\\..*', '[^/]+', 'a{2,}', 'a{,3}', 'x{', '\\d\\w\\s\\D', '(?:a|b)+?', '[-a]', '[a-]', '[\\]]', '', 'a|^b|c$']) {
    assert.doesNotThrow(() => parseRegex(p), p);
  }
});

test('the subset parser rejects what the automaton cannot honour, with the reason', () => {
  const cases: [string, RegExp][] = [
    ['(a)\\1', /escape "\\1" is not supported/], ['a(?=b)', /look-around/], ['\\bword', /escape "\\b"/], ['a^b', /"\^" is only supported at the start/],
    ['(^a)', /inside a group/], ['a$b', /"\$" is only supported at the end/], ['[]a]', /"\[\]" matches nothing/], ['a**', /nothing to repeat/],
    ['a{3,2}', /out of order/], ['a{999}', /repeat count above 255/], ['[z-a]', /range out of order/], ['[\\d-z]', /class escape/], ['(a', /missing "\)"/], ['a)', /unmatched/],
  ];
  for (const [p, msg] of cases) assert.throws(() => parseRegex(p), (e: unknown) => e instanceof RegexSyntaxError && msg.test(e.message), p);
});

test('compiled DFA decides like the reference on edge cases: "{" literal, lazy, anchors, classes, empty', () => {
  const patterns = ['x{', 'a+?b', '^/usr/.*$', '[^a-c]\\d', '', 'q{1,2}|r{0}'];
  const dfa = compileRuleList(patterns);
  const rules = patterns.map((pattern) => ({ pattern }));
  for (const s of ['x{', 'x', 'aab', 'ab', '/usr/bin', '/usr', 'd1', 'a1', '', 'q', 'qq', 'qqq', 'r', '\n1', 'é1']) {
    assert.equal(runDfa(dfa, s), firstMatch(rules, s), JSON.stringify(s));
  }
});

test('the lazily built DFA decides like the full one and the reference, on the built-in application names', () => {
  const patterns = DEFAULT_APPLICATIONS.map((r) => r.pattern);
  const rules = patterns.map((pattern) => ({ pattern }));
  const full = compileRuleList(patterns);
  const lazy = new LazyDfa(patterns);
  const names = ['lmp_mpi', 'lmp', 'gmx_mpi_d', 'vasp_std', 'namd2', 'pw.x', 'python3.11', 'a.out', '', 'é', 'x'.repeat(300)];
  const paths = names.flatMap((n) => [n, `/${n}`, `/sw/apps/${n}`, `/home/u/${n}/bin`, `/sw/${n}/bin/${n}`]);
  let decided = 0;
  for (const s of paths) {
    const want = firstMatch(rules, s);
    assert.equal(lazy.match(s), want, JSON.stringify(s));
    assert.equal(runDfa(full, s), want, JSON.stringify(s));
    if (want >= 0) decided++;
  }
  assert.ok(decided > 10, 'most paths are named by a rule');
});

test('the lazily built DFA decides like the reference on edge cases: "{" literal, lazy, anchors, classes, empty', () => {
  const patterns = ['x{', 'a+?b', '^/usr/.*$', '[^a-c]\\d', '', 'q{1,2}|r{0}'];
  const lazy = new LazyDfa(patterns);
  const rules = patterns.map((pattern) => ({ pattern }));
  for (const s of ['x{', 'x', 'aab', 'ab', '/usr/bin', '/usr', 'd1', 'a1', '', 'q', 'qq', 'qqq', 'r', '\n1', 'é1', 'x{']) {
    assert.equal(lazy.match(s), firstMatch(rules, s), JSON.stringify(s));
  }
});
