/**
 * Rule lists decided by their compiled automaton, in time linear in the input. Every rule
 * list that decides something about a user-controlled string at run time (application names
 * and pre-ingest sampling at ingest, Python package rules in the hook, environment rules)
 * goes through here or through the same automaton emitted for C and Python: a backtracking
 * regex engine can take exponential time on a pattern like `(.*\/)*x` and a path a user
 * chose. The regex matcher in rule-matcher.ts stays as the reference the automata are
 * tested against.
 */
import { LazyDfa } from './lazy-dfa.js';

const compiled = new WeakMap<readonly { readonly pattern: string }[], LazyDfa>();

/**
 * Index of the first rule whose pattern matches all of `s`, or -1 — as `firstMatch`, but by
 * the rule list's DFA (built as inputs reach its states, once per list object, and kept).
 * @example firstMatchCompiled([{ pattern: '/usr/.*' }], '/usr/bin/cp') // 0
 */
export function firstMatchCompiled(rules: readonly { readonly pattern: string }[], s: string): number {
  if (rules.length === 0) return -1;
  let dfa = compiled.get(rules);
  if (!dfa) {
    dfa = new LazyDfa(rules.map((r) => r.pattern));
    compiled.set(rules, dfa);
  }
  return dfa.match(s);
}

/** A rule list that is tried against one of two strings, per rule (Python package rules: name or path). */
export interface SplitRuleList<K extends string> {
  /** indices into the full list of the rules of each kind, in order */
  readonly indices: Readonly<Record<K, readonly number[]>>;
  /** the rules of each kind, as their own list (each compiled to one automaton) */
  readonly lists: Readonly<Record<K, readonly { readonly pattern: string }[]>>;
}

const splits = new WeakMap<object, SplitRuleList<string>>();

/**
 * Split rules by kind, keeping each rule's index in the whole list: the first rule of the
 * whole list that matches is the earliest of the first matches within each kind.
 */
export function splitByKind<K extends string>(rules: readonly { readonly pattern: string; readonly kind: K }[], kinds: readonly K[]): SplitRuleList<K> {
  const cached = splits.get(rules) as SplitRuleList<K> | undefined;
  if (cached) return cached;
  const indices = {} as Record<K, number[]>;
  const lists = {} as Record<K, { pattern: string }[]>;
  for (const k of kinds) { indices[k] = []; lists[k] = []; }
  rules.forEach((r, i) => { indices[r.kind].push(i); lists[r.kind].push({ pattern: r.pattern }); });
  const split = { indices, lists };
  splits.set(rules, split);
  return split;
}

/**
 * Index (in the whole list) of the first rule whose pattern matches all of the string its
 * kind names, or -1.
 * @example firstMatchByKind(pkgRules, ['name', 'path'], { name: 'numpy', path: '/x/numpy/__init__.py' })
 */
export function firstMatchByKind<K extends string>(rules: readonly { readonly pattern: string; readonly kind: K }[], kinds: readonly K[], input: Readonly<Record<K, string>>): number {
  const split = splitByKind(rules, kinds);
  let best = -1;
  for (const k of kinds) {
    const i = firstMatchCompiled(split.lists[k], input[k]);
    const whole = i < 0 ? -1 : split.indices[k][i]!;
    if (whole >= 0 && (best < 0 || whole < best)) best = whole;
  }
  return best;
}
