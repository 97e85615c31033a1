/**
 * How `xalt install` (and `xalt spool prepare`) write: every directory is made or checked with
 * secure-fs/trusted-dir.ts (ours, the mode we want, not a symlink, under directories nobody
 * else can change) and every file is created new with O_EXCL|O_NOFOLLOW and renamed into place
 * (secure-fs/exclusive-file.ts), so installing as root never writes through anything another
 * user put in the way, and re-installing under running programs never truncates a file they
 * have mapped. A file that already holds exactly the bytes and mode is left alone.
 */
import { readRegularFile } from '../secure-fs/read-regular-file.js';
import { replaceFile } from '../secure-fs/exclusive-file.js';
import { ensureOwnDir } from '../secure-fs/trusted-dir.js';

/** What install did, for the command to print. */
export interface InstallLog {
  readonly written: string[];
  readonly unchanged: string[];
  readonly warnings: string[];
}

export const newInstallLog = (): InstallLog => ({ written: [], unchanged: [], warnings: [] });

/** True when `path` is a regular file (a symlink there is not followed) holding `bytes` with `mode`. */
function holds(path: string, bytes: Buffer, mode: number): boolean {
  const file = readRegularFile(path);
  return file !== undefined && (file.stat.mode & 0o7777) === mode && file.bytes.equals(bytes);
}

/** Write `data` to `path` with `mode` (atomically, never through a symlink); logs it as written or unchanged. */
export function putFile(log: InstallLog, path: string, data: Buffer | string, mode: number): void {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  if (holds(path, bytes, mode)) {
    log.unchanged.push(path);
    return;
  }
  replaceFile(path, bytes, mode);
  log.written.push(path);
}

/**
 * Make sure directory `path` (and missing parents) exists, is ours and has `mode`; returns it.
 * `keepMode`: refuse one that has another mode rather than change it (a directory that was open
 * to others may hold what they put there).
 */
export function putDir(log: InstallLog, path: string, mode = 0o755, keepMode = false): string {
  if (ensureOwnDir(path, mode, { parents: true, keepMode })) log.written.push(`${path}/ (mode ${mode.toString(8).padStart(4, '0')})`);
  return path;
}
