/**
 * Where ingest keeps copies of what it quarantined (IO edge). The directory must be ours — owned
 * by the uid running ingest, mode 0700, not a symlink — and sit where no other user can change
 * the path to it (secure-fs/trusted-dir.ts); copies are created with O_EXCL|O_NOFOLLOW, 0600,
 * never over anything already there. So a user who can write the spool can neither make root
 * write through a planted symlink nor read anyone's quarantined records.
 *
 * `xalt install` creates `<spool>/.quarantine` root-owned 0700; ingest creates it when missing.
 */
import { readRegularFile } from '../secure-fs/read-regular-file.js';
import { lstatSync, mkdirSync, type Stats } from 'node:fs';
import { dirname, join } from 'node:path';
import { ensureOwnDir, effectiveUid, UnsafeDirectory, untrustedDirReason } from '../secure-fs/trusted-dir.js';
import { writeNewFileUnique } from '../secure-fs/exclusive-file.js';

/** True when `path` is a regular file (not followed if a symlink) holding exactly `bytes`. */
function sameBytes(path: string, bytes: Buffer): boolean {
  return readRegularFile(path)?.bytes.equals(bytes) ?? false;
}

/** The default quarantine directory of a spool root. */
export function defaultQuarantineDir(root: string): string {
  return join(root, '.quarantine');
}

/** Checks on the quarantine directory itself: ours, nobody else may even enter it. */
function ownPrivate(euid: number) {
  return (st: Stats, path: string): string | null => {
    if (st.uid !== euid) return `${path} is owned by uid ${st.uid}, not by uid ${euid} (who runs ingest)`;
    if ((st.mode & 0o077) !== 0) return `${path} has mode ${(st.mode & 0o7777).toString(8).padStart(4, '0')}, not 0700`;
    return null;
  };
}


export class QuarantineDir {
  private constructor(readonly path: string) {}

  /**
   * The quarantine directory at `path`, created (0700) if missing. Throws UnsafeDirectory
   * when it exists and is not ours and private, or when its parent can be changed by others.
   */
  static open(path: string): QuarantineDir {
    const euid = effectiveUid();
    try {
      // one that was ever open to others may hold their symlinks: refused, not repaired
      ensureOwnDir(path, 0o700, { keepMode: true });
    } catch (err) {
      throw new UnsafeDirectory(`quarantine directory ${(err as Error).message.replace(/^refusing to (create or )?use /, '')}`);
    }
    const why = untrustedDirReason(path, euid, { last: ownPrivate(euid) });
    if (why) throw new UnsafeDirectory(`quarantine directory ${path} is not safe: ${why}`);
    return new QuarantineDir(path);
  }

  /** Why the default quarantine directory of `root` cannot be created safely (its parent is someone else's), or null. */
  static unsafeParent(path: string): string | null {
    return untrustedDirReason(dirname(path), effectiveUid(), { sticky: true });
  }

  /**
   * Keep a copy of `text` as `rel` (a spool-relative path); returns where it went. A copy with
   * the same bytes already there (the same file quarantined again, into another store) is reused.
   */
  keep(rel: string, text: string | Buffer): string {
    const dest = join(this.path, rel);
    const dir = dirname(dest);
    if (dir !== this.path) mkdirSync(dir, { recursive: true, mode: 0o700 }); // inside our 0700 directory: nobody else can be there
    const bytes = typeof text === 'string' ? Buffer.from(text) : text;
    if (sameBytes(dest, bytes)) return dest;
    return writeNewFileUnique(dir, dest.slice(dir.length + 1), bytes, 0o600);
  }
}

/**
 * The quarantine directories of one ingest: `explicit` for every spool root, else each root's
 * own `.quarantine`. Ones that exist (and an explicit one) are checked before anything is
 * loaded; a missing default one is created when the first copy is kept, or — when its parent is
 * someone else's, as in a user's `~/.xalt.d` — not at all: copies are then not kept (the
 * quarantined originals stay where they are) and one warning says so.
 */
export class QuarantineCopies {
  private readonly dirs = new Map<string, QuarantineDir | null>();

  constructor(private readonly explicit: string | undefined, private readonly warn: (m: string) => void) {}

  /** Check the directories `roots` will use; throws UnsafeDirectory. */
  check(roots: readonly string[]): void {
    if (this.explicit !== undefined) {
      const dir = QuarantineDir.open(this.explicit);
      for (const r of roots) this.dirs.set(r, dir);
      return;
    }
    for (const r of roots) {
      const path = defaultQuarantineDir(r);
      let exists = true;
      try { lstatSync(path); } catch { exists = false; }
      if (exists) this.dirs.set(r, QuarantineDir.open(path));
    }
  }

  /** Keep a copy of `text` for the spool file `rel` of `root`; null when no copy can be kept (warned). */
  keep(root: string, rel: string, text: string | Buffer): string | null {
    let dir = this.dirs.get(root);
    if (dir === undefined) {
      const path = defaultQuarantineDir(root);
      try {
        const unsafe = QuarantineDir.unsafeParent(path);
        if (unsafe) throw new Error(unsafe);
        dir = QuarantineDir.open(path);
      } catch (err) {
        this.warn(`no copies of quarantined files are kept for ${root} (the originals stay): ${(err as Error).message}; pass --quarantine DIR`);
        dir = null;
      }
      this.dirs.set(root, dir);
    }
    if (dir === null) return null;
    try {
      return dir.keep(rel, text);
    } catch (err) {
      this.warn(`cannot keep a copy of ${join(root, rel)} in ${dir.path}: ${(err as Error).message}`);
      return null;
    }
  }
}
