/**
 * A rule list's DFA built while it is used: the same subset construction as compile-dfa.ts,
 * but a state and its transitions are made only when an input reaches them. Ingest decides
 * the application name of every run this way: the full DFA of the built-in application list
 * takes ~0.3 s of CPU to construct (most of it for states no real path visits), a fixed cost
 * of every `xalt ingest`, while the paths of a spool visit a few hundred states.
 *
 * Each input is still read once, byte by byte, with no backtracking: a new state costs one
 * ε-closure over the NFA, and there are at most as many new states as bytes read. Answers
 * are those of `runDfa` on the minimal DFA (minimisation merges states, it never changes a
 * state's label); there is no early stop at final states, which paths are too short to need.
 */
import { byteClasses, closures, MAX_DFA_STATES } from './compile-dfa.js';
import { buildNfa, type Nfa } from './compile-nfa.js';
import { parseRegex, setHas, toByteString } from './regex-syntax.js';

const UNKNOWN = -1;

/**
 * First-match decisions for a rule list (patterns in priority order).
 * @throws RegexSyntaxError for a pattern outside the subset, AutomatonTooLarge when the NFA explodes
 * @example new LazyDfa(['/usr/.*', '.*']).match('/usr/bin/ls') // 0
 */
export class LazyDfa {
  private readonly nfa: Nfa;
  private readonly classOf: Uint8Array;
  private readonly reps: number[];
  private readonly close: Int32Array[];
  private readonly important: boolean[];
  private readonly stamp: Int32Array;
  private round = 0;
  private ids = new Map<string, number>();
  private sets: Int32Array[] = [];
  private accept: number[] = [];
  private next = new Int32Array(0);
  private start = 0;

  constructor(patterns: readonly string[]) {
    this.nfa = buildNfa(patterns.map((p) => parseRegex(toByteString(p))));
    const { classOf, reps } = byteClasses(this.nfa);
    this.classOf = classOf;
    this.reps = reps;
    this.close = closures(this.nfa);
    this.important = this.nfa.edges.map((e, i) => e.length > 0 || this.nfa.accept[i]! >= 0);
    this.stamp = new Int32Array(this.nfa.accept.length).fill(-1);
    this.reset();
  }

  /** Index of the first rule matching all of `s` (taken as UTF-8 bytes), or -1. */
  match(s: string): number {
    const bytes = Buffer.from(s, 'utf8');
    const k = this.reps.length;
    let st = this.start;
    for (let i = 0; i < bytes.length && st !== 0; i++) { // state 0 is dead: nothing can match any more
      const c = this.classOf[bytes[i]!]!;
      let to = this.next[st * k + c]!;
      if (to === UNKNOWN) {
        if (this.sets.length >= MAX_DFA_STATES) { // bounded memory: start over, still linear
          this.reset();
          return this.match(s);
        }
        to = this.step(st, c);
      }
      st = to;
    }
    return this.accept[st]!;
  }

  private reset(): void {
    this.ids = new Map();
    this.sets = [];
    this.accept = [];
    this.next = new Int32Array(64 * this.reps.length).fill(UNKNOWN);
    this.add(new Int32Array(0)); // the dead state
    this.start = this.add(this.closeOf([this.nfa.start]));
  }

  /** The state reached from `d` on a byte of class `c`, made and remembered now. */
  private step(d: number, c: number): number {
    const rep = this.reps[c]!;
    const targets: number[] = [];
    for (const s of this.sets[d]!) for (const e of this.nfa.edges[s]!) if (setHas(e.set, rep)) targets.push(e.to);
    const to = targets.length === 0 ? 0 : this.add(this.closeOf(targets));
    this.next[d * this.reps.length + c] = to;
    return to;
  }

  private add(set: Int32Array): number {
    const key = set.join(',');
    let id = this.ids.get(key);
    if (id !== undefined) return id;
    id = this.sets.length;
    this.ids.set(key, id);
    this.sets.push(set);
    let label = -1;
    for (const s of set) {
      const r = this.nfa.accept[s]!;
      if (r >= 0 && (label === -1 || r < label)) label = r;
    }
    this.accept.push(label);
    const k = this.reps.length;
    if (this.next.length < (id + 1) * k) {
      const grown = new Int32Array(this.next.length * 2).fill(UNKNOWN);
      grown.set(this.next);
      this.next = grown;
    }
    return id;
  }

  /** ε-closure of `seeds`, keeping only states that tell DFA states apart (as compile-dfa.ts). */
  private closeOf(seeds: Iterable<number>): Int32Array {
    const round = ++this.round;
    const found: number[] = [];
    for (const t of seeds) for (const u of this.close[t]!) if (this.stamp[u] !== round) { this.stamp[u] = round; if (this.important[u]) found.push(u); }
    return Int32Array.from(found).sort();
  }
}
