/**
 * Daily distinct tuples (`xalt_tuple_day`): per UTC day, each distinct (cluster, job, user,
 * account, application, module, MPI or not, library set, host) of the day's runs, with how
 * many runs have it. Reports on database servers take their distinct counts — jobs, users,
 * accounts, executables, hosts, per side, executable, module and library — from these rows
 * for the whole days of a period, and from the runs for the partial days at its ends
 * (src/report/job-pass.ts).
 *
 * Why: a server reading a period's runs goes through the start_time index with a row lookup
 * per run into a table that does not fit its cache (MariaDB's default 128 MiB buffer pool
 * against ~700 MB for 1,000,000 runs). These rows are narrow and stored in day order, so a
 * period's rows are one range of the primary key. Distinct counts cannot be added across
 * days, so they are counted over the rows (in JS); a tuple repeated on several days counts once.
 *
 * Kept exact like xalt_usage_day, by the same calls (`UsageDeltas` in usage-day.ts): a new
 * run adds 1 to its tuple's runs, an end record that changes a run's tuple (its library set
 * grows) moves it, a purged or newly flagged run takes 1 away, and a tuple left with no run
 * is deleted. Flagged runs are not here. The key is a sha1 of the tuple: MySQL cannot put
 * all its columns in a primary key (over 3072 bytes).
 *
 * SQLite keeps none (`keepsTupleDays`): its reports count distinct values along covering
 * indexes and never read this table, which stays empty there.
 */
import { createHash } from 'node:crypto';
import type { Dialect, Queryable, SqlValue } from './store.js';

const DAY = 86400;

/** Whether a store keeps the daily tuples: only where reports read them (`DialectCapabilities.walksCoveringIndexes`). */
export const keepsTupleDays = (dialect: Dialect): boolean => !dialect.capabilities.walksCoveringIndexes;

/** The columns of a tuple, in table order after day and tuple_key. */
export const TUPLE_COLUMNS = ['syshost', 'job_id', 'user', 'account', 'app_name', 'module_name', 'mpi', 'libset_id', 'host'] as const;

/** What a run's tuple is made of: its columns as stored. */
export type TupleRun = Readonly<Record<'start_time' | 'syshost' | 'job_id' | 'user' | 'account' | 'app_name' | 'module_name' | 'num_tasks' | 'libset_id' | 'host' | 'flagged', SqlValue | undefined>>;

const text = (v: SqlValue | undefined): string | null => (v === null || v === undefined ? null : String(v));
const num = (v: SqlValue | undefined): number => (v === null || v === undefined ? 0 : Number(v));

/** A run's day and tuple values (drivers differ in how they return numbers: normalised here). */
function tupleOf(r: TupleRun): { day: number; values: SqlValue[] } {
  const libset = r.libset_id === null || r.libset_id === undefined ? null : Number(r.libset_id);
  return {
    day: Math.floor(num(r.start_time) / DAY),
    values: [String(r.syshost), text(r.job_id), String(r.user), text(r.account), String(r.app_name), text(r.module_name), num(r.num_tasks) > 1 ? 1 : 0, libset, text(r.host)],
  };
}

/** The primary key of a tuple: JSON keeps NULL apart from every string. */
function keyOf(values: readonly SqlValue[]): string {
  return createHash('sha1').update(JSON.stringify(values)).digest('hex');
}

const upserts = new Map<string, string>();

function upsertSql(q: Queryable, n: number): string {
  const id = `${q.dialect.name}:${n}`;
  let sql = upserts.get(id);
  if (!sql) {
    const quote = q.dialect.quote;
    const cols = ['day', 'tuple_key', ...TUPLE_COLUMNS, 'runs'];
    const row = `(${cols.map(() => '?').join(', ')})`;
    sql = `INSERT INTO xalt_tuple_day (${cols.map(quote).join(', ')}) VALUES ${Array(n).fill(row).join(', ')} `
      + q.dialect.upsert(['day', 'tuple_key'], [`runs = xalt_tuple_day.runs + ${q.dialect.excluded('runs')}`]);
    upserts.set(id, sql);
  }
  return sql;
}

/** Changes to xalt_tuple_day over a transaction: +1 per run added to a tuple, -1 per run taken out. */
export class TupleDeltas {
  private readonly rows = new Map<string, { day: number; key: string; values: SqlValue[]; runs: number }>();

