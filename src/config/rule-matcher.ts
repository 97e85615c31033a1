/**
 * The reference matcher: rules are tried in order and the first whose regex matches the
 * *whole* string decides. Patterns are JavaScript regexes run over the UTF-8 bytes of the
 * string (one character per byte), so the compiled C automaton, which sees bytes, can be
 * checked against it exactly.
 */
import { toByteString } from './regex-syntax.js';

const cache = new Map<string, RegExp>();

/**
 * The anchored JavaScript regex of a rule pattern.
 * @throws SyntaxError when the pattern is not a valid JavaScript regex
 * @example fullMatchRegex('/usr/.*').test('/usr/bin/cp') // true
 */
export function fullMatchRegex(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (!re) {
    re = new RegExp(`^(?:${toByteString(pattern)})$`);
    cache.set(pattern, re);
  }
  return re;
}

/**
 * Index of the first rule whose pattern matches all of `s`, or -1.
 * @example firstMatch([{ pattern: '/usr/.*' }], '/usr/bin/cp') // 0
 */
export function firstMatch(rules: readonly { readonly pattern: string }[], s: string): number {
  const bytes = toByteString(s);
  for (let i = 0; i < rules.length; i++) if (fullMatchRegex(rules[i]!.pattern).test(bytes)) return i;
  return -1;
}
