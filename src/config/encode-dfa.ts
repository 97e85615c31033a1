/**
 * How a compiled rule list's transitions are laid out in the generated C (see emit-c.ts).
 *
 * The dense table (`next[state * classes + class]`, uint16) is simple and one lookup per byte,
 * but for path lists it is large: the example config's path list is ~1000 states x ~47 byte
 * classes = 94 kB of read-only data that every process touches, although most states send
 * nearly every class to one target. The sparse form keeps, per state, that most common target
 * (`defaultNext`) and the few classes that go elsewhere (the "exceptions"), sorted by class:
 *
 *   exceptions of `st` are `excClass[e]` -> `excNext[e]` for excStart[st] <= e < excStart[st + 1]
 *   next(st, c) = excNext[e] if some exception e of st has class c, else defaultNext[st]
 *
 * `chooseEncoding` picks one per list at generation time (rule at `SPARSE_MAX_AVERAGE`);
 * `runEncoded` runs the chosen form exactly as the generated `xalt_rule_match` does, so a test
 * can check it decides like `runDfa` on the dense `Dfa`.
 */
import type { Dfa } from './compile-dfa.js';

/** Default target plus exceptions per state (emitted as uint16 / uint8 arrays of the same names). */
export interface SparseTable {
  readonly kind: 'sparse';
  /** state -> its most common target (lowest state number on a tie) */
  readonly defaultNext: Uint16Array;
  /**
   * stateCount + 1 entries: state st's exceptions are excStart[st] .. excStart[st + 1] - 1.
   * Emitted as uint16, so the sparse form is only used with at most 65535 exceptions.
   */
  readonly excStart: Uint32Array;
  /** exception -> byte class, ascending within a state */
  readonly excClass: Uint8Array;
  /** exception -> target state */
  readonly excNext: Uint16Array;
}

/** The plain table: `next[state * classCount + class]`. */
export interface DenseTable {
  readonly kind: 'dense';
  readonly next: Uint16Array;
}

/** A compiled list as the generated C holds it. */
export interface EncodedDfa {
  readonly classCount: number;
  readonly classOf: Uint8Array;
  readonly accept: Int32Array;
  readonly start: number;
  readonly stateCount: number;
  readonly finalFrom: number;
  readonly table: SparseTable | DenseTable;
}

/**
 * The rule: a list is emitted sparse when the sparse form takes less than half the bytes of
 * the dense table AND its states average at most `SPARSE_MAX_AVERAGE` exceptions (so a lookup
 * scans a handful of bytes), AND the exception count fits the uint16 `exc_start` indexes.
 * Otherwise dense. Example config: path ~3.7 exceptions/state and 16% of the dense size ->
 * sparse; env ~16.7/state and 59% -> dense.
 */
export const SPARSE_MAX_AVERAGE = 8;

/** Bytes of read-only data of each form (the class map and accept labels, shared by both, excluded). */
export function denseBytes(dfa: Pick<Dfa, 'stateCount' | 'classCount'>): number {
  return 2 * dfa.stateCount * dfa.classCount;
}

/** 2 (default_next) + 2 (exc_start, one more entry than states) per state, 3 per exception. */
export function sparseBytes(stateCount: number, exceptions: number): number {
  return 2 * stateCount + 2 * (stateCount + 1) + 3 * exceptions;
}

/** Bytes the encoded transition table takes in the generated C. */
export function tableBytes(enc: EncodedDfa): number {
  return enc.table.kind === 'dense' ? denseBytes(enc) : sparseBytes(enc.stateCount, enc.table.excClass.length);
}

/** The default-plus-exceptions form of `dfa` (always built; `chooseEncoding` decides whether to use it). */
export function sparseTable(dfa: Dfa): SparseTable {
  const k = dfa.classCount, n = dfa.stateCount;
  const defaultNext = new Uint16Array(n);
  const excStart = new Uint32Array(n + 1);
  const excClass: number[] = [], excNext: number[] = [];
  const votes = new Map<number, number>();
  for (let st = 0; st < n; st++) {
    votes.clear();
    let best = -1, bestVotes = 0;
    for (let c = 0; c < k; c++) {
      const t = dfa.next[st * k + c]!;
      const v = (votes.get(t) ?? 0) + 1;
      votes.set(t, v);
      if (v > bestVotes || (v === bestVotes && t < best)) { best = t; bestVotes = v; }
    }
    defaultNext[st] = best;
    excStart[st] = excClass.length;
    for (let c = 0; c < k; c++) {
      const t = dfa.next[st * k + c]!;
      if (t !== best) { excClass.push(c); excNext.push(t); }
    }
  }
  excStart[n] = excClass.length;
  return { kind: 'sparse', defaultNext, excStart, excClass: Uint8Array.from(excClass), excNext: Uint16Array.from(excNext) };
}

/** The encoding the generated C uses for `dfa` (the rule at `SPARSE_MAX_AVERAGE`), or the one forced. */
export function chooseEncoding(dfa: Dfa, force?: 'dense' | 'sparse'): EncodedDfa {
  const { classCount, classOf, accept, start, stateCount, finalFrom } = dfa;
  const base = { classCount, classOf, accept, start, stateCount, finalFrom };
  const sparse = sparseTable(dfa);
  const e = sparse.excClass.length;
  const sparseWins = e <= 0xffff && 2 * sparseBytes(stateCount, e) < denseBytes(dfa) && e <= SPARSE_MAX_AVERAGE * stateCount;
  if (force === 'sparse' && e > 0xffff) throw new Error(`${e} exceptions do not fit uint16 indexes`);
  if (force === 'sparse' || (force === undefined && sparseWins)) return { ...base, table: sparse };
  return { ...base, table: { kind: 'dense', next: Uint16Array.from(dfa.next) } };
}

/** The next state from `st` on byte class `c`, read from the encoded table. */
export function encodedNext(enc: EncodedDfa, st: number, c: number): number {
  const t = enc.table;
  if (t.kind === 'dense') return t.next[st * enc.classCount + c]!;
  let e = t.excStart[st]!;
  const end = t.excStart[st + 1]!;
  while (e < end && t.excClass[e]! < c) e++;
  return e < end && t.excClass[e] === c ? t.excNext[e]! : t.defaultNext[st]!;
}

/**
 * Decide `s` (as UTF-8 bytes) with the encoded tables, as the generated `xalt_rule_match`
 * does: rule index or -1, stopping at the first final state.
 * @example runEncoded(chooseEncoding(compileRuleList(['/usr/.*', '.*'])), '/usr/bin/ls') // 0
 */
export function runEncoded(enc: EncodedDfa, s: string): number {
  let st = enc.start;
  for (const byte of Buffer.from(s, 'utf8')) {
    if (st >= enc.finalFrom) break;
    st = encodedNext(enc, st, enc.classOf[byte]!);
  }
  return enc.accept[st]!;
}
