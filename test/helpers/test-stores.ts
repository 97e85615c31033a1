/**
 * Run the same test body against every store kind: a temp-file SQLite always, a freshly
 * created MariaDB/MySQL database when XALT_TEST_MYSQL_URL is set, and a freshly created
 * PostgreSQL database when XALT_TEST_PG_URL is set (`.ci/run` sets both). Each store is
 * dropped afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { migrate } from '../../src/db/migrations/migrations.js';
import { openStore } from '../../src/db/open-store.js';
import { parseMysqlUrl } from '../../src/db/mysql/mysql-store.js';
import type { Store } from '../../src/db/store.js';

export type StoreKind = 'sqlite' | 'mysql' | 'postgres';

export interface TestStore {
  readonly kind: StoreKind;
  /** the URL or path, for passing to the CLI as --db */
  readonly url: string;
  readonly store: Store;
}

/** The environment variable naming each database server the tests may use. */
const SERVER_URL = { mysql: 'XALT_TEST_MYSQL_URL', postgres: 'XALT_TEST_PG_URL' } as const;

let counter = 0;

/** Open `url` migrated to the latest schema, or to schema `version`. */
async function openAt(url: string, version: number | undefined): Promise<Store> {
  if (version === undefined) return openStore(url);
  const store = await openStore(url, { migrate: false });
  await migrate(store, { to: version });
  return store;
}

/** Drop database `name` on the server at `base`. */
export async function dropDatabase(kind: 'mysql' | 'postgres', base: string, name: string): Promise<void> {
  if (kind === 'mysql') {
    const p = parseMysqlUrl(base);
    const admin = await mysql.createConnection({ host: p.host, port: p.port, user: p.user, password: p.password });
    await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await admin.end();
    return;
  }
  const url = new URL(base);
  url.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.end();
}

/**
 * A new empty store of `kind`, migrated (to `schema` if given, else the latest); `drop()`
 * closes and removes it.
 */
export async function createTestStore(kind: StoreKind, schema?: number): Promise<TestStore & { drop(): Promise<void> }> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'xalt-store-'));
    const url = join(dir, 'xalt.db');
    const store = await openAt(url, schema);
    return { kind, url, store, drop: async () => { await store.close(); rmSync(dir, { recursive: true, force: true }); } };
  }
  const base = process.env[SERVER_URL[kind]];
  if (!base) throw new Error(`${SERVER_URL[kind]} is not set`);
  const name = `xalt_test_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  const url = new URL(base);
  url.pathname = `/${name}`;
  const store = await openAt(url.toString(), schema);
  return {
    kind, url: url.toString(), store,
    drop: async () => {
      await store.close();
      await dropDatabase(kind, base, name);
    },
  };
}

/** Whether database `name` exists on the server at `base`. */
export async function databaseExists(kind: 'mysql' | 'postgres', base: string, name: string): Promise<boolean> {
  if (kind === 'mysql') {
    const p = parseMysqlUrl(base);
    const admin = await mysql.createConnection({ host: p.host, port: p.port, user: p.user, password: p.password });
    try {
      const [rows] = await admin.query('SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [name]);
      return (rows as unknown[]).length > 0;
    } finally {
      await admin.end();
    }
  }
  const url = new URL(base);
  url.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    return ((await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount ?? 0) > 0;
  } finally {
    await admin.end();
  }
}

/** The store kinds available to this test run. */
export function storeKinds(): StoreKind[] {
  return ['sqlite', ...(['mysql', 'postgres'] as const).filter((k) => process.env[SERVER_URL[k]])];
}

/** Declare `name` once per store kind; `fn` gets a fresh store, dropped afterwards. */
export function testEachStore(name: string, fn: (s: TestStore, t: TestContext) => Promise<void>): void {
  for (const kind of storeKinds()) {
    test(`${name} [${kind}]`, async (t) => {
      const s = await createTestStore(kind);
      try {
        await fn(s, t);
      } finally {
        await s.drop();
      }
    });
  }
}