  add(run: TupleRun, sign: 1 | -1): void {
    if (num(run.flagged) !== 0) return;
    const t = tupleOf(run);
    const key = keyOf(t.values);
    const id = `${t.day}:${key}`;
    const row = this.rows.get(id);
    if (row) row.runs += sign;
    else this.rows.set(id, { day: t.day, key, values: t.values, runs: sign });
  }

  get size(): number {
    return this.rows.size;
  }

  /** Apply the changes, in key order (concurrent ingesters on MySQL then lock rows in the same order). */
  async flush(q: Queryable): Promise<void> {
    const rows = [...this.rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r).filter((r) => r.runs !== 0);
    this.rows.clear();
    for (let at = 0; at < rows.length; at += 200) {
      const part = rows.slice(at, at + 200);
      await q.run(upsertSql(q, part.length), part.flatMap((r) => [r.day, r.key, ...r.values, r.runs]));
    }
    // tuples that lost runs may have none left
    const emptied = new Map<number, string[]>();
    for (const r of rows) if (r.runs < 0) emptied.set(r.day, [...(emptied.get(r.day) ?? []), r.key]);
    for (const [day, keys] of emptied) {
      for (let at = 0; at < keys.length; at += 400) {
        const part = keys.slice(at, at + 400);
        await q.run(`DELETE FROM xalt_tuple_day WHERE day = ? AND tuple_key IN (${part.map(() => '?').join(', ')}) AND runs <= 0`, [day, ...part]);
      }
    }
  }
}

/** The columns of xalt_run a tuple is made of, as a select list over `r`. */
const RUN_TUPLE_SELECT = ['start_time', 'syshost', 'job_id', 'user', 'account', 'app_name', 'module_name', 'num_tasks', 'libset_id', 'host', 'flagged'].map((c) => `r.${c}`).join(', ');

/** Add the unflagged runs matching `where` (over `r`) to xalt_tuple_day, reading them in pages by run_id. */
async function addRuns(q: Queryable, where: string, params: readonly SqlValue[]): Promise<void> {
  const PAGE = 20_000;
  let after = 0;
  let deltas = new TupleDeltas();
  for (;;) {
    const runs = await q.all<TupleRun & { run_id: unknown }>(
      `SELECT r.run_id, ${RUN_TUPLE_SELECT} FROM xalt_run r WHERE (${where}) AND r.flagged = 0 AND r.run_id > ? ORDER BY r.run_id LIMIT ${PAGE}`, [...params, after]);
    for (const r of runs) deltas.add(r, 1);
    // upserts add: flushing part of the runs at a time gives the same rows
    if (deltas.size > 100_000 || runs.length < PAGE) {
      await deltas.flush(q);
      deltas = new TupleDeltas();
    }
    if (runs.length < PAGE) return;
    after = Number(runs[runs.length - 1]!.run_id);
  }
}

/** Recompute xalt_tuple_day from xalt_run: every row, or (with `runIds`) the rows of the days and clusters those runs started on. */
export async function rebuildTupleDays(q: Queryable, runIds?: readonly number[]): Promise<void> {
  if (!keepsTupleDays(q.dialect)) {
    await q.run('DELETE FROM xalt_tuple_day'); // what a store that keeps none holds
    return;
  }
  if (runIds === undefined) {
    await q.run('DELETE FROM xalt_tuple_day');
    await addRuns(q, '1 = 1', []);
    return;
  }
  const days = new Map<string, { day: number; syshost: string }>();
  for (let at = 0; at < runIds.length; at += 500) {
    const part = runIds.slice(at, at + 500);
    const rows = await q.all<{ start_time: number; syshost: string }>(`SELECT start_time, syshost FROM xalt_run WHERE run_id IN (${part.map(() => '?').join(', ')})`, part);
    for (const r of rows) {
      const day = Math.floor(Number(r.start_time) / DAY);
      days.set(`${day}\u0000${r.syshost}`, { day, syshost: r.syshost });
    }
  }
  for (const { day, syshost } of days.values()) {
    await q.run('DELETE FROM xalt_tuple_day WHERE day = ? AND syshost = ?', [day, syshost]);
    await addRuns(q, 'r.start_time >= ? AND r.start_time < ? AND r.syshost = ?', [day * DAY, (day + 1) * DAY, syshost]);
  }
}
