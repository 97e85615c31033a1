/**
 * Reading a bundle (docs/internals/contracts.md "Bundle files"; IO edge): one file xalt-ship
 * writes per job per node, holding many records, each after a line saying what it is and who
 * owned it:
 *
 *     xalt-bundle 1 <host> <job> <shipper uid>
 *     <record file name> <owner uid> <flags>
 *     <record bytes, one line>
 *     ...
 *
 * A bundle is trusted only when it is a regular file with one link, owned by root (or by the
 * uid running ingest) and not writable by group or others: then its owner lines are the truth
 * about whose records they are. The file is opened with O_NOFOLLOW and everything is checked on
 * the open descriptor. Entries are read as a stream, so a bundle of any size costs memory for one
 * record at a time; an entry that cannot be read is reported on its own and the rest go on.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import type { QuarantineReason } from './interpret.js';

/** The first line of a bundle. */
export interface BundleHeader {
  readonly version: number;
  readonly host: string;
  readonly job: string;
  readonly shipperUid: number;
}

/** One entry: a record with its owner, or why it cannot be read (its raw lines kept for the copy). */
export type BundleEntry =
  | { readonly ok: true; readonly index: number; readonly name: string; readonly ownerUid: number; readonly flags: readonly string[]; readonly text: string }
  | { readonly ok: false; readonly index: number; readonly name: string; readonly reason: QuarantineReason; readonly detail: string; readonly raw?: string };

/** An open bundle that may be trusted, or why it may not (with its bytes for the quarantine copy when small enough). */
export type OpenedBundle =
  | { readonly ok: true; readonly fd: number; readonly size: number; readonly mtime: number; readonly uid: number; readonly header: BundleHeader }
  | { readonly ok: false; readonly size: number; readonly mtime: number; readonly reason: QuarantineReason; readonly detail: string; readonly bytes?: Buffer };

/** Bytes read per system call. */
const CHUNK = 1 << 20;
const HEADER = /^xalt-bundle (\d+) (\S+) (\S+) (\d{1,10})$/;
const ENTRY = /^(\S+) (\d{1,10}) (\S+)$/;
const FLAGS = /^[a-z_]+(,[a-z_]+)*$/;

/** Lines of an open file, read forward in chunks; a line longer than `maxLine` is skipped, not kept. */
class LineReader {
  private chunk = Buffer.alloc(0);
  private at = 0;
  private offset = 0;

  constructor(private readonly fd: number, private readonly maxLine: number) {}

  /** The next line (without its `\n`); `complete` false for a last line with no `\n`; `bytes` undefined when too long. Null at the end. */
  next(): { bytes?: Buffer; length: number; complete: boolean } | null {
    const parts: Buffer[] = [];
    let length = 0;
    let tooLong = false;
    for (;;) {
      if (this.at >= this.chunk.length && !this.fill()) break;
      const nl = this.chunk.indexOf(10, this.at);
      const end = nl < 0 ? this.chunk.length : nl;
      length += end - this.at;
      if (!tooLong && length > this.maxLine) { tooLong = true; parts.length = 0; }
      if (!tooLong) parts.push(this.chunk.subarray(this.at, end));
      this.at = nl < 0 ? this.chunk.length : nl + 1;
      if (nl >= 0) return { ...(tooLong ? {} : { bytes: Buffer.concat(parts) }), length, complete: true };
    }
    if (length === 0) return null;
    return { ...(tooLong ? {} : { bytes: Buffer.concat(parts) }), length, complete: false };
  }

  private fill(): boolean {
    const buf = Buffer.allocUnsafe(CHUNK); // a fresh buffer: parts of the last one may still be referenced
    const n = readSync(this.fd, buf, 0, CHUNK, this.offset);
    if (n <= 0) return false;
    this.offset += n;
    this.chunk = buf.subarray(0, n);
    this.at = 0;
    return true;
  }
}

function readAll(fd: number, size: number): Buffer {
  const buf = Buffer.allocUnsafe(size);
  let off = 0;
  while (off < size) {
    const n = readSync(fd, buf, off, size - off, off);
    if (n === 0) break;
    off += n;
  }
  return buf.subarray(0, off);
}

