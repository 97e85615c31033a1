/** The record contract: schemas, types, validation, the writer and file naming. */
export * from './field-types.js';
export * from './run-record.js';
export * from './link-record.js';
export * from './pkg-record.js';
export * from './crc16.js';
export * from './serialize.js';
export * from './uuid7.js';
export * from './spool-layout.js';
export * from './validate.js';
export * from './plausible.js';
export * from './redact.js';
