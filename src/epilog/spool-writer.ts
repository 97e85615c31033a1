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
  /** create the prefix itself when missing (a user's ~/.xalt.d); a spool prefix must exist */
  readonly createPrefix?: boolean;
}

/** A name that stays inside its directory: no "/", no NUL, not "." or "..", not hidden. */
export function isPlainFileName(name: string): boolean {
  return name.length > 0 && !name.startsWith('.') && !/[/\0]/.test(name);
}

/** Writes record files below one spool prefix, creating each directory once. */
export class SpoolWriter {
  private readonly checked = new Set<string>();

  constructor(private readonly opts: SpoolWriterOptions) {}

  /** Throws unless the spool prefix is a directory (or will be created: `createPrefix`). */
  checkPrefix(): void {
    if (this.opts.createPrefix) return;
    let ok = false;
    try {
      ok = lstatSync(this.opts.prefix).isDirectory();
    } catch {
      // not there
    }
    if (!ok) throw new Error(`spool ${this.opts.prefix} is not a directory`);
  }

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
    // Names are built from what users wrote; as root, a "/" would write anywhere.
    if (!isPlainFileName(name)) throw new Error(`${JSON.stringify(name)}: not a plain file name; refusing to write it`);
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
        if (!part && !this.opts.createPrefix) {
          if (!lstatSync(path).isDirectory()) throw new Error(`spool ${path}: not a directory`);
          this.checked.add(path);
          continue;
        }
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
