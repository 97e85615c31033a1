/**
 * Load interpreted record files into the store, one transaction per batch, its chunks one
 * after another.
 *
 * Each file is first *claimed* in xalt_ingested_file (INSERT IGNORE on its path hash): a file
 * another ingester claimed (or an earlier run loaded) is skipped, so two ingesters on one
 * spool never both count or quarantine a file. Records are then merged by their unique keys:
 * a run by run_uuid (an end completes a start; a late start only sets has_start), a link by
 * uuid, a pkg by (run_uuid, program, pkg_name); a start and end of one run met in one chunk
 * go in as one row (run-pairing.ts). Dictionary rows (objects, environment names, functions)
 * are inserted sorted and cached only after commit, so a rolled-back batch leaves no stale ids
 * behind. Deadlocks between concurrent ingesters on a database server are retried.
 *
 * Records belong to an owner (`owner_user`: the file's owner, or the uid xalt-ship vouched for).
 * A record may complete, replace or attach to a run, link or package only when it has the same
 * owner; otherwise it is quarantined as `foreign_uuid` and what was stored stays as it was —
 * file names, hence uuids, are visible to every user.
 *
 * What reports derive from runs is kept in the same transaction (run-rollups.ts): each run
 * inserted gets its library set and adds to the daily usage totals; a run an end record
 * completes gets the set grown by the end's libraries and moves its totals from what its row
 * said before (read, and locked on a database server, before the merge) to what it says after. A record
 * with integrity flags adds them to its run's (run-flags.ts); a flagged run has no totals.
 */
import { libsetText } from '../db/libset.js';
import { tables } from '../db/schema-tables.js';
import type { Dialect, Queryable, RunResult, SqlValue, Statement, Store } from '../db/store.js';
import { USAGE_RUN_COLUMNS, type UsageRun } from '../db/usage-day.js';
import type { NormalRecord, NormalRun, ObjectRef, Row } from './normalise.js';
import type { FileResult } from './read-record-file.js';
import { foreignPackages, foreignStored } from './foreign-owners.js';
import { mergeFlags } from '../db/run-flags.js';
import { combineRuns, END_COLUMNS, pairRuns } from './run-pairing.js';
import { LibsetCache, RunRollups } from './run-rollups.js';

/** What happened to a file. `skipped`: already claimed by another ingester or run. */
export type FileStatus = 'loaded' | 'duplicate' | 'quarantined' | 'filtered' | 'skipped';


export interface BatchCounts {
  runs: number;
  links: number;
  pkgs: number;
  duplicates: number;
  quarantined: number;
  flagged: number;
  filtered: number;
  skipped: number;
  reasons: Record<string, number>;
}

export const emptyCounts = (): BatchCounts => ({ runs: 0, links: 0, pkgs: 0, duplicates: 0, quarantined: 0, flagged: 0, filtered: 0, skipped: 0, reasons: {} });

/** A file to enter in the ledger without records of its own (a bundle). */
export interface LedgerRow {
  readonly hash: string;
  readonly rel: string;
  readonly size: number;
  readonly mtime: number;
}

/** A file result plus where its quarantine copy went (null: none). */
export interface LoadItem extends FileResult {
  readonly storedAs: string | null;
}

/**
 * Part of a batch: gives its items each time it is called (again if a deadlocked transaction
 * is retried). Chunks are asked for one after another inside the batch's transaction, so a
 * chunk's parsed records die young instead of waiting for the whole batch — holding thousands
 * of records across garbage collections cost more than parsing them.
 */
export type LoadChunk = () => Promise<readonly LoadItem[]>;

const widths = new Map<string, Map<string, number>>(
  tables.map((t) => [t.name, new Map(t.columns.flatMap((c) => {
    const m = /^(?:var)?char\((\d+)\)$/.exec(c.type);
    return m ? [[c.name, Number(m[1])] as const] : [];
  }))]),
);

/** Values of `row` in column order, strings cut to their column widths (MySQL's strict mode rejects longer ones). */
function fittedValues(table: string, cols: readonly string[], row: Row): SqlValue[] {
  const w = widths.get(table)!;
  return cols.map((k) => {
    const v = row[k] ?? null;
    const max = w.get(k);
    return typeof v === 'string' && max !== undefined && v.length > max ? v.slice(0, max) : v;
  });
}

