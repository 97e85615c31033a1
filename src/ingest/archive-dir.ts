/**
 * `xalt ingest --archive DIR` (IO edge): committed files move under DIR with their spool-relative
 * path. DIR must be a directory no other user can change (secure-fs/trusted-dir.ts); a file is
 * moved by hard-linking it under a new name (which fails rather than replace anything already
 * there) and unlinking the original, or across filesystems copied with O_EXCL|O_NOFOLLOW.
 */
import { readRegularFile } from '../secure-fs/read-regular-file.js';
import { linkSync, mkdirSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeNewFile } from '../secure-fs/exclusive-file.js';
import { effectiveUid, UnsafeDirectory, untrustedDirReason } from '../secure-fs/trusted-dir.js';

export class ArchiveDir {
  private constructor(readonly path: string) {}

  /** The archive directory at `path` (created 0700 with its parents when missing). Throws when others could change it. */
  static open(path: string): ArchiveDir {
    try {
      mkdirSync(path, { recursive: true, mode: 0o700 });
    } catch (err) {
      throw new UnsafeDirectory(`archive directory ${path}: ${(err as Error).message}`);
    }
    const why = untrustedDirReason(path, effectiveUid());
    if (why) throw new UnsafeDirectory(`archive directory ${path} is not safe: ${why}`);
    return new ArchiveDir(path);
  }

  /** Move the file at `abs` to `<archive>/<rel>` (`rel.1`, … when that name is taken). */
  move(abs: string, rel: string): void {
    const dest = join(this.path, rel);
    mkdirSync(dirname(dest), { recursive: true, mode: 0o700 });
    for (let n = 0; ; n++) {
      const to = n === 0 ? dest : `${dest}.${n}`;
      try {
        linkSync(abs, to);
        break;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EEXIST' && n < 99) continue;
        if (code !== 'EXDEV') throw err;
        copyAcross(abs, to);
        break;
      }
    }
    unlinkSync(abs);
  }
}

/** Copy a regular file (never following a symlink) to a new file. */
function copyAcross(from: string, to: string): void {
  const file = readRegularFile(from);
  if (!file) throw new Error(`${from} is not a regular file`);
  writeNewFile(to, file.bytes, file.stat.mode & 0o777);
}
