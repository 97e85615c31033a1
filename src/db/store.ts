/**
 * The store interface every part of xalt uses to reach the database, whichever it is.
 * SQL is written once with `?` placeholders; what differs between SQLite and MySQL/MariaDB
 * (types, upserts, driver calls) lives behind `Dialect` in `src/db/<db>/`.
 */

export type DialectName = 'sqlite' | 'mysql';

/** A value bound to a `?` placeholder. */
export type SqlValue = string | number | bigint | null | Buffer;

export interface RunResult {
  /** rows inserted, updated or deleted */
  readonly changes: number;
  /** auto-increment id of the row inserted, if any */
  readonly lastInsertId: number;
}

/** What differs between databases in the SQL we write. */
export interface Dialect {
  readonly name: DialectName;
  /** `INSERT OR IGNORE` (SQLite) / `INSERT IGNORE` (MySQL) */
  readonly insertIgnore: string;
  /** an upsert clause: `ON CONFLICT(cols) DO UPDATE SET …` / `ON DUPLICATE KEY UPDATE …`; `set` uses `excluded(col)` placeholders */
  upsert(conflictColumns: readonly string[], assignments: readonly string[]): string;
  /** reference to the incoming value of `col` inside an upsert assignment */
  excluded(col: string): string;
  /** SQL for a case-sensitive regular-expression match of `expr` against a bound pattern */
  regexp(expr: string): string;
  /**
   * Suffix of a SELECT inside a transaction that is about to change the rows it reads: MySQL's
   * `FOR UPDATE` (read the latest committed rows and lock them); '' for SQLite, whose writers
   * are serialised.
   */
  readonly forUpdate: string;
}

/** A connection (or a transaction on one). */
export interface Queryable {
  readonly dialect: Dialect;
  /** run a query returning rows */
  all<T = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /** run a statement */
  run(sql: string, params?: readonly SqlValue[]): Promise<RunResult>;
  /**
   * Run many statements in order, in as few round trips as the driver allows, returning each
   * one's result (ingest's per-record INSERT IGNOREs). Optional: callers fall back to `run`.
   */
  runBatch?(statements: readonly Statement[]): Promise<RunResult[]>;
}

/** A statement and its parameters. */
export type Statement = readonly [sql: string, params: readonly SqlValue[]];

/** An open store. */
export interface Store extends Queryable {
  /** where it is, for messages (never includes a password) */
  readonly location: string;
  /** run `fn` in one transaction; commits if it resolves, rolls back if it throws */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
