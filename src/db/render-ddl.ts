/**
 * Render DDL for one database from `schema-tables.ts`: the tables as of a schema version, and
 * the statements that take a store from the version before to that version.
 */
import type { DialectName } from './store.js';
import { indexSpec, type Column, type Table } from './schema-tables.js';

function columnType(col: Column, db: DialectName): string {
  if (col.type === 'id') return db === 'sqlite' ? 'INTEGER PRIMARY KEY AUTOINCREMENT' : 'BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY';
  if (db === 'sqlite') {
    if (col.type === 'int' || col.type === 'bigint') return 'INTEGER';
    if (col.type === 'double') return 'REAL';
    return 'TEXT';
  }
  switch (col.type) {
    case 'int': return 'INT';
    case 'bigint': return 'BIGINT';
    case 'double': return 'DOUBLE';
    case 'text': return 'MEDIUMTEXT';
    default: return col.type.toUpperCase();
  }
}

function columnDdl(col: Column, db: DialectName): string {
  const q = quote(col.name, db);
  if (col.type === 'id') return `${q} ${columnType(col, db)}`;
  const notNull = col.notNull ? ' NOT NULL' : '';
  const dflt = col.default === undefined ? '' : ` DEFAULT ${typeof col.default === 'number' ? col.default : `'${col.default}'`}`;
  return `${q} ${columnType(col, db)}${notNull}${dflt}`;
}

/** Quote an identifier (`user` and `queue` are keywords in some databases). */
export function quote(name: string, db: DialectName): string {
  return db === 'mysql' ? `\`${name}\`` : `"${name}"`;
}

const since = (x: { since?: number }) => x.since ?? 1;

/** The index's name: MySQL caps identifiers at 64 characters, and covering indexes list many columns. */
function indexName(table: Table, cols: readonly string[]): string {
  const full = `ix_${table.name}_${cols.join('_')}`;
  return full.length > 64 ? `ix_${table.name}_${cols[0]}_cover` : full;
}

function createIndex(table: Table, cols: readonly string[], db: DialectName): string {
  const name = quote(indexName(table, cols), db);
  const list = cols.map((k) => (db === 'mysql' && isLongVarchar(table, k) ? `${quote(k, db)}(191)` : quote(k, db))).join(', ');
  return db === 'sqlite' ? `CREATE INDEX IF NOT EXISTS ${name} ON ${quote(table.name, db)} (${list})` : `CREATE INDEX ${name} ON ${quote(table.name, db)} (${list})`;
}

function dropIndex(table: Table, cols: readonly string[], db: DialectName): string {
  const name = quote(indexName(table, cols), db);
  return db === 'sqlite' ? `DROP INDEX IF EXISTS ${name}` : `DROP INDEX ${name} ON ${quote(table.name, db)}`;
}

/** Statements that create `table` and its indexes as of schema `version` (default: the latest). */
function renderTable(table: Table, db: DialectName, version = Infinity): string[] {
  const parts = table.columns.filter((col) => since(col) <= version).map((col) => columnDdl(col, db));
  if (table.primaryKey) parts.push(`PRIMARY KEY (${table.primaryKey.map((k) => quote(k, db)).join(', ')})`);
  for (const u of table.unique ?? []) parts.push(`CONSTRAINT ${quote(`uq_${table.name}_${u.join('_')}`, db)} UNIQUE (${u.map((k) => quote(k, db)).join(', ')})`);
  // SQLite: a table keyed by a composite primary key is stored clustered on it (WITHOUT ROWID),
  // one B-tree fewer per inserted join row — ingest writes hundreds of thousands of them.
  const tail = db === 'mysql' ? ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin' : table.primaryKey ? ' WITHOUT ROWID' : '';
  const create = `CREATE TABLE IF NOT EXISTS ${quote(table.name, db)} (\n  ${parts.join(',\n  ')}\n)${tail}`;
  const indexes = (table.indexes ?? []).map(indexSpec)
    .filter((ix) => ix.since <= version && (ix.until === undefined || ix.until > version))
    .map((ix) => createIndex(table, ix.columns, db));
  return [create, ...indexes];
}

/**
 * The statements that bring a store from schema `version - 1` to `version`: new tables, new
 * columns (appended), dropped indexes, then new indexes. Each is safe to run again.
 */
export function renderSchemaChanges(tables: readonly Table[], db: DialectName, version: number): string[] {
  const out: string[] = [];
  for (const table of tables) {
    if (since(table) === version) {
      out.push(...renderTable(table, db, version));
      continue;
    }
    if (since(table) > version) continue;
    for (const col of table.columns.filter((x) => since(x) === version)) out.push(`ALTER TABLE ${quote(table.name, db)} ADD COLUMN ${columnDdl(col, db)}`);
    const indexes = (table.indexes ?? []).map(indexSpec);
    for (const ix of indexes.filter((x) => x.until === version)) out.push(dropIndex(table, ix.columns, db));
    for (const ix of indexes.filter((x) => x.since === version)) out.push(createIndex(table, ix.columns, db));
  }
  return out;
}

function isLongVarchar(table: Table, col: string): boolean {
  const t = table.columns.find((c) => c.name === col)?.type ?? '';
  const m = /^varchar\((\d+)\)$/.exec(t);
  return m !== null && Number(m[1]) > 191;
}
