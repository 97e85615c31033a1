/**
 * Open the store named by a URL or path: `mysql://…` (also `mariadb://…`) for MySQL/MariaDB,
 * anything else is a SQLite file path. The schema is migrated to the latest version unless
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
  /** open a SQLite store read-only (commands that only read; MySQL/MariaDB is unaffected) */
  readonly readOnly?: boolean;
}

/** True when `url` names a MySQL/MariaDB server. */
export function isMysqlUrl(url: string): boolean {
  return /^(mysql|mariadb):\/\//.test(url);
}

/**
 * Open a store; throws a RuntimeError naming the store when it cannot be reached. The driver
 * and the migrations are imported here, when needed: a command on SQLite never loads mysql2
 * (~90 modules), and a read-only command never loads the migrations.
 */
export async function openStore(url: string, options: OpenOptions = {}): Promise<Store> {
  let store: Store;
  try {
    if (isMysqlUrl(url)) {
      const { openMysql } = await import('./mysql/mysql-store.js');
      store = await openMysql(url.replace(/^mariadb:/, 'mysql:'), options.batchStatements === true);
    } else {
      const { openSqlite } = await import('./sqlite/sqlite-store.js');
      store = openSqlite(url, { readOnly: options.readOnly === true });
    }
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
  const where = location.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1@');
  const what = e.code === 'ECONNREFUSED' ? 'connection refused' : e.code === 'ETIMEDOUT' ? 'connection timed out' : (e.message ?? String(err)).split('\n')[0];
  return new RuntimeError('XALT_STORE_UNAVAILABLE', `store ${where}: ${what}`, 'check the --db URL or [store] in the config, and that the database server is running');
}
