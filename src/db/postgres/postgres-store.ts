/** PostgreSQL as a shared store, through the pure-JavaScript `pg` client. */
import pg from 'pg';
import type { Queryable, RunResult, SqlValue, Statement, Store } from '../store.js';
import { postgresDialect } from './postgres-dialect.js';

/** Minimal structural view of what we use of a pg client or pool. */
interface Conn {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[]; rowCount: number | null }>;
}

/**
 * The SQL with its `?` placeholders numbered as PostgreSQL wants them (`$1`, `$2`, …); a `?`
 * inside a string literal or a quoted identifier is left alone.
 */
function numberPlaceholders(sql: string): string {
  return placeholderPieces(sql).reduce((out, piece, k) => `${out}$${k}${piece}`);
}

/** A string without NUL characters, which PostgreSQL's text cannot hold (a record carrying one would otherwise fail its batch). */
const withoutNul = (s: string) => (s.includes('\u0000') ? s.replace(/\u0000/g, '') : s);

/** Values as pg sends them: BigInts as their decimal text, strings `withoutNul`. */
const values = (params: readonly SqlValue[]) => params.map((v) => (typeof v === 'bigint' ? v.toString() : typeof v === 'string' ? withoutNul(v) : v));

/**
 * Counts (int8) and sums of integers (numeric) come back as JavaScript numbers, as they do
 * from the other stores: every count and sum xalt reads is far below 2^53.
 */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20 || oid === 1700) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format as 'text');
  },
} as pg.CustomTypesConfig;

class PostgresQueryable implements Queryable {
  readonly dialect = postgresDialect;
  constructor(protected readonly conn: Conn) {}

  async all<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    const r = await this.conn.query(numberPlaceholders(sql), values(params));
    return r.rows as T[];
  }

  /** A statement; its `RETURNING` column (see `Dialect.insertIgnore`) is the inserted row's id. */
  async run(sql: string, params: readonly SqlValue[] = []): Promise<RunResult> {
    return toResult(await this.conn.query(numberPlaceholders(sql), values(params)));
  }

  /**
   * Many statements per round trip: up to 1,000 (about 1 MB) go as one simple-protocol query,
   * their values written in as literals (one round trip each made ingest into PostgreSQL
   * ~10× slower than into SQLite). Every value is a quoted, untyped literal, which PostgreSQL
   * types from its context exactly as it types an untyped `$n` parameter.
   */
  async runBatch(statements: readonly Statement[]): Promise<RunResult[]> {
    const out: RunResult[] = [];
    for (let i = 0; i < statements.length;) {
      const group: string[] = [];
      let size = 0;
      while (i < statements.length && group.length < 1000 && size < 1_000_000) {
        const [sql, params] = statements[i++]!;
        const text = withLiterals(sql, params);
        group.push(text);
        size += text.length;
      }
      const r = (await this.conn.query(group.join(';\n'))) as unknown as PgResult | PgResult[];
      for (const x of Array.isArray(r) ? r : [r]) out.push(toResult(x));
    }
    return out;
  }
}

interface PgResult {
  rows: unknown[];
  rowCount: number | null;
}

/** What `run` reports of a statement: rows changed, and the first column of a `RETURNING` row. */
function toResult(r: PgResult): RunResult {
  const first = r.rows[0] as Record<string, unknown> | undefined;
  const id = first === undefined ? 0 : Number(Object.values(first)[0] ?? 0);
  return { changes: r.rowCount ?? 0, lastInsertId: Number.isFinite(id) ? id : 0 };
}

/**
 * A value as a PostgreSQL literal: NULL, or an escape-string literal (`E'…'`, quotes and
 * backslashes doubled, so the setting of standard_conforming_strings does not matter);
 * bytes as bytea's hex form.
 */
function literal(v: SqlValue): string {
  if (v === null) return 'NULL';
  if (Buffer.isBuffer(v)) return `E'\\\\x${v.toString('hex')}'`;
  const s = typeof v === 'string' ? withoutNul(v) : String(v);
  return `E'${s.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

const pieces = new Map<string, string[]>();

/**
 * The SQL cut at its `?` placeholders (those outside string literals and quoted identifiers).
 * Cached: ingest runs the same few statements thousands of times.
 */
function placeholderPieces(sql: string): string[] {
  let out = pieces.get(sql);
  if (out !== undefined) return out;
  out = [''];
  let quote: string | null = null;
  for (const ch of sql) {
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '?') {
      out.push('');
      continue;
    }
    out[out.length - 1] += ch;
  }
  if (pieces.size > 10_000) pieces.clear();
  pieces.set(sql, out);
  return out;
}

/** The SQL with each placeholder replaced by its value as a literal. */
function withLiterals(sql: string, params: readonly SqlValue[]): string {
  const parts = placeholderPieces(sql);
  let out = parts[0]!;
  for (let k = 1; k < parts.length; k++) out += literal(params[k - 1] ?? null) + parts[k];
  return out;
}

export class PostgresStore extends PostgresQueryable implements Store {
  constructor(private readonly pool: pg.Pool, readonly location: string) {
    super(pool as unknown as Conn);
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await fn(new PostgresQueryable(client as unknown as Conn));
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** The database a URL names, and the same URL naming the server's maintenance database. */
function parsePostgresUrl(url: string): { database: string; maintenance: string; location: string } {
  const u = new URL(url);
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  const location = `postgresql://${u.username ? `${decodeURIComponent(u.username)}@` : ''}${u.hostname || 'localhost'}:${u.port || 5432}/${database}`;
  u.pathname = '/postgres';
  return { database, maintenance: u.toString(), location };
}

/**
 * Open a pool; creates the database if it does not exist (the server user needs that right),
 * unless `create` is false: a command that only reads must not create an empty store.
 */
export async function openPostgres(url: string, create = true): Promise<PostgresStore> {
  const p = parsePostgresUrl(url.replace(/^postgres:/, 'postgresql:'));
  const common = { connectionTimeoutMillis: 10_000, types };
  if (p.database && create) {
    const admin = new pg.Client({ ...common, connectionString: p.maintenance });
    await admin.connect();
    try {
      const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [p.database]);
      if (found.rowCount === 0) {
        await admin.query(`CREATE DATABASE "${p.database.replace(/"/g, '')}" ENCODING 'UTF8' TEMPLATE template0`).catch((err: { code?: string }) => {
          if (err.code !== '42P04') throw err; // duplicate_database: another process created it meanwhile
        });
      }
    } finally {
      await admin.end();
    }
  }
  const pool = new pg.Pool({ ...common, connectionString: url.replace(/^postgres:/, 'postgresql:'), max: 4 });
  // an idle connection the server dropped: the next query reports it, the process must not die of it
  pool.on('error', () => undefined);
  // reach the server now, so an unreachable one fails here with the store's name
  try {
    (await pool.connect()).release();
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw err;
  }
  return new PostgresStore(pool, p.location);
}
