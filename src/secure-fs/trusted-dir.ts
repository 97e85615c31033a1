/**
 * Directories root may write into. Node has no openat, so instead of walking with directory
 * descriptors we make sure nobody else *can* change the path under us: every directory from `/`
 * down is owned by root or by us and is not writable by group or others (a sticky directory such
 * as /tmp is allowed on the way, because there nobody can rename or replace what we own), and
 * every symbolic link on the way is ours and is followed and checked the same way. Once that
 * holds, a path checked stays what it was checked to be: no check-then-use race is left to win.
 */
import { closeSync, constants, fchmodSync, fstatSync, lstatSync, mkdirSync, openSync, readlinkSync, type Stats } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';

/** A directory xalt will not write into (or create) because others could change it. */
export class UnsafeDirectory extends Error {}

/** The euid of this process (0 on a platform without one: treated as root, the strict case). */
export function effectiveUid(): number {
  return process.geteuid?.() ?? 0;
}

const trustedOwner = (uid: number, euid: number) => uid === 0 || uid === euid;
const modeText = (st: Stats) => (st.mode & 0o7777).toString(8).padStart(4, '0');

/** More checks on the directory itself (`last`); `sticky`: the directory may be a sticky one others write in (we only create our own entry there). */
export interface DirChecks {
  readonly last?: (st: Stats, path: string) => string | null;
  readonly sticky?: boolean;
}

/**
 * Why the directory `path` is not safe to write into as uid `euid`, or null when it is. A
 * missing directory is reported as missing.
 */
export function untrustedDirReason(path: string, euid: number, checks: DirChecks = {}, depth = 0): string | null {
  if (depth > 16) return `${path}: too many symbolic links`;
  const parts = resolve(path).split('/').filter((p) => p !== '');
  let at = '/';
  for (let i = 0; i <= parts.length; i++) {
    let st: Stats;
    try {
      st = lstatSync(at);
    } catch (err) {
      return `${at}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : (err as Error).message}`;
    }
    if (st.isSymbolicLink()) {
      if (!trustedOwner(st.uid, euid)) return `${at} is a symbolic link owned by uid ${st.uid}`;
      const target = readlinkSync(at);
      const real = isAbsolute(target) ? target : join(dirname(at), target);
      return untrustedDirReason(join(real, ...parts.slice(i)), euid, checks, depth + 1);
    }
    if (!st.isDirectory()) return `${at} is not a directory`;
    if (!trustedOwner(st.uid, euid)) return `${at} is owned by uid ${st.uid}, not by root${euid === 0 ? '' : ` or uid ${euid}`}`;
    const isLast = i === parts.length;
    const stickyOk = (st.mode & 0o1000) !== 0 && (!isLast || checks.sticky === true);
    if ((st.mode & 0o022) !== 0 && !stickyOk) return `${at} (mode ${modeText(st)}) is writable by ${(st.mode & 0o002) !== 0 ? 'everyone' : 'its group'}`;
    if (isLast) return checks.last?.(st, at) ?? null;
    at = at === '/' ? `/${parts[i]}` : `${at}/${parts[i]}`;
  }
  return null;
}

/**
 * Make sure directory `path` exists, is ours and has exactly `mode`, creating it (and, with
 * `parents`, the missing directories above it, mode 0755) when missing. The parent must be a
 * trusted directory (see above; a sticky one like /tmp will do); the directory itself is opened with O_NOFOLLOW|O_DIRECTORY and
 * checked and changed through that descriptor, so a symlink or another user's directory put in
 * its place is refused, never followed. Returns true when it created the directory or changed
 * its mode (`keepMode`: refuse one with another mode instead). Throws an Error naming the path
 * and what is wrong.
 */
export function ensureOwnDir(path: string, mode: number, opts: { readonly parents?: boolean; readonly keepMode?: boolean } = {}): boolean {
  const euid = effectiveUid();
  const parent = dirname(resolve(path));
  let created = false;
  if (opts.parents && parent !== resolve(path)) {
    try { lstatSync(parent); } catch { created = ensureOwnDir(parent, 0o755, { parents: true }) || created; }
  }
  const why = untrustedDirReason(parent, euid, { sticky: true });
  if (why) throw new Error(`refusing to create or use ${path}: ${why}`);
  try {
    mkdirSync(path, { mode: mode & 0o777 });
    created = true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const fd = openDir(path);
  try {
    const st = fstatSync(fd);
    if (st.uid !== euid) throw new Error(`refusing to use ${path}: it is owned by uid ${st.uid}, not ${euid} (created by someone else?)`);
    if ((st.mode & 0o7777) !== mode) {
      if (opts.keepMode) throw new Error(`refusing to use ${path}: it has mode ${modeText(st)}, not ${mode.toString(8).padStart(4, '0')}`);
      fchmodSync(fd, mode);
      return true;
    }
    return created;
  } finally {
    closeSync(fd);
  }
}

/** Open a directory without following a symlink in its place. */
function openDir(path: string): number {
  try {
    return openSync(path, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ELOOP' && code !== 'ENOTDIR') throw err;
    let link = code === 'ELOOP';
    try { link = lstatSync(path).isSymbolicLink(); } catch { /* gone meanwhile */ }
    throw new Error(`refusing to use ${path}: it is ${link ? 'a symbolic link' : 'not a directory'}`);
  }
}
