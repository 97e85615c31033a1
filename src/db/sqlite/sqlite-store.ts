/** The embedded default store: one SQLite file through better-sqlite3. */
import { accessSync, constants, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import type { Queryable, RunResult, SqlValue, Statement, Store } from '../store.js';
import { sqliteDialect } from './sqlite-dialect.js';

type Db = InstanceType<typeof Database>;

class SqliteQueryable implements Queryable {
  readonly dialect = sqliteDialect;
  constructor(protected readonly db: Db) {}

  /** statements are cached: ingest runs the same few thousands of times */
  private readonly cache = new Map<string, Database.Statement>();
  protected prepare(sql: string): Database.Statement {
    let st = this.cache.get(sql);
    if (!st) {
      st = this.db.prepare(sql);
      this.cache.set(sql, st);
    }
    return st;
  }

  async all<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return this.prepare(sql).all(...params) as T[];
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<RunResult> {
    const st = this.prepare(sql);
    if (st.reader) {
      st.all(...params);
      return { changes: 0, lastInsertId: 0 };
    }
    const r = st.run(...params);
    return { changes: r.changes, lastInsertId: Number(r.lastInsertRowid) };
  }

  async runBatch(statements: readonly Statement[]): Promise<RunResult[]> {
    return statements.map(([sql, params]) => {
      const r = this.prepare(sql).run(...params);
      return { changes: r.changes, lastInsertId: Number(r.lastInsertRowid) };
    });
  }

  /** The synchronous handle, for hot loops that cannot afford a promise per statement. */
  get raw(): Db {
    return this.db;
  }
}

/** A SQLite store. Transactions are serialised: SQLite has one writer at a time anyway. */
export class SqliteStore extends SqliteQueryable implements Store {
  private queue: Promise<unknown> = Promise.resolve();
  constructor(db: Db, readonly location: string) {
    super(db);
  }

  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const next = this.queue.then(async () => {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const result = await fn(this);
        this.db.exec('COMMIT');
        return result;
      } catch (err) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw err;
      }
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  async close(): Promise<void> {
    await this.queue;
    if (!this.db.readonly) {
      // Leave the file in rollback-journal mode: a WAL database can only be opened by an
      // account that may create its -shm file, so a report or dashboard account that may
      // only read the store could not open it. Fails harmlessly (SQLITE_BUSY) while another
      // connection is open; the last writer to close switches it.
      try {
        this.db.pragma('journal_mode = DELETE');
      } catch {
        // another connection holds it: it will do this when it closes
      }
    }
    this.db.close();
  }
}

/** True when `path` exists and this process may only read it (a report or dashboard account). */
function readOnlyFile(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
  } catch {
    return false; // missing (it is created) or unreadable (opening says why)
  }
  try {
    accessSync(path, constants.W_OK);
    return false;
  } catch {
    return true;
  }
}

let addonPath: string | null | undefined;

/**
 * The compiled addon of better-sqlite3, named to it directly where it usually is, in xalt's
 * own node_modules: found on its own it goes through the `bindings` package, which reads a
 * stack trace and tries a dozen paths (~3 ms of a whole `xalt find`). Null elsewhere (a
 * package manager that placed better-sqlite3 higher up): `bindings` looks then.
 */
function sqliteAddon(): string | null {
  if (addonPath === undefined) {
    const own = fileURLToPath(new URL('../../../../node_modules/better-sqlite3/build/Release/better_sqlite3.node', import.meta.url));
    addonPath = existsSync(own) ? own : null;
  }
  return addonPath;
}

/**
 * Open (creating if needed) the SQLite file at `path`. Read-only when asked (commands that
 * only read: nothing to switch to WAL at open and back at close, which wrote the file and cost
 * a whole `xalt find` ~10 ms), and for a file this account may only read (switching it to WAL
 * would need write access, and fail).
 */
export function openSqlite(path: string, options: { readonly readOnly?: boolean } = {}): SqliteStore {
  const readOnly = options.readOnly === true || readOnlyFile(path);
  const addon = sqliteAddon();
  const db = new Database(path, { timeout: 30_000, readonly: readOnly, ...(addon ? { nativeBinding: addon } : {}) });
  // (a read-only connection writes nothing: how writes are synced, foreign keys checked and
  // the WAL checkpointed does not concern it, and each pragma is a statement to prepare)
  if (!readOnly) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = OFF');
    // Checkpoint every 64 MiB of WAL rather than 4 MiB: a large ingest rewrites the same hot
    // index pages batch after batch, and each checkpoint copies them (with two fsyncs) again.
    // Measured: a third of the commit cost at the default. Readers are unaffected.
    db.pragma('wal_autocheckpoint = 16384');
  }
  // 64 MiB of page cache: ingest updates a dozen indexes per run row; the default 2 MiB
  // re-reads index pages from the OS for every batch once a store holds ~100k runs.
  db.pragma('cache_size = -65536');
  // REGEXP for report naming rules and find patterns; JS regex semantics, full match left to the caller.
  const cache = new Map<string, RegExp>();
  db.function('regexp', { deterministic: true }, (value: unknown, pattern: unknown) => {
    if (typeof value !== 'string' || typeof pattern !== 'string') return 0;
    let re = cache.get(pattern);
    if (!re) {
      re = new RegExp(pattern);
      cache.set(pattern, re);
    }
    return re.test(value) ? 1 : 0;
  });
  return new SqliteStore(db, path);
}
