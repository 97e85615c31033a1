/**
 * The link facts an ELF file carries, parsed from its bytes (pure: the caller supplies a
 * reader): the XALT watermark (note `.note.xalt.info`, owner "XALT", type 0x746c6158, format
 * version 2 — or, in binaries whose note was lost, the
 * `.xalt` section between `XALT_Link_Info` and `XALT_Link_Info_End`) and the GNU build-id.
 * ELF32/ELF64, either byte order.
 */

/** Reads `length` bytes at `offset` (fewer at the end of the file). */
export type ByteReader = (offset: number, length: number) => Uint8Array;

/** What `readElfLinkFacts` found. */
export interface ElfLinkFacts {
  /** watermark keys and values (`_%_%_` decoded to spaces), in the order they were embedded */
  readonly watermark?: Readonly<Record<string, string>>;
  /** where the watermark came from */
  readonly watermarkSource?: 'note' | 'section';
  /** NT_GNU_BUILD_ID as lowercase hex */
  readonly buildId?: string;
}

/** Why a file could not be read as ELF. */
export class NotElfError extends Error {}

const XALT_NOTE_TYPE = 0x746c6158;
const NT_GNU_BUILD_ID = 3;
const SHT_NOTE = 7;
const PT_NOTE = 4;

interface Header {
  is64: boolean;
  le: boolean;
  shoff: number;
  shentsize: number;
  shnum: number;
  shstrndx: number;
  phoff: number;
  phentsize: number;
  phnum: number;
}

interface Section {
  name: number;
  type: number;
  offset: number;
  size: number;
  align: number;
}

function view(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

function readHeader(read: ByteReader): Header {
  const id = read(0, 64);
  if (id.length < 52 || id[0] !== 0x7f || id[1] !== 0x45 || id[2] !== 0x4c || id[3] !== 0x46) throw new NotElfError('not an ELF file');
  const is64 = id[4] === 2;
  const le = id[5] === 1;
  if ((id[4] !== 1 && !is64) || (id[5] !== 1 && id[5] !== 2)) throw new NotElfError('unknown ELF class or byte order');
  if (is64 && id.length < 64) throw new NotElfError('truncated ELF header');
  const v = view(id);
  const n = (o: number, size: 2 | 4 | 8) => (size === 2 ? v.getUint16(o, le) : size === 4 ? v.getUint32(o, le) : Number(v.getBigUint64(o, le)));
  return is64
    ? { is64, le, phoff: n(32, 8), shoff: n(40, 8), phentsize: n(54, 2), phnum: n(56, 2), shentsize: n(58, 2), shnum: n(60, 2), shstrndx: n(62, 2) }
    : { is64, le, phoff: n(28, 4), shoff: n(32, 4), phentsize: n(42, 2), phnum: n(44, 2), shentsize: n(46, 2), shnum: n(48, 2), shstrndx: n(50, 2) };
}

function readSections(read: ByteReader, h: Header): Section[] {
  if (h.shnum === 0 || h.shentsize < (h.is64 ? 64 : 40)) return [];
  const table = read(h.shoff, h.shnum * h.shentsize);
  const v = view(table);
  const out: Section[] = [];
  for (let i = 0; (i + 1) * h.shentsize <= table.length; i++) {
    const o = i * h.shentsize;
    out.push(
      h.is64
        ? { name: v.getUint32(o, h.le), type: v.getUint32(o + 4, h.le), offset: Number(v.getBigUint64(o + 24, h.le)), size: Number(v.getBigUint64(o + 32, h.le)), align: Number(v.getBigUint64(o + 48, h.le)) }
        : { name: v.getUint32(o, h.le), type: v.getUint32(o + 4, h.le), offset: v.getUint32(o + 16, h.le), size: v.getUint32(o + 20, h.le), align: v.getUint32(o + 32, h.le) },
    );
  }
  return out;
}

/** PT_NOTE segments as pseudo-sections (for files whose section headers were stripped). */
function readNoteSegments(read: ByteReader, h: Header): Section[] {
  if (h.phnum === 0 || h.phentsize < (h.is64 ? 56 : 32)) return [];
  const table = read(h.phoff, h.phnum * h.phentsize);
  const v = view(table);
  const out: Section[] = [];
  for (let i = 0; (i + 1) * h.phentsize <= table.length; i++) {
    const o = i * h.phentsize;
    if (v.getUint32(o, h.le) !== PT_NOTE) continue;
    out.push(
      h.is64
        ? { name: 0, type: SHT_NOTE, offset: Number(v.getBigUint64(o + 8, h.le)), size: Number(v.getBigUint64(o + 32, h.le)), align: Number(v.getBigUint64(o + 48, h.le)) }
        : { name: 0, type: SHT_NOTE, offset: v.getUint32(o + 4, h.le), size: v.getUint32(o + 16, h.le), align: v.getUint32(o + 28, h.le) },
    );
  }
  return out;
}

interface Note {
  owner: string;
  type: number;
  desc: Uint8Array;
}

function parseNotes(bytes: Uint8Array, align: number, le: boolean): Note[] {
  const a = align === 8 ? 8 : 4;
  const up = (n: number) => Math.ceil(n / a) * a;
  const v = view(bytes);
  const out: Note[] = [];
  for (let p = 0; p + 12 <= bytes.length; ) {
    const namesz = v.getUint32(p, le);
    const descsz = v.getUint32(p + 4, le);
    const type = v.getUint32(p + 8, le);
    const descOff = p + up(12 + namesz);
    if (descOff + descsz > bytes.length) break;
    const owner = new TextDecoder().decode(bytes.subarray(p + 12, p + 12 + Math.max(0, namesz - 1)));
    out.push({ owner, type, desc: bytes.subarray(descOff, descOff + descsz) });
    p = descOff + up(descsz);
  }
  return out;
}

function cString(table: Uint8Array, at: number): string {
  let end = at;
  while (end < table.length && table[end] !== 0) end++;
  return new TextDecoder().decode(table.subarray(at, end));
}

/**
 * `<Key>%%value%%` strings (NUL separated, padding and markers ignored) into key → value.
 * @example parseWatermarkStrings('<Build_UUID>%%abc%%\0<Build_date>%%Fri_%_%_Jul%%') // {Build_UUID: 'abc', Build_date: 'Fri Jul'}
 */
export function parseWatermarkStrings(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of text.split('\0')) {
    const m = /^<([^>]+)>%%(.*?)(?:%%)?$/s.exec(s);
    if (m) out[m[1]!] = m[2]!.replaceAll('_%_%_', ' ');
  }
  return out;
}

