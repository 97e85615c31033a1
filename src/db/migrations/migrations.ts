/**
 * Versioned migrations. Each has a number, the schema changes of that version (rendered from
 * `schema-tables.ts`) and, when the version adds data derived from what is stored, a backfill
 * that computes it. `migrate` applies those above the store's `schema_version` (kept in
 * xalt_meta) under a lock, so two ingesters starting at once on one MySQL server do not race.
 */
import { renderSchemaChanges } from '../render-ddl.js';
import { refreshLibsets } from '../libset.js';
import { tables } from '../schema-tables.js';
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
      await q.run(`UPDATE xalt_run SET owner_user = ${q.dialect.name === 'mysql' ? '`user`' : '"user"'} WHERE owner_user IS NULL AND owner_mismatch = 0`);
      await q.run(`UPDATE xalt_link SET owner_user = build_user WHERE owner_user IS NULL AND owner_mismatch = 0`);
      await q.run(`UPDATE xalt_pkg SET owner_user = (SELECT r.owner_user FROM xalt_run r WHERE r.run_uuid = xalt_pkg.run_uuid) WHERE owner_user IS NULL AND owner_mismatch = 0`);
      await rebuildUsageDays(q);
    },
  },
];

/** The newest schema version this xalt knows. */
export const LATEST_SCHEMA_VERSION = Math.max(...migrations.map((m) => m.version));

/** The store's schema version, 0 for an empty database. */
export async function schemaVersion(q: Queryable): Promise<number> {
  try {
    const rows = await q.all<{ meta_value: string }>(`SELECT meta_value FROM xalt_meta WHERE meta_key = 'schema_version'`);
    return rows[0] ? Number(rows[0].meta_value) : 0;
  } catch {
    return 0; // no xalt_meta table yet
  }
}

/** MySQL errors that mean a statement's change is already there (a migration run again). */
const ALREADY_DONE = new Set([
  1060, // ER_DUP_FIELDNAME: the column exists already
  1061, // ER_DUP_KEYNAME: the index exists already
  1091, // ER_CANT_DROP_FIELD_OR_KEY: the index was dropped already
]);

async function exec(q: Queryable, sql: string): Promise<void> {
  try {
    await q.run(sql);
  } catch (err) {
    if (ALREADY_DONE.has((err as { errno?: number }).errno ?? 0)) return;
    throw err;
  }
}

async function setVersion(q: Queryable, version: number): Promise<void> {
  await q.run(`${q.dialect.insertIgnore} INTO xalt_meta (meta_key, meta_value) VALUES ('schema_version', ?)`, [String(version)]);
  await q.run(`UPDATE xalt_meta SET meta_value = ? WHERE meta_key = 'schema_version'`, [String(version)]);
}

/**
 * One migration. SQLite: its DDL, backfill and new version in one transaction, so a failure
 * leaves the store as it was (and another process that migrated meanwhile is noticed under
 * the write lock). MySQL commits DDL implicitly: statements run one by one, each idempotent,
 * and the backfill and version follow in one transaction.
 */
async function apply(store: Store, m: Migration): Promise<void> {
  if (store.dialect.name === 'sqlite') {
    await store.transaction(async (tx) => {
      if ((await schemaVersion(tx)) >= m.version) return;
      for (const sql of m.statements('sqlite')) await tx.run(sql);
      await m.backfill?.(tx);
      await setVersion(tx, m.version);
    });
    return;
  }
  for (const sql of m.statements('mysql')) await exec(store, sql);
  await store.transaction(async (tx) => {
    await m.backfill?.(tx);
    await setVersion(tx, m.version);
  });
}

/** Bring the store to the latest schema (or to version `to`). Returns the versions applied. */
export async function migrate(store: Store, options: { readonly to?: number } = {}): Promise<number[]> {
  const isMysql = store.dialect.name === 'mysql';
  if (isMysql) await store.all(`SELECT GET_LOCK('xalt_migrate', 60) AS got`);
  try {
    const current = await schemaVersion(store);
    const applied: number[] = [];
    for (const m of migrations.filter((x) => x.version > current && x.version <= (options.to ?? Infinity))) {
      await apply(store, m);
      applied.push(m.version);
    }
    return applied;
  } finally {
    if (isMysql) await store.all(`SELECT RELEASE_LOCK('xalt_migrate') AS released`);
  }
}
