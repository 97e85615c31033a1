/**
 * The link record (`link.*.json`), XALT 3 format, plus
 * xalt's extensions inside `resultT`.
 */
import type { FieldTable, RecordOf } from './field-types.js';

export const linkFields = {
  crc: { type: 'string', required: true, description: 'CRC-16/CCITT-FALSE, as in run records' },
  resultT: { type: 'stringTable', required: true, description: 'facts about the link (see linkResultT)' },
  linkA: { type: 'pairArray', required: true, description: 'files the linker used: [path, "0"]' },
  function: { type: 'stringArray', description: 'functions resolved from module libraries (function tracking)' },
  link_line: { type: 'stringArray', description: "the compiler's argv" },
} as const satisfies FieldTable;

/** Keys of `resultT`; all values are strings. */
export const linkResultT = {
  uuid: { type: 'string', required: true, description: 'Build_UUID, also embedded in the watermark' },
  link_program: { type: 'string', required: true, description: 'compiler detected, e.g. gcc or mpicc(gcc)' },
  link_path: { type: 'string', description: "compiler executable path ('<compiler>:<path>' for MPI wrappers)" },
  build_user: { type: 'string', required: true, description: 'user who linked' },
  build_epoch: { type: 'string', required: true, description: 'link time, seconds since the epoch (%.4f)' },
  exec_path: { type: 'string', required: true, description: 'absolute path of the output' },
  hash_id: { type: 'string', description: 'SHA-1 of the output' },
  wd: { type: 'string', description: 'working directory of the link' },
  build_syshost: { type: 'string', required: true, description: 'cluster name' },
  build_host: { type: 'string', description: 'host name' },
  // xalt extensions
  build_id: { type: 'string', extension: true, description: 'ELF build-id of the output, hex, or empty' },
  link_source: { type: 'string', extension: true, description: 'wrapper (the ld wrapper) or collector (a link that bypassed it)' },
  shared: { type: 'string', extension: true, description: '"yes" for a shared library' },
} as const satisfies FieldTable;

export type LinkResultT = RecordOf<typeof linkResultT>;
export type LinkRecord = Omit<RecordOf<typeof linkFields>, 'resultT'> & { resultT: LinkResultT & Record<string, string> };
