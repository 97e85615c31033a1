/**
 * NFA → DFA by subset construction over byte equivalence classes, then Moore minimisation.
 * Each DFA state is labelled with the lowest rule index among the NFA accepting states it
 * contains, which is exactly "the first rule whose regex matches the whole string".
 *
 * States are numbered so that the final states come last, from `finalFrom` on. A final state
 * is one where every byte class leads back to the same state: the decision can no longer
 * change, so the matchers (`runDfa` here, `xalt_rule_match` in the generated C) stop reading
 * there and return its label — exactly what reading the rest of the string would return.
 * The dead state (no rule can match any more, label -1) is final; so is the state where only
 * the catch-all default can still decide (the example config's env list, after `HOME=`). In a
 * minimal DFA these are the only states whose decision is fixed: states from which every
 * reachable state has the same label are equivalent, so minimisation merges them into one
 * state that loops to itself.
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
  /**
   * First final state: states `finalFrom..stateCount-1` loop to themselves on every byte
   * class (their decision can no longer change), states below it do not.
   */
  readonly finalFrom: number;
}

/** Before minimisation: final states are not yet known nor placed last. */
type RawDfa = Omit<Dfa, 'finalFrom'>;

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
  return dfa.accept[walk(dfa, Buffer.from(s, 'utf8')).state]!;
}

/**
 * How many bytes of `s` (as UTF-8) the matchers read before the decision is fixed: the
 * byte length, or less when a final state is reached before the end.
 * @example dfaBytesRead(compileRuleList(['a.*', '[\\s\\S]*']), 'banana') // 1
 */
export function dfaBytesRead(dfa: Dfa, s: string): number {
  return walk(dfa, Buffer.from(s, 'utf8')).read;
}

/** The matcher loop, as the generated C `xalt_rule_match` runs it: one comparison per byte. */
function walk(dfa: Dfa, bytes: Uint8Array): { state: number; read: number } {
  let st = dfa.start;
  let i = 0;
  for (; i < bytes.length; i++) {
    if (st >= dfa.finalFrom) break; // final: every byte leads back here
    st = dfa.next[st * dfa.classCount + dfa.classOf[bytes[i]!]!]!;
  }
  return { state: st, read: i };
}

/** Partition the 256 bytes so that bytes in one class behave identically on every edge. */
export function byteClasses(nfa: Nfa): { classOf: Uint8Array; reps: number[] } {
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
export function closures(nfa: Nfa): Int32Array[] {
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

function subsetConstruction(nfa: Nfa): RawDfa {
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
  add(new Int32Array(0)); // the dead state (minimize numbers it among the final states)
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

/** Moore's partition refinement; final states are numbered last (see `finalFrom`). */
function minimize(dfa: RawDfa): Dfa {
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
  // renumber: non-final blocks, then final blocks, each group in order of first appearance
  // (so the dead state is the first final one). All states of a block agree, so any one of
  // them tells whether the block loops to itself on every class.
  const live: number[] = [], final: number[] = [];
  const seenBlock = new Set<number>();
  for (let s = 0; s < n; s++) {
    const b = block[s]!;
    if (seenBlock.has(b)) continue;
    seenBlock.add(b);
    let loops = true;
    for (let c = 0; c < k && loops; c++) loops = block[dfa.next[s * k + c]!] === b;
    (loops ? final : live).push(b);
  }
  const order = new Map<number, number>([...live, ...final].map((b, i) => [b, i]));
  const m = order.size;
  const next = new Int32Array(m * k);
  const accept = new Int32Array(m);
  for (let s = 0; s < n; s++) {
    const b = order.get(block[s]!)!;
    accept[b] = dfa.accept[s]!;
    for (let c = 0; c < k; c++) next[b * k + c] = order.get(block[dfa.next[s * k + c]!]!)!;
  }
  return { classCount: k, classOf: dfa.classOf, next, accept, start: order.get(block[dfa.start]!)!, stateCount: m, finalFrom: live.length };
}