/** An INSERT for rows with one set of columns, with the widths to cut values to. */
interface InsertShape {
  readonly cols: readonly string[];
  readonly widths: readonly (number | undefined)[];
  readonly sql: string;
}

/** True when `row`'s keys are `cols` (but their last `extra`), in order (rows of one kind always are; checked, not assumed). */
function hasColumns(row: Row, cols: readonly string[], extra: number): boolean {
  let n = 0;
  for (const k in row) if (cols[n++] !== k) return false;
  return n === cols.length - extra;
}

function fit(table: string, row: Row): Row {
  const cols = Object.keys(row);
  const vals = fittedValues(table, cols, row);
  return Object.fromEntries(cols.map((c, i) => [c, vals[i]!])) as Row;
}

const CHUNK = 400;

/** Claims a file in the ledger (an insert-ignore on its path hash). */
const LEDGER_INTO = `xalt_ingested_file (path_hash, path, size, mtime, status, ingested_at) VALUES (?, ?, ?, ?, 'loaded', ?)`;

/** The id column of each table with one, which an insert reports back (`RunResult.lastInsertId`). */
const ID_COLUMN: Readonly<Record<string, string>> = Object.fromEntries(tables.flatMap((t) => t.columns.filter((c) => c.type === 'id').map((c) => [t.name, c.name] as const)));

