/**
 * Versioned migrations. Each has a number and statements per database; `migrate` applies
 * those above the store's `schema_version` (kept in xalt_meta) under a lock, so two
 * ingesters starting at once on one MySQL server do not race.
 */
import { renderTable } from '../render-ddl.js';
import { tables } from '../schema-tables.js';
import type { DialectName, Queryable, Store } from '../store.js';

export interface Migration {
  readonly version: number;
  readonly description: string;
  statements(db: DialectName): string[];
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    description: 'initial schema: runs, links, objects, environment, packages, functions, ingest bookkeeping, quarantine',
    statements: (db) => tables.flatMap((t) => renderTable(t, db)),
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

const DUPLICATE_INDEX = 1061; // MySQL ER_DUP_KEYNAME: the index exists already

async function exec(q: Queryable, sql: string): Promise<void> {
  try {
    await q.run(sql);
  } catch (err) {
    if ((err as { errno?: number }).errno === DUPLICATE_INDEX) return;
    throw err;
  }
}

/** Bring the store to the latest schema. Returns the versions applied. */
export async function migrate(store: Store): Promise<number[]> {
  const isMysql = store.dialect.name === 'mysql';
  if (isMysql) await store.all(`SELECT GET_LOCK('xalt_migrate', 60) AS got`);
  try {
    const current = await schemaVersion(store);
    const applied: number[] = [];
    for (const m of migrations.filter((x) => x.version > current)) {
      // MySQL DDL commits implicitly, so statements run one by one; each is idempotent.
      for (const sql of m.statements(store.dialect.name)) await exec(store, sql);
      await store.run(
        `${store.dialect.insertIgnore} INTO xalt_meta (meta_key, meta_value) VALUES ('schema_version', ?)`,
        [String(m.version)],
      );
      await store.run(`UPDATE xalt_meta SET meta_value = ? WHERE meta_key = 'schema_version'`, [String(m.version)]);
      applied.push(m.version);
    }
    return applied;
  } finally {
    if (isMysql) await store.all(`SELECT RELEASE_LOCK('xalt_migrate') AS released`);
  }
}
