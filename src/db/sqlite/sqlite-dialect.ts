/** SQLite's SQL: what `Dialect` asks of it (the embedded default store). */
import type { Dialect, Queryable } from '../store.js';

const DAY = 86400;

/** The `?` placeholders of a list of values. */
const marks = (n: number) => Array(n).fill('?').join(', ');

export const sqliteDialect: Dialect = {
  name: 'sqlite',
  capabilities: { walksCoveringIndexes: true, transactionalDdl: true, ingestBatchSize: 5000 },
  quote: (name) => `"${name}"`,
  insertIgnore: (into) => `INSERT OR IGNORE INTO ${into}`,
  returning: () => '',
  upsert: (cols, set) => `ON CONFLICT(${cols.join(', ')}) DO UPDATE SET ${set.join(', ')}`,
  excluded: (col) => `excluded.${col}`,
  regexp: (expr) => `${expr} REGEXP ?`,
  forUpdate: '',
  forShare: '',
  // start times are not negative, so truncation is the floor
  day: (t) => `CAST(${t} / ${DAY} AS INTEGER)`,
  // SQLite's DISTINCT aggregates take one argument (GROUP_CONCAT's separator is then ','):
  // with another separator values may repeat, and callers de-duplicate
  listValues: (expr, sep) => (sep === ',' ? `GROUP_CONCAT(DISTINCT ${expr})` : `string_agg(CAST(${expr} AS TEXT), '${sep}')`),
  indexedBy: (index) => `INDEXED BY ${index}`,
  // Without a LIMIT SQLite flattens the subquery and, to save a sort, may walk the whole table
  // in GROUP BY-column index order instead of the start_time range (1.2 s instead of 0.37 s for
  // a month of a 1,000,000-run store).
  keepSubquery: ' LIMIT 9223372036854775807',
  async hasTable(q: Queryable, name: string): Promise<boolean> {
    return (await q.all(`SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?`, [name])).length > 0;
  },
  async existingIndexes(q: Queryable, names: readonly string[]): Promise<Set<string>> {
    if (!names.length) return new Set();
    const rows = await q.all<{ name: string }>(`SELECT name FROM sqlite_master WHERE type = 'index' AND name IN (${marks(names.length)})`, names);
    return new Set(rows.map((r) => r.name));
  },
  // Reports group and count distinct values over many rows; SQLite's default spills those
  // sorts to temporary files. Keeping them in memory halves report times (a month of a
  // 1,000,000-run store: 0.76 s → 0.31 s per grouped query in bench/report.ts).
  async tuneForReading(q: Queryable): Promise<void> {
    await q.run('PRAGMA temp_store = MEMORY');
  },
  withLock: (_q, _name, fn) => fn(),
  // write transactions begin IMMEDIATE: one at a time already
  lockTransaction: async () => undefined,
  isRetryable: () => false,
  isAlreadyDone: () => false,
};