/** Why a bundle with these properties may not be trusted, or null. */
function distrust(st: { uid: number; mode: number; nlink: number }, euid: number): string | null {
  const problems: string[] = [];
  if (st.uid !== 0 && st.uid !== euid) problems.push(`owned by uid ${st.uid}, not root${euid === 0 ? '' : ` or uid ${euid}`}`);
  if ((st.mode & 0o022) !== 0) problems.push(`writable by ${(st.mode & 0o002) !== 0 ? 'everyone' : 'its group'} (mode ${(st.mode & 0o7777).toString(8).padStart(4, '0')})`);
  if (st.nlink !== 1) problems.push(`${st.nlink} hard links`);
  return problems.length ? `${problems.join(', ')}: only bundles xalt-ship wrote as root (or the ingesting account's own) are trusted` : null;
}

/**
 * Open the bundle at `abs` and check it: trusted, and starting with a bundle header. On success
 * the caller reads entries with `readEntries` and closes `fd`. Never throws for problems with the file.
 */
export function openBundle(abs: string, euid: number, maxCopy: number): OpenedBundle {
  let fd: number;
  try {
    fd = openSync(abs, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') return { ok: false, size: 0, mtime: 0, reason: 'not_a_file', detail: 'a symbolic link, not a bundle' };
    return { ok: false, size: 0, mtime: 0, reason: 'unreadable', detail: (err as Error).message };
  }
  let keep = false;
  try {
    const st = fstatSync(fd);
    const mtime = st.mtimeMs / 1000;
    if (!st.isFile()) return { ok: false, size: 0, mtime, reason: 'not_a_file', detail: 'not a regular file' };
    const copy = () => (st.size <= maxCopy ? { bytes: readAll(fd, st.size) } : {});
    const why = distrust(st, euid);
    if (why) return { ok: false, size: st.size, mtime, reason: 'untrusted_bundle', detail: why, ...copy() };
    const first = new LineReader(fd, 4096).next();
    const m = first?.bytes && first.complete ? HEADER.exec(first.bytes.toString('utf8')) : null;
    if (!m) return { ok: false, size: st.size, mtime, reason: 'bad_bundle', detail: 'the first line is not "xalt-bundle 1 <host> <job> <shipper uid>"', ...copy() };
    if (m[1] !== '1') return { ok: false, size: st.size, mtime, reason: 'bad_bundle', detail: `bundle format ${m[1]} is newer than this xalt reads (1)`, ...copy() };
    keep = true;
    return { ok: true, fd, size: st.size, mtime, uid: st.uid, header: { version: 1, host: m[2]!, job: m[3]!, shipperUid: Number(m[4]) } };
  } catch (err) {
    return { ok: false, size: 0, mtime: 0, reason: 'unreadable', detail: (err as Error).message };
  } finally {
    if (!keep) closeSync(fd);
  }
}

/** The entries of an opened bundle, in order (1-based `index`), reading `maxRecord` bytes of a record at most. */
export function* readEntries(fd: number, maxRecord: number): Generator<BundleEntry> {
  const lines = new LineReader(fd, maxRecord);
  lines.next(); // the header, checked by openBundle
  let index = 0;
  for (let head = lines.next(); head !== null; head = lines.next()) {
    index++;
    const headText = head.bytes?.toString('utf8') ?? '';
    if (headText.startsWith('{')) {
      // a record where an entry line belongs: an entry line went missing; this line is the record
      yield { ok: false, index, name: '', reason: 'bad_entry', detail: 'a record without its entry line (name, owner uid, flags)', raw: `${headText}\n` };
      continue;
    }
    const m = head.complete ? ENTRY.exec(headText) : null;
    const rec = lines.next();
    const recText = rec?.bytes?.toString('utf8');
    const raw = `${headText}\n${recText ?? ''}${rec?.complete ? '\n' : ''}`;
    if (!m || (m[3] !== '-' && !FLAGS.test(m[3]!)) || Number(m[2]) > 0xffffffff) {
      yield { ok: false, index, name: m?.[1] ?? '', reason: 'bad_entry', detail: `entry line ${JSON.stringify(headText.slice(0, 200))} is not "<record file name> <owner uid> <flags>"`, raw };
      continue;
    }
    const name = m[1]!;
    if (rec === null) yield { ok: false, index, name, reason: 'truncated', detail: 'the bundle ends after the entry line: no record' };
    else if (recText === undefined) yield { ok: false, index, name, reason: 'too_large', detail: `${rec.length} bytes, over the ${maxRecord}-byte limit; not read` };
    else if (!rec.complete) yield { ok: false, index, name, reason: 'truncated', detail: 'the bundle ends in the middle of this record', raw };
    else yield { ok: true, index, name, ownerUid: Number(m[2]), flags: m[3] === '-' ? [] : m[3]!.split(','), text: `${recText}\n` };
  }
}
