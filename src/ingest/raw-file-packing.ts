/**
 * Many RawFiles as one message between threads: the bytes of every file back to back in one
 * transferable ArrayBuffer, the numbers in a Float64Array, the reasons and details in a short
 * array. Moving a batch then costs a pointer, not a structured clone of thousands of objects.
 */
import type { RawFile } from './read-record-file.js';

/** Per file: ok (1/0), size, mtime, uid, offset, length. */
const FIELDS = 6;

export interface PackedFiles {
  readonly meta: Float64Array;
  readonly data: ArrayBuffer;
  /** per file not read: [reason, detail]; null for files read */
  readonly notRead: ([string, string] | null)[];
}

/** Pack `raws` (the reading side). */
export function packRawFiles(raws: readonly RawFile[]): PackedFiles {
  let total = 0;
  for (const r of raws) if (r.ok) total += r.bytes.length;
  const data = new ArrayBuffer(total);
  const bytes = new Uint8Array(data);
  const meta = new Float64Array(raws.length * FIELDS);
  const notRead: ([string, string] | null)[] = [];
  let at = 0;
  raws.forEach((r, i) => {
    const m = i * FIELDS;
    meta[m + 1] = r.size;
    meta[m + 2] = r.mtime;
    if (r.ok) {
      meta[m] = 1;
      meta[m + 3] = r.uid;
      meta[m + 4] = at;
      meta[m + 5] = r.bytes.length;
      bytes.set(r.bytes, at);
      at += r.bytes.length;
      notRead.push(null);
    } else {
      notRead.push([r.reason, r.detail]);
    }
  });
  return { meta, data, notRead };
}

/** Unpack (the interpreting side); the RawFiles' bytes are views of `p.data`. */
export function unpackRawFiles(p: PackedFiles): RawFile[] {
  const buf = Buffer.from(p.data);
  return p.notRead.map((nr, i): RawFile => {
    const m = i * FIELDS;
    const size = p.meta[m + 1]!;
    const mtime = p.meta[m + 2]!;
    if (nr === null) return { ok: true, size, mtime, uid: p.meta[m + 3]!, bytes: buf.subarray(p.meta[m + 4]!, p.meta[m + 4]! + p.meta[m + 5]!) };
    return { ok: false, size, mtime, reason: nr[0] as 'unreadable' | 'not_a_file' | 'too_large', detail: nr[1] };
  });
}
