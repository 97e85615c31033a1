/**
 * The IO edge of `xalt extract`: read a binary's watermark and build-id from the file,
 * reading only the headers and note sections (binaries can be gigabytes).
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { readElfLinkFacts, type ElfLinkFacts } from './elf-notes.js';

/** Sections larger than this are not read (a watermark is a few KiB; a corrupt header may claim anything). */
const MAX_READ = 64 << 20;

/**
 * Watermark and build-id of the ELF file at `path`.
 * @throws NotElfError when it is not ELF; the usual fs errors when it cannot be read
 * @example readWatermark('./a.out').watermark?.Build_UUID
 */
export function readWatermark(path: string): ElfLinkFacts {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    return readElfLinkFacts((offset, length) => {
      const n = Math.max(0, Math.min(length, size - offset, MAX_READ));
      const buf = Buffer.alloc(n);
      let got = 0;
      while (got < n) {
        const r = readSync(fd, buf, got, n - got, offset + got);
        if (r === 0) break;
        got += r;
      }
      return buf.subarray(0, got);
    });
  } finally {
    closeSync(fd);
  }
}
