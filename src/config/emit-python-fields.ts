/**
 * src/schema → `_xalt_pkg_fields.py` (pure): what the Python hook needs to know of the record
 * contract — the pkg record's members in schema order and the schema version — generated so
 * that the hook's writer can never drift from `serializeRecord`. The hook builds its record
 * template from `PKG_MEMBERS` once per process; a member it has no value for makes it record
 * nothing rather than write records the schema does not describe.
 */
import { pkgFields } from '../schema/pkg-record.js';
import { SCHEMA_VERSION } from '../schema/run-record.js';

/**
 * The generated module's text (committed as python/xalt_hook/_xalt_pkg_fields.py, drift-tested).
 * @example writeFileSync('python/xalt_hook/_xalt_pkg_fields.py', emitPythonFields())
 */
export function emitPythonFields(): string {
  const members = Object.keys(pkgFields);
  const required = members.filter((m) => (pkgFields[m as keyof typeof pkgFields] as { required?: boolean }).required);
  const tuple = (names: string[]) => `(${names.map((m) => `"${m}"`).join(', ')},)`;
  return `# GENERATED from src/schema by xalt's build — do not edit.
"""The pkg record contract for xalt's import hook (src/schema/pkg-record.ts).

PKG_MEMBERS: the members of a pkg record, in the order serializeRecord writes them ("crc"
first); PKG_REQUIRED: those a record must have; SCHEMA_VERSION: the version of xalt's record
extensions (run records carry it in userDT.schema_version).
"""

SCHEMA_VERSION = ${SCHEMA_VERSION}

PKG_MEMBERS = ${tuple(members)}

PKG_REQUIRED = ${tuple(required)}
`;
}
