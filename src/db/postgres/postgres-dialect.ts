/** PostgreSQL's SQL: what `Dialect` asks of it. */
import type { Dialect, Queryable } from '../store.js';

/** SQLSTATEs a retry of the transaction may cure: concurrent ingesters locking rows in different orders. */
const RETRYABLE = new Set(['40P01', '40001']); // deadlock_detected, serialization_failure

export const postgresDialect: Dialect = {
  name: 'postgres',
  capabilities: { walksCoveringIndexes: false, transactionalDdl: true, ingestBatchSize: 1000 },
  quote: (name) => `"${name}"`,
  insertIgnore: (into, returning) => `INSERT INTO ${into} ON CONFLICT DO NOTHING${returning ? ` RETURNING ${returning}` : ''}`,
  returning: (idColumn) => ` RETURNING ${idColumn}`,
  upsert: (cols, set) => `ON CONFLICT(${cols.join(', ')}) DO UPDATE SET ${set.join(', ')}`,
  excluded: (col) => `excluded.${col}`,
  regexp: (expr) => `${expr} ~ ?`,
  forUpdate: ' FOR UPDATE',
  forShare: ' FOR SHARE',
  day: (t) => `FLOOR(${t} / 86400)`,
  listValues: (expr, sep) => `string_agg(DISTINCT CAST(${expr} AS TEXT), '${sep}')`,
  indexedBy: () => '',
  keepSubquery: '',
  async hasTable(q: Queryable, name: string): Promise<boolean> {
    return (await q.all('SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?', [name])).length > 0;
  },
  async existingIndexes(q: Queryable, names: readonly string[]): Promise<Set<string>> {
    if (!names.length) return new Set();
    const rows = await q.all<{ name: string }>(
      `SELECT indexname AS name FROM pg_indexes WHERE schemaname = current_schema() AND indexname IN (${names.map(() => '?').join(', ')})`, names);
    return new Set(rows.map((r) => r.name));
  },
  tuneForReading: async () => undefined,
  // DDL is transactional: each migration takes `lockTransaction`
  withLock: (_q, _name, fn) => fn(),
  async lockTransaction(tx, name) {
    await tx.all('SELECT pg_advisory_xact_lock(hashtext(?)) AS locked', [name]);
  },
  isRetryable: (err) => RETRYABLE.has(String((err as { code?: unknown }).code)),
  // migrations run in one transaction each, with IF NOT EXISTS where it matters
  isAlreadyDone: () => false,
};
