/**
 * The package record (`pkg.*.json`), XALT 3 format: a
 * flat object. XALT put the interpreter's version in `package_version`; xalt puts the
 * package's own version there and the interpreter's in `program_version`.
 */
import type { FieldTable, RecordOf } from './field-types.js';

export const pkgFields = {
  crc: { type: 'string', required: true, description: 'CRC-16/CCITT-FALSE, as in run records' },
  program: { type: 'string', required: true, description: 'python, R or MATLAB' },
  xalt_run_uuid: { type: 'string', required: true, description: 'run the import happened in' },
  package_version: { type: 'string', description: 'version of the package (XALT: of the interpreter)' },
  package_name: { type: 'string', required: true, description: 'top-level package name' },
  package_path: { type: 'string', description: 'where it was imported from' },
  // xalt extensions
  program_version: { type: 'string', extension: true, description: 'interpreter version' },
  job_id: { type: 'string', extension: true, description: 'scheduler job id, so the epilog can find it' },
  import_time: { type: 'string', extension: true, description: 'seconds since the epoch of the first import' },
} as const satisfies FieldTable;

export type PkgRecord = RecordOf<typeof pkgFields>;
