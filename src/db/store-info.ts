/** What `xalt db info` reports about a store: kind, location, schema version, row counts. */
import { LATEST_SCHEMA_VERSION, schemaVersion } from './migrations/migrations.js';
import { tables } from './schema-tables.js';
import type { DialectName, Queryable, Store } from './store.js';

export interface StoreInfo {
  readonly kind: DialectName;
  readonly location: string;
  readonly schema_version: number;
  readonly latest_schema_version: number;
  /** rows per table (tables that do not exist yet are left out) */
  readonly counts: Readonly<Record<string, number>>;
  /** runs with a start record and no end record yet */
  readonly runs_without_end: number;
  /** runs with integrity flags (left out of reports by default); 0 before schema 3 */
  readonly flagged_runs: number;
  readonly first_run: number | null;
  readonly last_run: number | null;
}

async function count(store: Store, sql: string): Promise<number | undefined> {
  try {
    const rows = await store.all<{ n: unknown }>(sql);
    return Number(rows[0]?.n ?? 0);
  } catch {
    return undefined;
  }
}

/**
 * Start times of the first and the last run in the store (null when it holds none): two index
 * lookups. Each bound is its own subquery because SQLite answers a lone MIN or MAX from the
 * index but scans the whole index for both in one select (0.4 ms against 0.6 s at 1,000,000 runs).
 */
export async function storeSpan(store: Queryable): Promise<{ first: number | null; last: number | null }> {
  const span = await store.all<{ a: unknown; b: unknown }>('SELECT (SELECT MIN(start_time) FROM xalt_run) AS a, (SELECT MAX(start_time) FROM xalt_run) AS b').catch(() => []);
  return { first: span[0]?.a == null ? null : Number(span[0].a), last: span[0]?.b == null ? null : Number(span[0].b) };
}

/** Collect the facts; works on an empty or partly migrated store. */
export async function storeInfo(store: Store): Promise<StoreInfo> {
  const counts: Record<string, number> = {};
  for (const t of tables) {
    if (t.name === 'xalt_meta') continue;
    const n = await count(store, `SELECT COUNT(*) AS n FROM ${t.name}`);
    if (n !== undefined) counts[t.name] = n;
  }
  const span = await storeSpan(store);
  return {
    kind: store.dialect.name,
    location: store.location,
    schema_version: await schemaVersion(store),
    latest_schema_version: LATEST_SCHEMA_VERSION,
    counts,
    runs_without_end: (await count(store, `SELECT COUNT(*) AS n FROM xalt_run WHERE has_end = 0`)) ?? 0,
    flagged_runs: (await count(store, `SELECT COUNT(*) AS n FROM xalt_run WHERE flagged = 1`)) ?? 0,
    first_run: span.first,
    last_run: span.last,
  };
}
