/** Render `CREATE TABLE`/`CREATE INDEX` statements for one database from `schema-tables.ts`. */
import type { DialectName } from './store.js';
import type { Column, Table } from './schema-tables.js';

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

/** Statements that create `table` and its indexes if they do not exist. */
export function renderTable(table: Table, db: DialectName): string[] {
  const parts = table.columns.map((col) => columnDdl(col, db));
  if (table.primaryKey) parts.push(`PRIMARY KEY (${table.primaryKey.map((k) => quote(k, db)).join(', ')})`);
  for (const u of table.unique ?? []) parts.push(`CONSTRAINT ${quote(`uq_${table.name}_${u.join('_')}`, db)} UNIQUE (${u.map((k) => quote(k, db)).join(', ')})`);
  // SQLite: a table keyed by a composite primary key is stored clustered on it (WITHOUT ROWID),
  // one B-tree fewer per inserted join row — ingest writes hundreds of thousands of them.
  const tail = db === 'mysql' ? ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin' : table.primaryKey ? ' WITHOUT ROWID' : '';
  const create = `CREATE TABLE IF NOT EXISTS ${quote(table.name, db)} (\n  ${parts.join(',\n  ')}\n)${tail}`;
  const indexes = (table.indexes ?? []).map((cols) => {
    const full = `ix_${table.name}_${cols.join('_')}`;
    // MySQL caps identifiers at 64 characters; covering indexes list many columns
    const name = quote(full.length > 64 ? `ix_${table.name}_${cols[0]}_cover` : full, db);
    const list = cols.map((k) => (db === 'mysql' && isLongVarchar(table, k) ? `${quote(k, db)}(191)` : quote(k, db))).join(', ');
    return db === 'sqlite' ? `CREATE INDEX IF NOT EXISTS ${name} ON ${quote(table.name, db)} (${list})` : `CREATE INDEX ${name} ON ${quote(table.name, db)} (${list})`;
  });
  return [create, ...indexes];
}

function isLongVarchar(table: Table, col: string): boolean {
  const t = table.columns.find((c) => c.name === col)?.type ?? '';
  const m = /^varchar\((\d+)\)$/.exec(t);
  return m !== null && Number(m[1]) > 191;
}