function utf8(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8');
}

/** The watermark from the `.xalt` section: the strings between the two markers. */
function fromXaltSection(bytes: Uint8Array): Record<string, string> | undefined {
  const text = utf8(bytes);
  const start = text.indexOf('XALT_Link_Info\0');
  if (start < 0) return undefined;
  const end = text.indexOf('XALT_Link_Info_End', start);
  const wm = parseWatermarkStrings(text.slice(start, end < 0 ? undefined : end));
  return Object.keys(wm).length ? wm : undefined;
}

/**
 * Read the watermark and build-id of an ELF file through `read`.
 * @throws NotElfError when the bytes are not ELF
 * @example readElfLinkFacts((o, n) => buf.subarray(o, o + n)).watermark?.Build_UUID
 */
export function readElfLinkFacts(read: ByteReader): ElfLinkFacts {
  const h = readHeader(read);
  const sections = readSections(read, h);
  const names = h.shstrndx < sections.length ? read(sections[h.shstrndx]!.offset, sections[h.shstrndx]!.size) : new Uint8Array();
  // XALT's generator declares its note section without @note (PROGBITS), so match the name too.
  const isNote = (s: Section) => s.type === SHT_NOTE || cString(names, s.name) === '.note.xalt.info';
  const notes = [...sections.filter(isNote), ...(sections.length ? [] : readNoteSegments(read, h))];
  let watermark: Record<string, string> | undefined;
  let watermarkSource: 'note' | 'section' | undefined;
  let buildId: string | undefined;
  for (const s of notes) {
    for (const n of parseNotes(read(s.offset, s.size), s.align, h.le)) {
      if (n.owner === 'GNU' && n.type === NT_GNU_BUILD_ID && buildId === undefined) buildId = Buffer.from(n.desc).toString('hex');
      if (n.owner === 'XALT' && n.type === XALT_NOTE_TYPE && n.desc[0] === 2 && !watermark) {
        watermark = parseWatermarkStrings(utf8(n.desc.subarray(1)));
        watermarkSource = 'note';
      }
    }
  }
  if (!watermark) {
    const xalt = sections.find((s) => cString(names, s.name) === '.xalt');
    watermark = xalt ? fromXaltSection(read(xalt.offset, xalt.size)) : undefined;
    if (watermark) watermarkSource = 'section';
  }
  return { ...(watermark && { watermark, watermarkSource }), ...(buildId !== undefined && { buildId }) };
}
