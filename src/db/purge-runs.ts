/**
 * Retention: delete the runs that started before a date (of some users, on a cluster) and
 * everything attached to them — the libraries they loaded (join_run_object), their
 * environment values (join_run_env) and their Python packages (xalt_pkg) — in batches, each
 * one transaction that also takes the runs' sums out of the daily usage totals
 * (usage-day.ts), so the totals stay those of the runs that remain.
 *
 * Kept: links (a binary built before the date may still run), the dictionaries of objects,
 * environment names and library sets, and the ingest bookkeeping — so ingesting the same
 * spool again does not bring purged runs back.
 */
import type { Queryable, SqlValue, Store } from './store.js';
import { USAGE_RUN_COLUMNS, UsageDeltas, type UsageRun } from './usage-day.js';

export interface PurgeScope {
  /** runs that started before this (epoch seconds) */
  readonly before: number;
  /** only these users' runs */
  readonly users?: readonly string[];
  /** only the runs on this cluster */
  readonly syshost?: string;
}

interface PurgeResult {
  readonly runs: number;
  readonly libraries: number;
  readonly env_values: number;
  readonly packages: number;
}

/** Runs per transaction: small enough to keep locks short on a busy MySQL server. */
const BATCH = 1000;

/** The runs of the scope, as conditions over xalt_run `r`. */
function scopeWhere(s: PurgeScope): { sql: string; params: SqlValue[] } {
  const parts = ['r.start_time < ?'];
  const params: SqlValue[] = [s.before];
  if (s.users?.length) {
    parts.push(`r.user IN (${s.users.map(() => '?').join(', ')})`);
    params.push(...s.users);
  }
  if (s.syshost !== undefined) {
    parts.push('r.syshost = ?');
    params.push(s.syshost);
  }
  return { sql: parts.join(' AND '), params };
}

/** How many runs `purgeRuns` would delete. */
export async function countPurge(q: Queryable, s: PurgeScope): Promise<number> {
  const w = scopeWhere(s);
  const [row] = await q.all<{ n: unknown }>(`SELECT COUNT(*) AS n FROM xalt_run r WHERE ${w.sql}`, w.params);
  return Number(row?.n ?? 0);
}

const ids = (n: number) => Array.from({ length: n }, () => '?').join(', ');

/** Delete one batch of runs in transaction `tx`; returns what it deleted (runs 0: nothing was left). */
async function purgeBatch(tx: Queryable, s: PurgeScope): Promise<PurgeResult> {
  const w = scopeWhere(s);
  const runs = await tx.all<UsageRun & { run_id: unknown; run_uuid: string }>(
    `SELECT r.run_id, r.run_uuid, ${USAGE_RUN_COLUMNS.map((c) => `r.${c}`).join(', ')} FROM xalt_run r WHERE ${w.sql} ORDER BY r.run_id LIMIT ${BATCH}${tx.dialect.forUpdate}`, w.params);
  if (runs.length === 0) return { runs: 0, libraries: 0, env_values: 0, packages: 0 };
  const runIds = runs.map((r) => Number(r.run_id));
  const uuids = runs.map((r) => r.run_uuid);
  const deltas = new UsageDeltas(tx.dialect);
  for (const r of runs) deltas.add(r, -1);
  const libraries = (await tx.run(`DELETE FROM join_run_object WHERE run_id IN (${ids(runIds.length)})`, runIds)).changes;
  const env = (await tx.run(`DELETE FROM join_run_env WHERE run_id IN (${ids(runIds.length)})`, runIds)).changes;
  const packages = (await tx.run(`DELETE FROM xalt_pkg WHERE run_uuid IN (${ids(uuids.length)})`, uuids)).changes;
  const deleted = (await tx.run(`DELETE FROM xalt_run WHERE run_id IN (${ids(runIds.length)})`, runIds)).changes;
  await deltas.flush(tx);
  return { runs: deleted, libraries, env_values: env, packages };
}

/**
 * Delete the runs of `s` and what is attached to them, batch by batch; `progress` hears the
 * running total after each batch. A failure rolls back the batch under way; the batches
 * before it stay deleted, and running the purge again finishes the work.
 */
export async function purgeRuns(store: Store, s: PurgeScope, progress?: (deleted: number) => void): Promise<PurgeResult> {
  const total = { runs: 0, libraries: 0, env_values: 0, packages: 0 };
  for (;;) {
    const done = await store.transaction((tx) => purgeBatch(tx, s));
    if (done.runs === 0) return total;
    total.runs += done.runs;
    total.libraries += done.libraries;
    total.env_values += done.env_values;
    total.packages += done.packages;
    progress?.(total.runs);
  }
}
