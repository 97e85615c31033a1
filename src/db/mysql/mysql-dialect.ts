/** MySQL's and MariaDB's SQL: what `Dialect` asks of them (the shared store for large sites). */
import type { Dialect, Queryable } from '../store.js';

/** MySQL errors that mean a DDL statement's change is there already (a migration run again). */
const ALREADY_DONE = new Set([
  1060, // ER_DUP_FIELDNAME: the column exists already
  1061, // ER_DUP_KEYNAME: the index exists already
  1091, // ER_CANT_DROP_FIELD_OR_KEY: the index was dropped already
]);

/** Errors a retry of the transaction may cure: concurrent ingesters lock rows in different orders. */
const RETRYABLE = new Set([1213, 1205]); // ER_LOCK_DEADLOCK, ER_LOCK_WAIT_TIMEOUT

const errno = (err: unknown) => (err as { errno?: number }).errno ?? 0;

export const mysqlDialect: Dialect = {
  name: 'mysql',
  capabilities: { walksCoveringIndexes: false, transactionalDdl: false, ingestBatchSize: 1000 },
  quote: (name) => `\`${name}\``,
  insertIgnore: (into) => `INSERT IGNORE INTO ${into}`,
  returning: () => '',
  upsert: (_cols, set) => `ON DUPLICATE KEY UPDATE ${set.join(', ')}`,
  excluded: (col) => `VALUES(${col})`,
  regexp: (expr) => `${expr} REGEXP BINARY ?`,
  forUpdate: ' FOR UPDATE',
  forShare: ' LOCK IN SHARE MODE',
  day: (t) => `FLOOR(${t} / 86400)`,
  // the session's group_concat_max_len is raised when a connection opens (mysql-store.ts)
  listValues: (expr, sep) => `GROUP_CONCAT(DISTINCT ${expr} SEPARATOR '${sep}')`,
  indexedBy: () => '',
  keepSubquery: '',
  async hasTable(q: Queryable, name: string): Promise<boolean> {
    return (await q.all('SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?', [name])).length > 0;
  },
  async existingIndexes(q: Queryable, names: readonly string[]): Promise<Set<string>> {
    if (!names.length) return new Set();
    const rows = await q.all<{ name: string }>(
      `SELECT DISTINCT index_name AS name FROM information_schema.statistics WHERE table_schema = DATABASE() AND index_name IN (${names.map(() => '?').join(', ')})`, names);
    return new Set(rows.map((r) => r.name));
  },
  tuneForReading: async () => undefined,
  async withLock(q, name, fn) {
    await q.all('SELECT GET_LOCK(?, 60) AS got', [name]);
    try {
      return await fn();
    } finally {
      await q.all('SELECT RELEASE_LOCK(?) AS released', [name]);
    }
  },
  // DDL is not transactional: `withLock` serialises migrations
  lockTransaction: async () => undefined,
  isRetryable: (err) => RETRYABLE.has(errno(err)),
  isAlreadyDone: (err) => ALREADY_DONE.has(errno(err)),
};
