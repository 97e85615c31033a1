/**
 * Read one record file and interpret it (the per-file work of ingest, run in parser workers or
 * inline). Opens with O_NOFOLLOW and checks the open descriptor, so a symlink planted in the
 * world-writable spool cannot make a root ingester read another file, and size and owner are
 * those of the bytes actually read. A file over the size limit is never read.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { interpretRecord, type InterpretContext, type Outcome } from './interpret.js';
import type { SpoolFile } from './spool-walk.js';
import type { UserNames } from './user-names.js';

/** Default largest record file read: far above any real record (they are KiBs to a few MiB). */
export const DEFAULT_MAX_FILE_SIZE = 64 * 1024 * 1024;

export interface FileResult {
  readonly file: SpoolFile;
  readonly size: number;
  readonly mtime: number;
  readonly outcome: Outcome;
  /** the text, kept for quarantined files so a copy can be stored (not for huge files) */
  readonly text?: string;
}

export interface ReadContext extends InterpretContext {
  readonly users: UserNames;
  readonly maxFileSize: number;
}

/** A file's bytes and what fstat said, or why it was not read. */
type RawFile =
  /** `bytes`: valid until the next file is read (a shared buffer) */
  | { readonly ok: true; readonly size: number; readonly mtime: number; readonly uid: number; readonly bytes: Buffer }
  | { readonly ok: false; readonly size: number; readonly mtime: number; readonly reason: 'unreadable' | 'not_a_file' | 'too_large'; readonly detail: string };

function notRead(size: number, mtime: number, reason: 'unreadable' | 'not_a_file' | 'too_large', detail: string): RawFile {
  return { ok: false, size, mtime, reason, detail };
}

/**
 * Where files are read: one buffer per thread, reused (a file's bytes are decoded and checked
 * before the next file is read, and never kept); a larger file gets its own.
 */
const scratch = Buffer.allocUnsafe(256 * 1024);

function readAll(fd: number, size: number): Buffer {
  const buf = size <= scratch.length ? scratch : Buffer.allocUnsafe(size);
  let off = 0;
  while (off < size) {
    const n = readSync(fd, buf, off, size - off, off);
    if (n === 0) break; // shrank while we read: take what is there
    off += n;
  }
  return buf.subarray(0, off);
}

/** Open (never following a symlink), check and read the file at `abs`. Never throws. */
function readRawFile(abs: string, maxFileSize: number): RawFile {
  let fd: number;
  try {
    fd = openSync(abs, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') return notRead(0, 0, 'not_a_file', 'a symbolic link, not a record file');
    return notRead(0, 0, 'unreadable', (err as Error).message);
  }
  try {
    const st = fstatSync(fd);
    const mtime = st.mtimeMs / 1000;
    if (!st.isFile()) return notRead(0, mtime, 'not_a_file', 'not a regular file');
    if (st.size > maxFileSize) return notRead(st.size, mtime, 'too_large', `${st.size} bytes, over the ${maxFileSize}-byte limit; not read`);
    return { ok: true, size: st.size, mtime, uid: st.uid, bytes: readAll(fd, st.size) };
  } catch (err) {
    return notRead(0, 0, 'unreadable', (err as Error).message);
  } finally {
    closeSync(fd);
  }
}

/** Interpret what reading `file` gave. Never throws for problems with the file itself. */
function interpretRawFile(file: SpoolFile, raw: RawFile, ctx: ReadContext): FileResult {
  if (!raw.ok) return { file, size: raw.size, mtime: raw.mtime, outcome: { status: 'quarantine', reason: raw.reason, detail: raw.detail } };
  const { size, mtime } = raw;
  try {
    const text = raw.bytes.toString('utf8');
    if (!file.kind) {
      return { file, size, mtime, text, outcome: { status: 'quarantine', reason: 'unknown_name', detail: 'not a run., link. or pkg. record file name' } };
    }
    const owner = { uid: raw.uid, name: ctx.users.nameOf(raw.uid), nameUser: file.nameUser };
    const outcome = interpretRecord(file.kind, text, owner, ctx, raw.bytes);
    const keep = outcome.status === 'quarantine' || (outcome.status === 'record' && outcome.ownerMismatch);
    return keep ? { file, size, mtime, outcome, text } : { file, size, mtime, outcome };
  } catch (err) {
    return { file, size: 0, mtime: 0, outcome: { status: 'quarantine', reason: 'unreadable', detail: (err as Error).message } };
  }
}

/** Read and interpret `file`. Never throws for problems with the file itself. */
export function readRecordFile(file: SpoolFile, ctx: ReadContext): FileResult {
  return interpretRawFile(file, readRawFile(file.abs, ctx.maxFileSize), ctx);
}
