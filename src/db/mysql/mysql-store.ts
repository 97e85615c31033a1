/** The shared store for large sites: MySQL or MariaDB through mysql2. */
import mysql from 'mysql2/promise';
import type { Queryable, RunResult, SqlValue, Statement, Store } from '../store.js';
import { mysqlDialect } from './mysql-dialect.js';

/** Minimal structural view of what we use of a mysql2 connection. */
interface Conn {
  query(sql: string, params?: unknown[]): Promise<[unknown, unknown]>;
}

function toResult(r: unknown): RunResult {
  const h = r as { affectedRows?: number; insertId?: number };
  return { changes: h.affectedRows ?? 0, lastInsertId: h.insertId ?? 0 };
}

class MysqlQueryable implements Queryable {
  readonly dialect = mysqlDialect;
  /** `multi`: the connection accepts multi-statement queries (see OpenOptions.batchStatements) */
  constructor(protected readonly conn: Conn, protected readonly multi: boolean) {}
  async all<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    const [rows] = await this.conn.query(sql, [...params]);
    return rows as T[];
  }
  async run(sql: string, params: readonly SqlValue[] = []): Promise<RunResult> {
    const [r] = await this.conn.query(sql, [...params]);
    return toResult(r);
  }

  /** Statements go as multi-statement queries (values escaped by the driver), ~1 MB each. */
  async runBatch(statements: readonly Statement[]): Promise<RunResult[]> {
    const out: RunResult[] = [];
    if (!this.multi) {
      for (const [sql, params] of statements) out.push(await this.run(sql, params));
      return out;
    }
    for (let i = 0; i < statements.length;) {
      const group: Statement[] = [];
      let size = 0;
      while (i < statements.length && group.length < 1000 && size < 1_000_000) {
        const st = statements[i++]!;
        group.push(st);
        size += st[0].length + st[1].reduce<number>((n, v) => n + (typeof v === 'string' ? v.length : 8), 0);
      }
      const [r] = await this.conn.query(group.map(([sql]) => sql).join(';\n'), group.flatMap(([, p]) => [...p]));
      const results = group.length === 1 ? [r] : (r as unknown[]);
      for (const x of results) out.push(toResult(x));
    }
    return out;
  }
}

export class MysqlStore extends MysqlQueryable implements Store {
  constructor(private readonly pool: mysql.Pool, readonly location: string, multi: boolean) {
    super(pool as unknown as Conn, multi);
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const conn = await this.pool.getConnection();
    try {
      await conn.beginTransaction();
      const result = await fn(new MysqlQueryable(conn as unknown as Conn, this.multi));
      await conn.commit();
      return result;
    } catch (err) {
      await conn.rollback().catch(() => undefined);
      throw err;
    } finally {
      conn.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** Parts of a `mysql://user:pass@host:port/db` URL. */
export interface MysqlUrl {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

export function parseMysqlUrl(url: string): MysqlUrl {
  const u = new URL(url);
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 3306,
    user: decodeURIComponent(u.username || 'root'),
    password: decodeURIComponent(u.password),
    database: decodeURIComponent(u.pathname.replace(/^\//, '')),
  };
}

/**
 * Open a pool; creates the database if it does not exist (the server user needs that right),
 * unless `create` is false: a command that only reads must not create an empty store.
 */
export async function openMysql(url: string, multipleStatements = false, create = true): Promise<MysqlStore> {
  const p = parseMysqlUrl(url);
  const common = { host: p.host, port: p.port, user: p.user, password: p.password, connectTimeout: 10_000, supportBigNumbers: true, bigNumberStrings: false, charset: 'utf8mb4_bin' };
  if (p.database && create) {
    const admin = await mysql.createConnection(common);
    try {
      await admin.query(`CREATE DATABASE IF NOT EXISTS \`${p.database.replace(/`/g, '')}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
    } finally {
      await admin.end();
    }
  }
  const pool = mysql.createPool({ ...common, database: p.database || undefined, connectionLimit: 4, waitForConnections: true, multipleStatements });
  // GROUP_CONCAT results are cut at 1,024 bytes by default, silently: reports list each job's
  // library sets with it (src/report/library-usage.ts). Queued before the connection's first query.
  pool.on('connection', (conn) => { conn.query('SET SESSION group_concat_max_len = 4294967295'); });
  const location = `mysql://${p.user}@${p.host}:${p.port}/${p.database}`;
  return new MysqlStore(pool, location, multipleStatements);
}
