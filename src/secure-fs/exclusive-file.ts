/**
 * Files xalt creates, created the one safe way: `open(O_WRONLY|O_CREAT|O_EXCL|O_NOFOLLOW)`, so
 * a name someone else put there first (a file, a symlink, a FIFO) makes the open fail instead of
 * being written through; the mode is set on the descriptor. A file that replaces another is
 * created under a fresh temporary name beside it and renamed over it (rename replaces a symlink
 * itself, never its target). Callers make sure the directory is theirs (trusted-dir.ts).
 */
import { closeSync, constants, fchmodSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

const NEW_FILE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/** Create `path` (it must not exist) holding `data`, with `mode`. Throws EEXIST if anything is there. */
export function writeNewFile(path: string, data: string | Buffer, mode: number): void {
  const fd = openSync(path, NEW_FILE, mode & 0o777);
  let ok = false;
  try {
    fchmodSync(fd, mode); // whatever the umask took away
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    for (let off = 0; off < bytes.length;) off += writeSync(fd, bytes, off, bytes.length - off);
    ok = true;
  } finally {
    closeSync(fd);
    if (!ok) try { unlinkSync(path); } catch { /* already gone */ }
  }
}

/**
 * Create a new file in `dir` named `name`, or `name.1`, `name.2`, … when that name is taken
 * (never overwriting anything). Returns the path written.
 */
export function writeNewFileUnique(dir: string, name: string, data: string | Buffer, mode: number): string {
  for (let n = 0; ; n++) {
    const path = join(dir, n === 0 ? name : `${name}.${n}`);
    try {
      writeNewFile(path, data, mode);
      return path;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || n >= 99) throw err;
    }
  }
}

/** Replace `path` with `data` atomically: a new temporary file beside it, renamed over it. */
export function replaceFile(path: string, data: string | Buffer, mode: number): void {
  const tmp = join(dirname(path), `.${basename(path)}.new.${process.pid}.${randomBytes(4).toString('hex')}`);
  writeNewFile(tmp, data, mode);
  try {
    renameSync(tmp, path);
  } catch (err) {
    try { unlinkSync(tmp); } catch { /* gone */ }
    throw err;
  }
}
