/**
 * Writes records into the spool as root on behalf of a job's user, safely: the spool is
 * world-writable (sticky), so any directory in it may have been planted by a user. Every
 * directory we use is checked with lstat (a real directory, not a symlink), files are
 * created with O_EXCL|O_NOFOLLOW under a temporary name, given to the user, and renamed
 * into place (a reader never sees half a record; re-running replaces, never duplicates).
 */
import { chownSync, closeSync, constants, fchownSync, lstatSync, mkdirSync, openSync, renameSync, unlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';

/** Who a written file or created directory belongs to. */
export interface Owner {
  readonly uid: number;
  readonly gid: number;
}

const CREATE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/** Directory modes: spool directories are sticky and world-writable; `home` ones private. */
export interface SpoolWriterOptions {
  readonly prefix: string;
  readonly dirMode: number;
  /** give files (and, with `home`, directories) to their owner: only possible as root */
  readonly chown: boolean;
  /** owner of directories we create: undefined leaves them to us (root, in the spool) */
  readonly dirOwner?: Owner;
}

/** Writes record files below one spool prefix, creating each directory once. */
export class SpoolWriter {
  private readonly checked = new Set<string>();

  constructor(private readonly opts: SpoolWriterOptions) {}

  /** Does `dir/name` already exist (as anything)? */
  exists(dir: string, name: string): boolean {
    try {
      lstatSync(join(this.opts.prefix, dir, name));
      return true;
    } catch {
      return false;
    }
  }

  /** Write `data` as `<prefix>/<dir>/<name>` atomically, owned by `owner` when chowning. */
  write(dir: string, name: string, data: string | Uint8Array, owner: Owner): void {
    const target = this.ensureDir(dir);
    const tmp = join(target, `.${name}.new`);
    let fd: number;
    try {
      fd = openSync(tmp, CREATE, 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      unlinkSync(tmp); // leftover of an interrupted run; unlink never follows a symlink
      fd = openSync(tmp, CREATE, 0o600);
    }
    try {
      writeFileSync(fd, data);
      if (this.opts.chown) fchownSync(fd, owner.uid, owner.gid);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, join(target, name));
  }

  /** Create `<prefix>/<dir>` level by level; refuse anything that is not a real directory. */
  private ensureDir(dir: string): string {
    let path = this.opts.prefix;
    for (const part of ['', ...dir.split('/').filter(Boolean)]) {
      path = part ? join(path, part) : path;
      if (this.checked.has(path)) continue;
      try {
        mkdirSync(path, { mode: this.opts.dirMode });
        chmodSync(path, this.opts.dirMode); // the umask must not take the sticky/world bits
        const o = this.opts.dirOwner;
        if (o && this.opts.chown) chownSync(path, o.uid, o.gid);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const st = lstatSync(path);
      if (!st.isDirectory()) throw new Error(`${path}: not a directory (a symlink?); refusing to write there`);
      this.checked.add(path);
    }
    return path;
  }
}
