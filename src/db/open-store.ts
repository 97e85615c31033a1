/**
 * Open the store named by a URL or path: `mysql://…` (also `mariadb://…`) for MySQL/MariaDB,
 * `postgresql://…` (also `postgres://…`) for PostgreSQL, anything else is a SQLite file path. The schema is migrated to the latest version unless
 * `migrate: false`.
 */
import { RuntimeError } from '../errors.js';
import type { Store } from './store.js';

export interface OpenOptions {
  /** apply pending migrations (default true) */
  readonly migrate?: boolean;
  /**
   * Let `runBatch` send many statements per round trip (MySQL multi-statement queries).
   * Off by default so that stores opened by read-only paths (reports, the dashboard) keep
   * the driver's single-statement guard; ingest turns it on.
   */
  readonly batchStatements?: boolean;
  /** commands that only read: a SQLite file is opened read-only, a server's missing database is not created */
  readonly readOnly?: boolean;
  /** create a server's database when it does not exist (default true; never when `readOnly`) */
  readonly create?: boolean;
}

/** True when `url` names a MySQL/MariaDB server. */
function isMysqlUrl(url: string): boolean {
  return /^(mysql|mariadb):\/\//.test(url);
}

const creates = (o: OpenOptions): boolean => o.create !== false && o.readOnly !== true;

/** True when `url` names a PostgreSQL server. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

/** True when `location` is a SQLite file path rather than a database server's URL. */
export function isSqlitePath(location: string): boolean {
  return !isMysqlUrl(location) && !isPostgresUrl(location);
}

/**
 * The driver of `url`, imported when needed: a command on SQLite never loads mysql2 (~90
 * modules) or pg.
 */
async function openAny(url: string, options: OpenOptions): Promise<Store> {
  if (isMysqlUrl(url)) {
    const { openMysql } = await import('./mysql/mysql-store.js');
    return openMysql(url.replace(/^mariadb:/, 'mysql:'), options.batchStatements === true, creates(options));
  }
  if (isPostgresUrl(url)) {
    const { openPostgres } = await import('./postgres/postgres-store.js');
    return openPostgres(url, creates(options));
  }
  const { openSqlite } = await import('./sqlite/sqlite-store.js');
  return openSqlite(url, { readOnly: options.readOnly === true });
}

/**
 * Open a store; throws a RuntimeError naming the store when it cannot be reached. The
 * migrations are imported only when asked for: a read-only command never loads them.
 */
export async function openStore(url: string, options: OpenOptions = {}): Promise<Store> {
  let store: Store;
  try {
    store = await openAny(url, options);
  } catch (err) {
    throw storeError(url, err);
  }
  if (options.migrate !== false) {
    try {
      const { migrate: applyMigrations } = await import('./migrations/migrations.js');
      await applyMigrations(store);
    } catch (err) {
      await store.close().catch(() => undefined);
      throw storeError(store.location, err);
    }
  }
  return store;
}

/** A one-line error for a store that cannot be opened or used. */
export function storeError(location: string, err: unknown): RuntimeError {
  const e = err as { code?: string; message?: string };
  const where = location.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1@');
  const what = e.code === 'ECONNREFUSED' ? 'connection refused' : e.code === 'ETIMEDOUT' ? 'connection timed out' : (e.message ?? String(err)).split('\n')[0];
  return new RuntimeError('XALT_STORE_UNAVAILABLE', `store ${where}: ${what}`, 'check the --db URL or [store] in the config, and that the database server is running');
}
