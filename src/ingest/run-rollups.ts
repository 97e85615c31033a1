/**
 * Ingest's part in the report rollups (src/db/libset.ts, src/db/usage-day.ts): the library set
 * of each run it inserts, the new set of a run whose end record adds libraries, and the
 * changes to the daily usage totals — all in the batch's transaction, so they commit or roll
 * back with the runs. Sets are cached, like objects, only once their transaction committed.
 */
import { libsetIds, libsetObjects, libsetText, libsetTexts } from '../db/libset.js';
import type { Dialect, Queryable } from '../db/store.js';
import { UsageDeltas, type UsageRun } from '../db/usage-day.js';

/** Library sets already stored, by text and by id: kept across batches. */
export class LibsetCache {
  readonly idOfText = new Map<string, number>();
  readonly textOfId = new Map<number, string>();
}

/** One transaction's rollup changes. */
export class RunRollups {
  private readonly newIds = new Map<string, number>();
  private readonly newTexts = new Map<number, string>();
  /** run_id → its new library set, for runs an end record completed */
  private readonly moves = new Map<number, number | null>();
  readonly usage: UsageDeltas;

  constructor(private readonly cache: LibsetCache, dialect: Dialect) {
    this.usage = new UsageDeltas(dialect);
  }

  private known(text: string): number | undefined {
    return this.newIds.get(text) ?? this.cache.idOfText.get(text);
  }

  /** Make sure each set text has an id (inserting new sets). */
  async ensure(q: Queryable, texts: Iterable<string>): Promise<void> {
    const missing = [...new Set(texts)].filter((t) => t !== '' && this.known(t) === undefined);
    if (missing.length === 0) return;
    for (const [text, id] of await libsetIds(q, missing)) {
      this.newIds.set(text, id);
      this.newTexts.set(id, text);
    }
  }

  /** The id of a set text made sure of by `ensure`; null for the empty set. */
  idOf(text: string): number | null {
    if (text === '') return null;
    const id = this.known(text);
    if (id === undefined) throw new Error(`internal: library set ${text} was not ensured`);
    return id;
  }

  /** The texts of sets by id ('' for null), reading those not cached. */
  async texts(q: Queryable, ids: readonly (number | null)[]): Promise<Map<number, string>> {
    const out = new Map<number, string>();
    const missing: number[] = [];
    for (const id of ids) {
      if (id === null) continue;
      const t = this.newTexts.get(id) ?? this.cache.textOfId.get(id);
      if (t === undefined) missing.push(id);
      else out.set(id, t);
    }
    for (const [id, text] of await libsetTexts(q, missing)) {
      out.set(id, text);
      this.cache.textOfId.set(id, text); // stored before this transaction: safe to keep
    }
    return out;
  }

  /**
   * The library set text of `run` (as stored before its end record) once the end record's
   * `objIds` are added; `texts` from `texts()`.
   */
  grown(run: UsageRun, objIds: readonly number[], texts: ReadonlyMap<number, string>): string {
    const id = run.libset_id === null || run.libset_id === undefined ? null : Number(run.libset_id);
    const before = id === null ? '' : texts.get(id)!;
    return libsetText([...libsetObjects(before), ...objIds]);
  }

  /** Record that run `runId` now has library set `libsetId`. */
  move(runId: number, libsetId: number | null): void {
    this.moves.set(runId, libsetId);
  }

  /** Write the runs' new sets and the usage changes. */
  async flush(q: Queryable): Promise<void> {
    const runsOf = new Map<number | null, number[]>();
    for (const [run, set] of this.moves) {
      const list = runsOf.get(set);
      if (list) list.push(run);
      else runsOf.set(set, [run]);
    }
    this.moves.clear();
    for (const [set, runs] of runsOf) {
      for (let at = 0; at < runs.length; at += 400) {
        const part = runs.slice(at, at + 400);
        await q.run(`UPDATE xalt_run SET libset_id = ? WHERE run_id IN (${part.map(() => '?').join(', ')})`, [set, ...part]);
      }
    }
    await this.usage.flush(q);
  }

  /** The transaction committed: its sets may be cached. */
  commit(): void {
    for (const [text, id] of this.newIds) this.cache.idOfText.set(text, id);
    for (const [id, text] of this.newTexts) this.cache.textOfId.set(id, text);
  }
}