function chunks<T>(xs: readonly T[], n = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

/** Many statements in as few round trips as the store allows. */
async function runBatch(tx: Queryable, statements: readonly Statement[]): Promise<RunResult[]> {
  if (statements.length === 0) return [];
  if (tx.runBatch) return tx.runBatch(statements);
  const out: RunResult[] = [];
  for (const [sql, params] of statements) out.push(await tx.run(sql, params));
  return out;
}

function quarantineStatement(rel: string, reason: string, detail: string, storedAs: string | null, now: number): Statement {
  return [`INSERT INTO xalt_quarantine (path, reason, detail, stored_as, quarantined_at) VALUES (?, ?, ?, ?, ?)`,
    [rel.slice(0, 1024), reason, detail.slice(0, 4000), storedAs?.slice(0, 1024) ?? null, now]];
}

/** A merged record's flags: its owner check, and (when it has flags) the union with the run's (`merged`). */
const FLAGS = 'owner_mismatch = CASE WHEN ? = 1 THEN 1 ELSE owner_mismatch END, flags = CASE WHEN ? = 1 THEN ? ELSE flags END, flagged = CASE WHEN ? = 1 THEN 1 ELSE flagged END';
const START_MERGE = `UPDATE xalt_run SET has_start = 1, ${FLAGS} WHERE run_uuid = ? AND has_start = 0`;
const END_MERGE = `UPDATE xalt_run SET ${END_COLUMNS.map((c) => `${c} = ?`).join(', ')}, has_end = 1, ${FLAGS} WHERE run_uuid = ? AND has_end = 0`;
/** Merges only into a row of the same owner (see `sameOwner`): parameters owner, owner. */
const SAME_OWNER = ` AND (? = '' OR owner_user IS NULL OR owner_user IN (?, ''))`;

/**
 * The conditional UPDATE that merges a run record into an existing row of its owner (0
 * changes: a duplicate, or another owner's run); `stored` is the row as read before (needed
 * when the record has flags).
 */
function mergeStatement(r: NormalRun, stored: StoredRun | undefined): Statement {
  const d = r.row;
  const owner = d['owner_user'] ?? '';
  const flagged = d['flagged'] === 1 ? 1 : 0;
  const flags = [d['owner_mismatch']!, flagged, flagged ? mergeFlags(stored?.flags, d['flags'] as string) : '', flagged];
  if (r.isStart) return [START_MERGE + SAME_OWNER, [...flags, d['run_uuid']!, owner, owner]];
  return [END_MERGE + SAME_OWNER, [...fittedValues('xalt_run', END_COLUMNS, d), ...flags, d['run_uuid']!, owner, owner]];
}

/** What a run row adds to the daily usage totals: its values as stored (strings cut to their widths). */
function usageOf(row: Row, libsetId: number | null): UsageRun {
  const w = widths.get('xalt_run')!;
  const cut = (c: 'syshost' | 'app_name' | 'module_name' | 'end_reason' | 'job_state' | 'job_id' | 'user' | 'account' | 'host') => {
    const v = row[c] ?? null;
    const max = w.get(c)!;
    return typeof v === 'string' && v.length > max ? v.slice(0, max) : v;
  };
  return {
    start_time: row['start_time'], syshost: cut('syshost'), app_name: cut('app_name'), module_name: cut('module_name'), num_cores: row['num_cores'],
    num_tasks: row['num_tasks'], libset_id: libsetId, run_time: row['run_time'], num_gpus: row['num_gpus'], probability: row['probability'], has_end: row['has_end'],
    end_reason: cut('end_reason'), exit_signal: row['exit_signal'], exit_status: row['exit_status'], job_state: cut('job_state'), flagged: row['flagged'],
    job_id: cut('job_id'), user: cut('user'), account: cut('account'), host: cut('host'), // its daily tuple (src/db/tuple-day.ts)
  };
}

/** A run row as stored before a merge: its id, its flags and what its usage depends on. */
type StoredRun = UsageRun & { readonly run_id: number; readonly run_uuid: string; readonly flags: string };

/** Ids of dictionary rows (objects, env names, functions) by key. */
type Dict = Map<string, number>;

interface TxState {
  readonly objects: Dict;
  readonly envs: Dict;
  readonly funcs: Dict;
  /** join rows, flattened: run_id, obj_id, run_id, obj_id, … */
  readonly runObjects: SqlValue[];
  /** run_id, env_id, env_value, … */
  readonly runEnv: SqlValue[];
  readonly linkObjects: SqlValue[];
  readonly linkFuncs: SqlValue[];
  /** library sets and usage totals of the runs loaded (run-rollups.ts) */
  readonly rollups: RunRollups;
  readonly counts: BatchCounts;
  readonly statuses: FileStatus[];
}

const newTxState = (libsets: LibsetCache, dialect: Dialect): TxState => ({
  objects: new Map(), envs: new Map(), funcs: new Map(), runObjects: [], runEnv: [], linkObjects: [], linkFuncs: [], rollups: new RunRollups(libsets, dialect), counts: emptyCounts(), statuses: [],
});

export class StoreLoader {
  private readonly objects: Dict = new Map();
  private readonly envs: Dict = new Map();
  private readonly funcs: Dict = new Map();
  private readonly libsets = new LibsetCache();
  private readonly q: (name: string) => string;

  constructor(private readonly store: Store) {
    this.q = store.dialect.quote;
  }

  /** Load one batch in one transaction; returns counts and each file's status, in order. */
  async loadBatch(items: readonly LoadItem[], now: number, done: readonly LedgerRow[] = []): Promise<{ counts: BatchCounts; statuses: FileStatus[] }> {
    return this.loadChunks([async () => items], now, done);
  }

  /**
   * Load the chunks of one batch in one transaction; counts and each file's status, in order.
   * `done` are files entered in the ledger as loaded in the same transaction: bundles whose
   * last entries this batch holds, so a bundle is marked loaded exactly when all of it is.
   */
  async loadChunks(chunks: readonly LoadChunk[], now: number, done: readonly LedgerRow[] = []): Promise<{ counts: BatchCounts; statuses: FileStatus[] }> {
    for (let attempt = 0; ; attempt++) {
      try {
        const st = await this.store.transaction(async (tx) => {
          const state = newTxState(this.libsets, tx.dialect);
          for (const chunk of chunks) await this.loadInTx(tx, await chunk(), now, state);
          const ledgerSql = tx.dialect.insertIgnore(LEDGER_INTO);
          await runBatch(tx, done.map((f) => [ledgerSql, [f.hash, f.rel.slice(0, 1024), f.size, f.mtime, now]]));
          // once per transaction: runs of one day and executable share a row of totals
          await state.rollups.flush(tx);
          return state;
        });
        for (const [src, dst] of [[st.objects, this.objects], [st.envs, this.envs], [st.funcs, this.funcs]] as const) for (const [k, v] of src) dst.set(k, v);
        st.rollups.commit();
        return { counts: st.counts, statuses: st.statuses };
      } catch (err) {
        if (attempt >= 8 || !this.store.dialect.isRetryable(err)) throw err;
        await new Promise((r) => setTimeout(r, 20 + Math.random() * 100 * (attempt + 1)));
      }
    }
  }

  /**
   * A chunk in phases, each one round trip on MySQL: claim every file; insert every record
   * (INSERT IGNORE); merge the runs that existed (conditional UPDATEs); then quarantine rows,
   * ledger statuses and join rows.
   */
  private async loadInTx(tx: Queryable, items: readonly LoadItem[], now: number, st: TxState): Promise<void> {
    const claimSql = tx.dialect.insertIgnore(LEDGER_INTO);
    const claims = await runBatch(tx, items.map((i) => [claimSql, [i.file.hash, i.file.rel.slice(0, 1024), i.size, i.mtime, now]]));
    const claimed = items.filter((_, k) => claims[k]!.changes > 0);
    const records = claimed.flatMap((i) => (i.outcome.status === 'record' ? [i.outcome.record] : []));
    await this.ensureDictionaries(tx, records, st);
    const status = new Map<LoadItem, FileStatus>(items.map((i, k) => [i, claims[k]!.changes > 0 ? 'loaded' : 'skipped']));
    const foreign = new Map<LoadItem, string>();
    await this.loadRecords(tx, claimed, status, foreign, st);
    const after: Statement[] = [];
    for (const item of claimed) status.set(item, this.account(item, status.get(item)!, foreign.get(item), now, st, after));
    await runBatch(tx, after);
    await this.flushJoins(tx, st);
    for (const i of items) st.statuses.push(status.get(i)!);
    st.counts.skipped += items.length - claimed.length;
  }

  /**
   * Insert each record; runs that already existed are merged; sets `status` per item, and
   * `foreign` for records that would have touched another owner's run, link or package. A
   * run's start and end claimed in this batch go in as one combined row (see run-pairing.ts);
   * when that row exists already, both are merged into it like any other record.
   */
  private async loadRecords(tx: Queryable, claimed: readonly LoadItem[], status: Map<LoadItem, FileStatus>, foreign: Map<LoadItem, string>, st: TxState): Promise<void> {
    const withRecord = claimed.filter((i) => i.outcome.status === 'record');
    const recs = withRecord.map((i) => (i.outcome as { record: NormalRecord }).record);
    const foreignPkgs = await foreignPackages(tx, recs);
    for (const [k, detail] of foreignPkgs) foreign.set(withRecord[k]!, detail);
    const pairs = pairRuns(recs);
    const partners = new Set(pairs.values());
    const order: number[] = [];
    const rows: NormalRecord[] = [];
    for (let k = 0; k < recs.length; k++) {
      if (partners.has(k) || foreignPkgs.has(k)) continue;
      const p = pairs.get(k);
      order.push(k);
      rows.push(p === undefined ? recs[k]! : combineRuns(recs[k] as NormalRun, recs[p] as NormalRun));
    }
    const sets = await this.runLibsets(tx, rows, st);
    const inserted = await runBatch(tx, rows.map((r, j) => this.insertStatement(tx, r, sets[j]!.libset)));
    const toMerge: number[] = [];
    const notNew: number[] = []; // links and packages that were there: duplicates, or another owner's
    order.forEach((k, j) => {
      const res = inserted[j]!;
      const p = pairs.get(k);
      const r = rows[j]!;
      if (res.changes > 0) {
        this.addJoins(r, res.lastInsertId, st, sets[j]!.objIds);
        if (r.kind === 'run') st.rollups.usage.add(usageOf(r.row, sets[j]!.libset), 1);
      } else if (recs[k]!.kind === 'run') toMerge.push(...(p === undefined ? [k] : [k, p]));
      else notNew.push(k);
    });
    const merging = toMerge.map((k) => recs[k] as NormalRun);
    const before = await this.storedRuns(tx, merging.filter((r) => !r.isStart || r.row['flagged'] === 1));
    // merges of starts and of ends touch different columns, so only the order within each kind
    // matters; a stored row has a start or an end already, so at most one merge per run applies
    const merged = await runBatch(tx, merging.map((r) => mergeStatement(r, before.get(r.row['run_uuid'] as string))));
    const ended: { r: NormalRun; old: StoredRun }[] = [];
    toMerge.forEach((k, j) => {
      const r = merging[j]!;
      const old = before.get(r.row['run_uuid'] as string);
      if (merged[j]!.changes === 0) notNew.push(k); // a duplicate, or another owner's run
      else if (!r.isStart) ended.push({ r, old: old! });
      // a late start only says "there was a start" — and, if flagged, takes its run out of the totals
      else if (r.row['flagged'] === 1) st.rollups.usage.add(old!, -1);
    });
    for (const [k, detail] of await foreignStored(tx, notNew.map((k) => recs[k]!))) foreign.set(withRecord[notNew[k]!]!, detail);
    for (const k of notNew) if (!foreign.has(withRecord[k]!)) status.set(withRecord[k]!, 'duplicate');
    if (ended.length) await this.completeRuns(tx, ended, st);
  }

  /** Per record, a run's object ids and its library set (the set of those objects; null for none or not a run). */
  private async runLibsets(tx: Queryable, records: readonly NormalRecord[], st: TxState): Promise<{ objIds?: number[]; libset: number | null }[]> {
    const objIds = records.map((r) => (r.kind === 'run' ? r.objects.map((o) => this.idOf('objects', o.object_key, st)) : undefined));
    const texts = objIds.map((ids) => (ids ? libsetText(ids) : ''));
    await st.rollups.ensure(tx, texts);
    return objIds.map((ids, i) => (ids ? { objIds: ids, libset: st.rollups.idOf(texts[i]!) } : { libset: null }));
  }

  /** The rows, as stored now, of the runs that `ends` will complete (locked on MySQL until commit). */
  private async storedRuns(tx: Queryable, ends: readonly NormalRun[]): Promise<Map<string, StoredRun>> {
    const out = new Map<string, StoredRun>();
    const cols = ['run_id', 'run_uuid', 'flags', ...USAGE_RUN_COLUMNS].map(this.q).join(', ');
    for (const part of chunks([...new Set(ends.map((r) => r.row['run_uuid'] as string))])) {
      const found = await tx.all<StoredRun>(`SELECT ${cols} FROM xalt_run WHERE run_uuid IN (${part.map(() => '?').join(', ')})${tx.dialect.forUpdate}`, part);
      for (const row of found) out.set(row.run_uuid, { ...row, run_id: Number(row.run_id) });
    }
    return out;
  }

  /**
   * Runs their end records completed: the libraries loaded since the start join the run (its
   * environment is the one the start record already stored: both are taken from the process
   * at start), its library set grows with them, and its usage moves from what the start said
   * to what the end says.
   */
  private async completeRuns(tx: Queryable, ended: readonly { r: NormalRun; old: StoredRun }[], st: TxState): Promise<void> {
    const texts = await st.rollups.texts(tx, ended.map(({ old }) => (old.libset_id === null || old.libset_id === undefined ? null : Number(old.libset_id))));
    const grown = ended.map(({ r, old }) => st.rollups.grown(old, r.objects.map((o) => this.idOf('objects', o.object_key, st)), texts));
    await st.rollups.ensure(tx, grown);
    ended.forEach(({ r, old }, i) => {
      const libset = st.rollups.idOf(grown[i]!);
      if (libset !== (old.libset_id === null || old.libset_id === undefined ? null : Number(old.libset_id))) st.rollups.move(old.run_id, libset);
      const end = fittedValues('xalt_run', END_COLUMNS, r.row);
      const flagged = r.row['flagged'] === 1 || Number(old.flagged) === 1 ? 1 : 0;
      const after: UsageRun = { ...old, ...Object.fromEntries(END_COLUMNS.map((c, k) => [c, end[k]!])), has_end: 1, libset_id: libset, flagged };
      st.rollups.usage.add(old, -1);
      st.rollups.usage.add(after, 1);
      this.addJoins({ ...r, env: [] }, old.run_id, st);
    });
  }

  /** Count a claimed file and queue its quarantine row and final ledger status; returns that status. */
  private account(item: LoadItem, status: FileStatus, foreign: string | undefined, now: number, st: TxState, out: Statement[]): FileStatus {
    const { file, outcome } = item;
    let final = status;
    if (foreign !== undefined) {
      out.push(quarantineStatement(file.rel, 'foreign_uuid', foreign, item.storedAs, now));
      st.counts.quarantined++;
      st.counts.reasons['foreign_uuid'] = (st.counts.reasons['foreign_uuid'] ?? 0) + 1;
      final = 'quarantined';
    } else if (outcome.status === 'quarantine') {
      out.push(quarantineStatement(file.rel, outcome.reason, outcome.detail, item.storedAs, now));
      st.counts.quarantined++;
      st.counts.reasons[outcome.reason] = (st.counts.reasons[outcome.reason] ?? 0) + 1;
      final = 'quarantined';
    } else if (outcome.status === 'filtered') {
      st.counts.filtered++;
      final = 'filtered';
    } else {
      if (status === 'duplicate') st.counts.duplicates++;
      else if (outcome.record.kind === 'run') st.counts.runs++;
      else if (outcome.record.kind === 'link') st.counts.links++;
      else st.counts.pkgs++;
      if (outcome.ownerMismatch) {
        out.push(quarantineStatement(file.rel, 'owner_mismatch', `${outcome.ownerMismatch}; loaded and flagged`, item.storedAs, now));
        st.counts.flagged++;
      }
    }
    if (final !== 'loaded') out.push([`UPDATE xalt_ingested_file SET status = ? WHERE path_hash = ?`, [final, file.hash]]);
    return final;
  }

  private readonly shapes = new Map<string, InsertShape>();

  /** The INSERT of a record; a run's row gets its library set `libset` (a column ingest derives, not normalise). */
  private insertStatement(tx: Queryable, r: NormalRecord, libset: number | null): Statement {
    const table = r.kind === 'run' ? 'xalt_run' : r.kind === 'link' ? 'xalt_link' : 'xalt_pkg';
    const extra = r.kind === 'run' ? ['libset_id'] : [];
    let shape = this.shapes.get(table);
    if (!shape || !hasColumns(r.row, shape.cols, extra.length)) {
      const cols = [...Object.keys(r.row), ...extra];
      const w = widths.get(table)!;
      const into = `${table} (${cols.map(this.q).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`;
      shape = { cols, widths: cols.map((c) => w.get(c)), sql: tx.dialect.insertIgnore(into, ID_COLUMN[table]) };
      this.shapes.set(table, shape);
    }
    const values: SqlValue[] = Object.values(r.row); // in shape.cols order: checked above
    if (extra.length) values.push(libset);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      const max = shape.widths[i];
      if (v === undefined) values[i] = null;
      else if (typeof v === 'string' && max !== undefined && v.length > max) values[i] = v.slice(0, max);
    }
    return [shape.sql, values];
  }

  /** Queue the join rows of record `r`, stored with id `id`; a run's object ids may be given. */
  private addJoins(r: NormalRecord, id: number, st: TxState, objIds?: readonly number[]): void {
    if (r.kind === 'run') {
      for (const obj of objIds ?? r.objects.map((o) => this.idOf('objects', o.object_key, st))) st.runObjects.push(id, obj);
      for (const [name, value] of r.env) st.runEnv.push(id, this.idOf('envs', name.slice(0, 255), st), value);
    } else if (r.kind === 'link') {
      for (const o of r.objects) st.linkObjects.push(id, this.idOf('objects', o.object_key, st));
      for (const f of r.functions) st.linkFuncs.push(id, this.idOf('funcs', f.slice(0, 255), st));
    }
  }

  /** Insert-or-find every object, env name and function the batch uses, in sorted order. */
  private async ensureDictionaries(tx: Queryable, records: readonly NormalRecord[], st: TxState): Promise<void> {
    const objs = new Map<string, ObjectRef>();
    const envs = new Set<string>();
    const funcs = new Set<string>();
    for (const r of records) {
      if (r.kind === 'pkg') continue;
      for (const o of r.objects) if (!this.objects.has(o.object_key) && !st.objects.has(o.object_key)) objs.set(o.object_key, o);
      if (r.kind === 'run') for (const [name] of r.env) { const e = name.slice(0, 255); if (!this.envs.has(e) && !st.envs.has(e)) envs.add(e); }
      if (r.kind === 'link') for (const f of r.functions) { const fn = f.slice(0, 255); if (!this.funcs.has(fn) && !st.funcs.has(fn)) funcs.add(fn); }
    }
    const objRows = [...objs.values()].sort((a, b) => (a.object_key < b.object_key ? -1 : 1)).map((o) => {
      const f = fit('xalt_object', { ...o });
      return [f['object_key']!, f['object_path']!, f['syshost']!, f['module_name']!, f['lib_type']!];
    });
    await this.dictionary(tx, 'xalt_object', 'obj_id', 'object_key', ['object_key', 'object_path', 'syshost', 'module_name', 'lib_type'], objRows, st.objects);
    await this.dictionary(tx, 'xalt_env_name', 'env_id', 'env_name', ['env_name'], [...envs].sort().map((e) => [e]), st.envs);
    await this.dictionary(tx, 'xalt_function', 'func_id', 'function_name', ['function_name'], [...funcs].sort().map((f) => [f]), st.funcs);
  }

  private async dictionary(tx: Queryable, table: string, idCol: string, keyCol: string, cols: string[], rows: SqlValue[][], into: Dict): Promise<void> {
    if (rows.length === 0) return;
    for (const part of chunks(rows)) {
      const values = part.map(() => `(${cols.map(() => '?').join(', ')})`).join(', ');
      await tx.run(tx.dialect.insertIgnore(`${table} (${cols.map(this.q).join(', ')}) VALUES ${values}`), part.flat());
      const keys = part.map((r) => r[0]!);
      const found = await tx.all<Record<string, unknown>>(`SELECT ${idCol} AS id, ${keyCol} AS k FROM ${table} WHERE ${keyCol} IN (${keys.map(() => '?').join(', ')})${tx.dialect.forShare}`, keys);
      for (const f of found) into.set(String(f['k']), Number(f['id']));
    }
  }

  private idOf(kind: 'objects' | 'envs' | 'funcs', key: string, st: TxState): number {
    const id = st[kind].get(key) ?? this[kind].get(key);
    if (id === undefined) throw new Error(`internal: no id for ${kind} ${key}`);
    return id;
  }

  private readonly sqlCache = new Map<string, string>();

  /** Join rows go in multi-row statements at the end of the batch: far fewer round trips. */
  private async flushJoins(tx: Queryable, st: TxState): Promise<void> {
    const sets: [string, string[], SqlValue[]][] = [
      ['join_run_object', ['run_id', 'obj_id'], st.runObjects],
      ['join_run_env', ['run_id', 'env_id', 'env_value'], st.runEnv],
      ['join_link_object', ['link_id', 'obj_id'], st.linkObjects],
      ['join_link_function', ['link_id', 'func_id'], st.linkFuncs],
    ];
    for (const [table, cols, flat] of sets) {
      const per = cols.length * CHUNK;
      for (let at = 0; at < flat.length; at += per) {
        const params = flat.slice(at, at + per);
        const n = params.length / cols.length;
        const key = `${table}:${n}`;
        let sql = this.sqlCache.get(key);
        if (!sql) {
          const tuple = `(${cols.map(() => '?').join(', ')})`;
          sql = tx.dialect.insertIgnore(`${table} (${cols.join(', ')}) VALUES ${Array(n).fill(tuple).join(', ')}`);
          this.sqlCache.set(key, sql);
        }
        await tx.run(sql, params);
      }
      flat.length = 0; // flushed: the next chunk of the batch starts empty
    }
  }
}
