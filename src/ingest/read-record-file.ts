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

function quarantine(file: SpoolFile, size: number, mtime: number, reason: 'unreadable' | 'not_a_file' | 'too_large', detail: string): FileResult {
  return { file, size, mtime, outcome: { status: 'quarantine', reason, detail } };
}

function readAll(fd: number, size: number): Buffer {
  const buf = Buffer.allocUnsafe(size);
  let off = 0;
  while (off < size) {
    const n = readSync(fd, buf, off, size - off, off);
    if (n === 0) break; // shrank while we read: take what is there
    off += n;
  }
  return off === size ? buf : buf.subarray(0, off);
}

/** Read and interpret `file`. Never throws for problems with the file itself. */
export function readRecordFile(file: SpoolFile, ctx: ReadContext): FileResult {
  let fd: number;
  try {
    fd = openSync(file.abs, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') return quarantine(file, 0, 0, 'not_a_file', 'a symbolic link, not a record file');
    return quarantine(file, 0, 0, 'unreadable', (err as Error).message);
  }
  try {
    const st = fstatSync(fd);
    const mtime = st.mtimeMs / 1000;
    if (!st.isFile()) return quarantine(file, 0, mtime, 'not_a_file', 'not a regular file');
    if (st.size > ctx.maxFileSize) return quarantine(file, st.size, mtime, 'too_large', `${st.size} bytes, over the ${ctx.maxFileSize}-byte limit; not read`);
    const text = readAll(fd, st.size).toString('utf8');
    if (!file.kind) {
      return { file, size: st.size, mtime, text, outcome: { status: 'quarantine', reason: 'unknown_name', detail: 'not a run., link. or pkg. record file name' } };
    }
    const owner = { uid: st.uid, name: ctx.users.nameOf(st.uid), nameUser: file.nameUser };
    const outcome = interpretRecord(file.kind, text, owner, ctx);
    const keep = outcome.status === 'quarantine' || (outcome.status === 'record' && outcome.ownerMismatch);
    return keep ? { file, size: st.size, mtime, outcome, text } : { file, size: st.size, mtime, outcome };
  } catch (err) {
    return quarantine(file, 0, 0, 'unreadable', (err as Error).message);
  } finally {
    closeSync(fd);
  }
}
