/**
 * The store interface every part of xalt uses to reach the database, whichever it is.
 * SQL is written once with `?` placeholders; what differs between SQLite, MySQL/MariaDB and
 * PostgreSQL (types, upserts, planner hints, driver calls) lives behind `Dialect` in
 * `src/db/<db>/`.
 */

export type DialectName = 'sqlite' | 'mysql' | 'postgres';

/** A value bound to a `?` placeholder. */
export type SqlValue = string | number | bigint | null | Buffer;

export interface RunResult {
  /** rows inserted, updated or deleted */
  readonly changes: number;
  /** auto-increment id of the row inserted, if any (PostgreSQL: the `returning` column of `insertIgnore`) */
  readonly lastInsertId: number;
}

/**
 * What a database can do that changes how a query is best written. Callers ask for a
 * capability, never for a database by name.
 */
export interface DialectCapabilities {
  /**
   * Reports read a period's runs along a covering index (`indexedBy`) so that grouping needs
   * no sort, and count distinct values per group in index order. True for SQLite, whose
   * planner otherwise sorts every row of a start_time range and has no hash aggregation.
   * False for servers, which aggregate through hash or temporary tables: what costs there is
   * each pass over the runs, so reports make as few as they can (src/report/job-pass.ts), and
   * take distinct counts from the daily tuples (xalt_tuple_day). A store that walks covering
   * indexes never reads those, so it keeps none: the table stays empty (one ingest cost less).
   */
  readonly walksCoveringIndexes: boolean;
  /** DDL runs inside a transaction (SQLite, PostgreSQL); MySQL commits each statement implicitly */
  readonly transactionalDdl: boolean;
  /**
   * Record files per ingest transaction when --batch-size is not given. SQLite: 5000 — every
   * commit rewrites each index page the batch touched, and the ledger's and join tables'
   * indexes take keys all over their range, so larger batches write each such page fewer times
   * (measured: commit cost per file 10 µs at 1000, under 5 µs at 5000). Servers: 1000, so
   * concurrent ingesters hold row locks briefly.
   */
  readonly ingestBatchSize: number;
}

/**
 * What differs between databases in the SQL we write (Kysely-style: SQL is written once, and
 * asks the dialect for the pieces that differ). One implementation per database, in
 * `src/db/<db>/`.
 */
export interface Dialect {
  /** for `xalt db info` and messages only: code decides by `capabilities` and the methods below */
  readonly name: DialectName;
  readonly capabilities: DialectCapabilities;
  /** quote an identifier (`user` and `queue` are keywords in some databases) */
  quote(name: string): string;
  /**
   * An insert that skips rows whose unique key exists already: `into` is the rest of the
   * statement after `INSERT INTO`. `returning` names the id column whose value
   * `RunResult.lastInsertId` reports (PostgreSQL has no other way to tell it).
   * @example dialect.insertIgnore('xalt_meta (meta_key, meta_value) VALUES (?, ?)')
   */
  insertIgnore(into: string, returning?: string): string;
  /**
   * Text ending an INSERT so that `RunResult.lastInsertId` reports the new row's `idColumn`:
   * PostgreSQL's ` RETURNING idColumn`; '' where the driver reports it anyway.
   */
  returning(idColumn: string): string;
  /** an upsert clause: `ON CONFLICT(cols) DO UPDATE SET …` / `ON DUPLICATE KEY UPDATE …`; `set` uses `excluded(col)` placeholders */
  upsert(conflictColumns: readonly string[], assignments: readonly string[]): string;
  /** reference to the incoming value of `col` inside an upsert assignment */
  excluded(col: string): string;
  /** SQL for a case-sensitive regular-expression match of `expr` against a bound pattern */
  regexp(expr: string): string;
  /**
   * Suffix of a SELECT inside a transaction that is about to change the rows it reads:
   * ` FOR UPDATE` on servers (read the latest committed rows and lock them); '' for SQLite,
   * whose writers are serialised.
   */
  readonly forUpdate: string;
  /**
   * Suffix of a SELECT that must see rows another transaction committed after this one began,
   * such as the ids of dictionary rows an INSERT IGNORE just found already there: a locking
   * read (` LOCK IN SHARE MODE`, ` FOR SHARE`) reads the latest committed version, where MySQL's
   * plain reads keep the transaction's first snapshot and miss them; '' for SQLite.
   */
  readonly forShare: string;
  /**
   * SQL for the UTC day number of time `t` (seconds since the epoch): floor(t / 86400). Day d
   * holds exactly the times in [d × 86400, (d + 1) × 86400) — the ranges reports cut periods
   * at: the division of a double a hair below a multiple of 86400 never rounds up to it.
   */
  day(t: string): string;
  /**
   * An aggregate listing the non-NULL values of `expr` in a group, separated by `sep` (a
   * character no value holds), or NULL for none: each value at least once, so callers
   * de-duplicate (distinct where the database can).
   */
  listValues(expr: string, sep: string): string;
  /**
   * Text after `FROM table alias` that makes the query read the table through `index`
   * (SQLite's `INDEXED BY`); '' where the planner is left to choose.
   */
  indexedBy(index: string): string;
  /**
   * Text ending a subquery in FROM that keeps the planner from flattening it into the outer
   * query (SQLite: a no-op LIMIT); '' where flattening does no harm.
   */
  readonly keepSubquery: string;
  /** whether the table `name` exists (a failed query would end a PostgreSQL transaction) */
  hasTable(q: Queryable, name: string): Promise<boolean>;
  /** which of the indexes named `names` exist (reports walk only those) */
  existingIndexes(q: Queryable, names: readonly string[]): Promise<Set<string>>;
  /** settings for a session that only reads and aggregates (reports, the dashboard) */
  tuneForReading(q: Queryable): Promise<void>;
  /**
   * Run `fn` holding a lock named `name` against every other process using the store, for
   * work that is not one transaction (MySQL's migrations: its DDL commits implicitly).
   * Dialects with transactional DDL take `lockTransaction` instead and just run `fn`.
   */
  withLock<T>(q: Queryable, name: string, fn: () => Promise<T>): Promise<T>;
  /**
   * Inside a transaction: wait until no other transaction holds the lock `name`, and hold it
   * until this one ends (SQLite: its write transactions are serialised already).
   */
  lockTransaction(tx: Queryable, name: string): Promise<void>;
  /** true for an error that a retry of the whole transaction may cure (a deadlock, a lock wait timeout) */
  isRetryable(err: unknown): boolean;
  /** true for an error of a DDL statement whose change is there already (a migration run again) */
  isAlreadyDone(err: unknown): boolean;
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
   * one's result (ingest's per-record insert-ignores). Optional: callers fall back to `run`.
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
