/**
 * Reading a file that someone else could have replaced: never through a symbolic link, never
 * blocking on a FIFO, only when it is a regular file, and only up to what its stat says.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';

/**
 * The bytes and stat of the regular file at `path`, or undefined when it is missing, a
 * symlink, or not a regular file.
 * @example readRegularFile('/sw/xalt/etc/xalt.toml')?.bytes.toString()
 */
export function readRegularFile(path: string): { readonly bytes: Buffer; readonly stat: Stats } | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return undefined;
    const bytes = Buffer.allocUnsafe(stat.size);
    let off = 0;
    while (off < bytes.length) {
      const n = readSync(fd, bytes, off, bytes.length - off, off);
      if (n === 0) break;
      off += n;
    }
    return { bytes: bytes.subarray(0, off), stat };
  } finally {
    closeSync(fd);
  }
}
