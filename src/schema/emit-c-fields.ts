/**
 * The record schema as a C header (pure): X-macro lists of each record table's members in
 * emitted order, a string constant per member name, and the schema version. The C writers
 * (native/src/record.c, native/src/link_record.c) and the shipper (native/ship/records.c)
 * include it instead of keeping their own copies, so a member added to or renamed in
 * src/schema/ fails the C build until the writers follow it.
 */
import type { FieldTable } from './field-types.js';
import { linkFields, linkResultT } from './link-record.js';
import { pkgFields } from './pkg-record.js';
import { runFields, runUserDT, runUserT, SCHEMA_VERSION } from './run-record.js';

/** The tables the header describes: C name → schema table. */
const TABLES: readonly (readonly [string, FieldTable])[] = [
  ['run', runFields],
  ['run_userT', runUserT],
  ['run_userDT', runUserDT],
  ['link', linkFields],
  ['link_resultT', linkResultT],
  ['pkg', pkgFields],
];

const isCName = (s: string) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(s);

function xList(table: string, fields: FieldTable): string {
  const names = Object.keys(fields);
  for (const n of names) if (!isCName(n)) throw new Error(`src/schema: member ${JSON.stringify(n)} of ${table} is not a C identifier`);
  return `#define XALT_${table.toUpperCase()}_MEMBERS(X) \\\n${names.map((n) => `  X(${n})`).join(' \\\n')}\n`;
}

function keyConstants(table: string, fields: FieldTable): string {
  return Object.keys(fields).map((n) => `#define XALT_KEY_${table}_${n} "${n}"\n`).join('');
}

/**
 * The text of native/gen/record_fields.h.
 * @example writeFileSync('native/gen/record_fields.h', emitRecordFieldsH())
 */
export function emitRecordFieldsH(): string {
  const parts = [
    `/*
 * record_fields.h — GENERATED from src/schema/ (run-record.ts, link-record.ts, pkg-record.ts)
 * by src/schema/emit-c-fields.ts; do not edit. Regenerate:
 *   node -e "import('./dist/src/config/write-generated.js').then((m) => m.writeCommitted())"
 *
 * XALT_<TABLE>_MEMBERS(X) calls X(name) for each member of a record table, in the order the
 * record is written. XALT_KEY(table, name) is the member's name as a string, and does not
 * compile for a name the schema does not have.
 */
#ifndef XALT_RECORD_FIELDS_H
#define XALT_RECORD_FIELDS_H

/* userDT.schema_version: the version of xalt's extensions. */
#define XALT_SCHEMA_VERSION ${SCHEMA_VERSION}

#define XALT_KEY(table, name) XALT_KEY_##table##_##name
`,
  ];
  for (const [table, fields] of TABLES) parts.push(`\n/* ${table} */\n${xList(table, fields)}${keyConstants(table, fields)}`);
  parts.push('\n#endif\n');
  return parts.join('');
}
