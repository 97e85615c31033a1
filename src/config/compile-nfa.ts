/**
 * Regex AST → Thompson NFA over bytes, for a whole rule list at once: one start state with
 * ε-edges into each rule's fragment, and each rule's accepting state labelled with the
 * rule's index (so the DFA can tell which rule decides).
 */
import type { ByteSet, RegexNode } from './regex-syntax.js';

/** NFA states; edge `set` moves on a byte in the set, `eps` moves on nothing. */
export interface Nfa {
  readonly eps: number[][];
  readonly edges: { set: ByteSet; to: number }[][];
  /** rule index accepted in each state, or -1 */
  readonly accept: number[];
  readonly start: number;
}

/** Upper bound on NFA states; `{m,n}` copies grow it, and so would a pathological config. */
export const MAX_NFA_STATES = 200_000;

export class AutomatonTooLarge extends Error {}

class Builder {
  readonly eps: number[][] = [];
  readonly edges: { set: ByteSet; to: number }[][] = [];
  readonly accept: number[] = [];

  state(): number {
    if (this.accept.length >= MAX_NFA_STATES) throw new AutomatonTooLarge(`more than ${MAX_NFA_STATES} NFA states`);
    this.eps.push([]);
    this.edges.push([]);
    this.accept.push(-1);
    return this.accept.length - 1;
  }

  /** Build `node` between fresh states; returns [entry, exit]. */
  fragment(node: RegexNode): [number, number] {
    switch (node.t) {
      case 'set': {
        const a = this.state(), b = this.state();
        this.edges[a]!.push({ set: node.set, to: b });
        return [a, b];
      }
      case 'cat': {
        const a = this.state();
        let cur = a;
        for (const item of node.items) {
          const [s, e] = this.fragment(item);
          this.eps[cur]!.push(s);
          cur = e;
        }
        return [a, cur];
      }
      case 'alt': {
        const a = this.state(), b = this.state();
        for (const item of node.items) {
          const [s, e] = this.fragment(item);
          this.eps[a]!.push(s);
          this.eps[e]!.push(b);
        }
        return [a, b];
      }
      case 'rep':
        return this.repeat(node.node, node.min, node.max);
    }
  }

  /** `node{min,max}` as min copies, then (max-min) optional copies or a loop. */
  private repeat(node: RegexNode, min: number, max: number): [number, number] {
    const a = this.state();
    let cur = a;
    for (let i = 0; i < min; i++) {
      const [s, e] = this.fragment(node);
      this.eps[cur]!.push(s);
      cur = e;
    }
    if (max === Infinity) {
      const [s, e] = this.fragment(node);
      this.eps[cur]!.push(s);
      this.eps[e]!.push(s);
      const out = this.state();
      this.eps[cur]!.push(out);
      this.eps[e]!.push(out);
      return [a, out];
    }
    const out = this.state();
    for (let i = min; i < max; i++) {
      const [s, e] = this.fragment(node);
      this.eps[cur]!.push(s, out);
      cur = e;
    }
    this.eps[cur]!.push(out);
    return [a, out];
  }
}

/**
 * One NFA for a whole rule list; rule `i` accepts with label `i`.
 * @example buildNfa([parseRegex('a.*'), parseRegex('ab')])
 */
export function buildNfa(rules: readonly RegexNode[]): Nfa {
  const b = new Builder();
  const start = b.state();
  rules.forEach((node, i) => {
    const [s, e] = b.fragment(node);
    b.eps[start]!.push(s);
    b.accept[e] = i;
  });
  return { eps: b.eps, edges: b.edges, accept: b.accept, start };
}
