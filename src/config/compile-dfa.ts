/**
 * NFA → DFA by subset construction over byte equivalence classes, then Moore minimisation.
 * Each DFA state is labelled with the lowest rule index among the NFA accepting states it
 * contains, which is exactly "the first rule whose regex matches the whole string". State 0
 * is the dead state (no rule can match any more), so the C matcher can stop early.
 */
import { AutomatonTooLarge, buildNfa, type Nfa } from './compile-nfa.js';
import { parseRegex, setHas, toByteString, type ByteSet } from './regex-syntax.js';

/** A compiled rule list. `next[state * classCount + classOf[byte]]` is the next state. */
export interface Dfa {
  readonly classCount: number;
  readonly classOf: Uint8Array;
  readonly next: Int32Array;
  /** rule index decided in each state, -1 for none */
  readonly accept: Int32Array;
  readonly start: number;
  readonly stateCount: number;
}

/** Upper bound on DFA states: tables stay small enough to live in the collector. */
export const MAX_DFA_STATES = 60_000;

/**
 * Compile rule patterns (in priority order) into a minimal DFA.
 * @throws RegexSyntaxError for a pattern outside the subset, AutomatonTooLarge when it explodes
 * @example const dfa = compileRuleList(['/usr/.*', '.*']); runDfa(dfa, '/usr/bin/ls') // 0
 */
export function compileRuleList(patterns: readonly string[]): Dfa {
  const nfa = buildNfa(patterns.map((p) => parseRegex(toByteString(p))));
  const raw = subsetConstruction(nfa);
  return minimize(raw);
}

/** Decide `s` (a string, taken as UTF-8 bytes) with a compiled list: rule index or -1. */
export function runDfa(dfa: Dfa, s: string): number {
  let st = dfa.start;
  for (const byte of Buffer.from(s, 'utf8')) {
    st = dfa.next[st * dfa.classCount + dfa.classOf[byte]!]!;
    if (st === 0) return -1;
  }
  return dfa.accept[st]!;
}

/** Partition the 256 bytes so that bytes in one class behave identically on every edge. */
function byteClasses(nfa: Nfa): { classOf: Uint8Array; reps: number[] } {
  const sets: ByteSet[] = [];
  const seen = new Set<string>();
  for (const edges of nfa.edges) for (const e of edges) {
    const key = e.set.join(',');
    if (!seen.has(key)) { seen.add(key); sets.push(e.set); }
  }
  const classOf = new Uint8Array(256);
  const reps: number[] = [];
  const bySignature = new Map<string, number>();
  for (let b = 0; b < 256; b++) {
    const sig = sets.map((s) => (setHas(s, b) ? '1' : '0')).join('');
    let c = bySignature.get(sig);
    if (c === undefined) { c = reps.length; bySignature.set(sig, c); reps.push(b); }
    classOf[b] = c;
  }
  return { classOf, reps };
}

/** ε-closure of every NFA state, computed once. */
function closures(nfa: Nfa): Int32Array[] {
  const n = nfa.accept.length;
  const mark = new Int32Array(n).fill(-1);
  const out: Int32Array[] = [];
  for (let s0 = 0; s0 < n; s0++) {
    const found: number[] = [];
    const stack = [s0];
    while (stack.length > 0) {
      const s = stack.pop()!;
      if (mark[s] === s0) continue;
      mark[s] = s0;
      found.push(s);
      for (const t of nfa.eps[s]!) if (mark[t] !== s0) stack.push(t);
    }
    out.push(Int32Array.from(found));
  }
  return out;
}

function subsetConstruction(nfa: Nfa): Dfa {
  const { classOf, reps } = byteClasses(nfa);
  const k = reps.length;
  const n = nfa.accept.length;
  const close = closures(nfa);
  // moves[s][c]: NFA states reached from s on a byte of class c (without closure)
  const moves: number[][][] = nfa.edges.map((edges) => reps.map((rep) => edges.filter((e) => setHas(e.set, rep)).map((e) => e.to)));
  const ids = new Map<string, number>();
  const sets: Int32Array[] = [];
  const add = (set: Int32Array): number => {
    const key = set.join(',');
    let id = ids.get(key);
    if (id === undefined) {
      if (sets.length >= MAX_DFA_STATES) throw new AutomatonTooLarge(`more than ${MAX_DFA_STATES} automaton states`);
      id = sets.length; ids.set(key, id); sets.push(set);
    }
    return id;
  };
  const important = nfa.edges.map((e, i) => e.length > 0 || nfa.accept[i]! >= 0);
  const stamp = new Int32Array(n).fill(-1);
  let round = 0;
  const closeOf = (seeds: Iterable<number>): Int32Array => {
    round++;
    const found: number[] = [];
    // only states with byte edges or an accept label distinguish DFA states; dropping the
    // pure ε-states keeps the sets (and the keys) several times smaller
    for (const t of seeds) for (const u of close[t]!) if (stamp[u] !== round) { stamp[u] = round; if (important[u]) found.push(u); }
    return Int32Array.from(found).sort();
  };
  add(new Int32Array(0)); // dead state 0
  const start = add(closeOf([nfa.start]));
  const next: number[] = [];
  for (let d = 0; d < sets.length; d++) {
    const set = sets[d]!;
    for (let c = 0; c < k; c++) {
      const targets: number[] = [];
      for (const s of set) for (const t of moves[s]![c]!) targets.push(t);
      next[d * k + c] = targets.length === 0 ? 0 : add(closeOf(targets));
    }
  }
  const accept = new Int32Array(sets.length).fill(-1);
  sets.forEach((set, d) => {
    for (const s of set) {
      const r = nfa.accept[s]!;
      if (r >= 0 && (accept[d] === -1 || r < accept[d]!)) accept[d] = r;
    }
  });
  return { classCount: k, classOf, next: Int32Array.from(next), accept, start, stateCount: sets.length };
}

/** Moore's partition refinement; the dead state's block becomes state 0. */
function minimize(dfa: Dfa): Dfa {
  const n = dfa.stateCount, k = dfa.classCount;
  let block = Array.from(dfa.accept, (a) => a + 1);
  let count = new Set(block).size;
  for (;;) {
    const ids = new Map<string, number>();
    const nb = new Array<number>(n);
    for (let s = 0; s < n; s++) {
      const parts = [block[s]!];
      for (let c = 0; c < k; c++) parts.push(block[dfa.next[s * k + c]!]!);
      const key = parts.join(',');
      let id = ids.get(key);
      if (id === undefined) { id = ids.size; ids.set(key, id); }
      nb[s] = id;
    }
    block = nb;
    if (ids.size === count) break;
    count = ids.size;
  }
  // renumber: dead block → 0, then in order of first appearance
  const order = new Map<number, number>([[block[0]!, 0]]);
  for (let s = 0; s < n; s++) if (!order.has(block[s]!)) order.set(block[s]!, order.size);
  const m = order.size;
  const next = new Int32Array(m * k);
  const accept = new Int32Array(m);
  for (let s = 0; s < n; s++) {
    const b = order.get(block[s]!)!;
    accept[b] = dfa.accept[s]!;
    for (let c = 0; c < k; c++) next[b * k + c] = order.get(block[dfa.next[s * k + c]!]!)!;
  }
  return { classCount: k, classOf: dfa.classOf, next, accept, start: order.get(block[dfa.start]!)!, stateCount: m };
}
