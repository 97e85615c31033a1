/**
 * Versioned migrations. Each has a number, the schema changes of that version (rendered from
 * `schema-tables.ts`) and, when the version adds data derived from what is stored, a backfill
 * that computes it. `migrate` applies those above the store's `schema_version` (kept in
 * xalt_meta) under a lock, so two ingesters starting at once on one database server do not race.
 */
import { renderSchemaChanges } from '../render-ddl.js';
import { refreshLibsets } from '../libset.js';
import { tables } from '../schema-tables.js';
import { rebuildTupleDays } from '../tuple-day.js';
import { rebuildUsageDays } from '../usage-day.js';
import type { DialectName, Queryable, Store } from '../store.js';

export interface Migration {
  readonly version: number;
  readonly description: string;
  statements(db: DialectName): string[];
  /** fill what the new schema derives from existing rows (runs inside one transaction) */
  backfill?(q: Queryable): Promise<void>;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    description: 'initial schema: runs, links, objects, environment, packages, functions, ingest bookkeeping, quarantine',
    statements: (db) => renderSchemaChanges(tables, db, 1),
  },
  {
    version: 2,
    description: 'library sets (xalt_libset, xalt_run.libset_id) and daily usage totals (xalt_usage_day) for reports; the job_id index covers report passes in job order',
    statements: (db) => renderSchemaChanges(tables, db, 2),
    // the daily totals are computed by version 3, which redefines them (and whose columns their SQL reads)
    backfill: (q) => refreshLibsets(q),
  },
  {
    version: 3,
    description: 'scheduler facts (array job and task, CPUs per task, job state) and integrity flags on runs; owner_user on runs, links and packages (whose records may complete, replace or attach to them: foreign_uuid); flagged runs leave the daily totals, MPI means more than one task, and a run closed at job end fails unless its job completed',
    statements: (db) => renderSchemaChanges(tables, db, 3),
    backfill: async (q) => {
      // records of schema ≤ 2 carry no CPUs per task (the column's default, 1) and counted num_cores as tasks
      await q.run(`UPDATE xalt_run SET flags = 'owner_mismatch', flagged = 1 WHERE owner_mismatch = 1`);
      // rows loaded before: their named user, unless ingest flagged that user as not the file's owner (then unknown: NULL)
      await q.run(`UPDATE xalt_run SET owner_user = ${q.dialect.quote('user')} WHERE owner_user IS NULL AND owner_mismatch = 0`);
      await q.run(`UPDATE xalt_link SET owner_user = build_user WHERE owner_user IS NULL AND owner_mismatch = 0`);
      await q.run(`UPDATE xalt_pkg SET owner_user = (SELECT r.owner_user FROM xalt_run r WHERE r.run_uuid = xalt_pkg.run_uuid) WHERE owner_user IS NULL AND owner_mismatch = 0`);
      await rebuildUsageDays(q);
    },
  },
  {
    version: 4,
    description: 'daily distinct tuples (xalt_tuple_day) for the distinct counts of reports on database servers',
    statements: (db) => renderSchemaChanges(tables, db, 4),
    backfill: (q) => rebuildTupleDays(q),
  },
  {
    version: 5,
    description: "the flagged runs' index holds their user: `xalt find --user` counts the flagged runs it left out without reading them",
    statements: (db) => renderSchemaChanges(tables, db, 5),
  },
];

/** The newest schema version this xalt knows. */
export const LATEST_SCHEMA_VERSION = Math.max(...migrations.map((m) => m.version));

/** The store's schema version, 0 for an empty database. */
export async function schemaVersion(q: Queryable): Promise<number> {
  if (!(await q.dialect.hasTable(q, 'xalt_meta'))) return 0;
  const rows = await q.all<{ meta_value: string }>(`SELECT meta_value FROM xalt_meta WHERE meta_key = 'schema_version'`);
  return rows[0] ? Number(rows[0].meta_value) : 0;
}

async function exec(q: Queryable, sql: string): Promise<void> {
  try {
    await q.run(sql);
  } catch (err) {
    if (!q.dialect.isAlreadyDone(err)) throw err;
  }
}

async function setVersion(q: Queryable, version: number): Promise<void> {
  await q.run(q.dialect.insertIgnore(`xalt_meta (meta_key, meta_value) VALUES ('schema_version', ?)`), [String(version)]);
  await q.run(`UPDATE xalt_meta SET meta_value = ? WHERE meta_key = 'schema_version'`, [String(version)]);
}

/**
 * One migration. Where DDL is transactional (SQLite, PostgreSQL): its DDL, backfill and new
 * version in one transaction, so a failure leaves the store as it was (and another process
 * that migrated meanwhile is noticed under the lock). MySQL commits DDL implicitly:
 * statements run one by one, each idempotent, and the backfill and version follow in one
 * transaction.
 */
async function apply(store: Store, m: Migration): Promise<void> {
  const dialect = store.dialect;
  if (dialect.capabilities.transactionalDdl) {
    await store.transaction(async (tx) => {
      await dialect.lockTransaction(tx, LOCK);
      if ((await schemaVersion(tx)) >= m.version) return;
      for (const sql of m.statements(dialect.name)) await tx.run(sql);
      await m.backfill?.(tx);
      await setVersion(tx, m.version);
    });
    return;
  }
  for (const sql of m.statements(dialect.name)) await exec(store, sql);
  await store.transaction(async (tx) => {
    await m.backfill?.(tx);
    await setVersion(tx, m.version);
  });
}

/** The lock migrations take. */
const LOCK = 'xalt_migrate';

/** Bring the store to the latest schema (or to version `to`). Returns the versions applied. */
export async function migrate(store: Store, options: { readonly to?: number } = {}): Promise<number[]> {
  return store.dialect.withLock(store, LOCK, async () => {
    const current = await schemaVersion(store);
    const applied: number[] = [];
    for (const m of migrations.filter((x) => x.version > current && x.version <= (options.to ?? Infinity))) {
      await apply(store, m);
      applied.push(m.version);
    }
    return applied;
  });
}
