/**
 * XALT's syslog transport, pure: parse
 * `XALT_LOGGING_<syshost>` lines and reassemble records split into `nb` chunks.
 *
 *   … XALT_LOGGING_h: V:4 kind:run syshost:h key:run_fini_<uuid> crcStr:0xABCD nb:02 idx:01 value:<chunk>
 *
 * Chunks of one record share `<crc>_<key>` (the crc separates two records with one uuid).
 * Syslog trims trailing spaces, so every chunk but the last is padded back to the chunk size:
 * the longest non-final chunk seen so far in the file (sites configure SYSLOG_MSG_SZ), or
 * XALT's default 512 before any is seen.
 * V:2 values are base64 of zlib-compressed JSON; V:3 is V:4 without the crc field.
 */
import { inflateSync } from 'node:zlib';
import type { RecordKind } from '../../schema/index.js';

/** XALT's default SYSLOG_MSG_SZ. */
export const SYSLOG_CHUNK_SIZE = 512;

export interface SyslogRecord {
  readonly kind: RecordKind;
  /** `<crc>_<key>`: unique per record */
  readonly id: string;
  readonly json: string;
}

interface Partial {
  kind: RecordKind;
  version: number;
  nb: number;
  chunks: Map<number, string>;
}

/** Parse one line's header fields; undefined when the line is not an XALT record chunk. */
export function parseSyslogLine(line: string): { version: number; fields: Record<string, string>; value: string } | undefined {
  if (!line.includes('XALT_LOGGING')) return undefined;
  const at = line.search(/\bV:\d+\s/);
  if (at < 0) return undefined;
  const rest = line.slice(at);
  const v = rest.indexOf(' value:');
  if (v < 0) return undefined;
  const fields: Record<string, string> = {};
  for (const tok of rest.slice(0, v).trim().split(/\s+/)) {
    const i = tok.indexOf(':');
    if (i > 0) fields[tok.slice(0, i)] = tok.slice(i + 1);
  }
  return { version: Number(fields['V']), fields, value: rest.slice(v + ' value:'.length) };
}

/** Collects chunks; `complete()` returns whole records, `incomplete` counts the rest. */
export class SyslogAssembler {
  private readonly partial = new Map<string, Partial>();
  private readonly done: SyslogRecord[] = [];
  /** longest non-final chunk seen: the sender's chunk size */
  private learned = 0;

  constructor(private readonly defaultChunkSize = SYSLOG_CHUNK_SIZE) {}

  add(line: string): void {
    const p = parseSyslogLine(line.replace(/\r?\n$/, ''));
    if (!p) return;
    const kind = p.fields['kind'];
    if (kind !== 'run' && kind !== 'link' && kind !== 'pkg') return;
    const id = `${p.fields['crcStr'] ?? p.fields['crc'] ?? ''}_${p.fields['key'] ?? ''}`;
    const nb = Number(p.fields['nb'] ?? '1');
    const idx = Number(p.fields['idx'] ?? '0');
    let part = this.partial.get(id);
    if (!part) {
      part = { kind, version: p.version, nb, chunks: new Map() };
      this.partial.set(id, part);
    }
    part.chunks.set(idx, p.value);
    if (part.chunks.size === part.nb) {
      this.partial.delete(id);
      const ordered = [...part.chunks.entries()].sort((a, b) => a[0] - b[0]).map(([, c]) => c);
      for (const c of ordered.slice(0, -1)) this.learned = Math.max(this.learned, c.length);
      const size = this.learned || this.defaultChunkSize;
      const padded = ordered.map((c, i) => (i < ordered.length - 1 && part!.version >= 3 ? c.padEnd(size, ' ') : c));
      let json = padded.join('');
      if (part.version === 2) {
        try {
          json = inflateSync(Buffer.from(json.trim(), 'base64')).toString('utf8');
        } catch {
          json = ''; // quarantined as empty/not_json by the caller
        }
      }
      this.done.push({ kind: part.kind, id, json });
    }
  }

  /** Records completed so far (each returned once). */
  take(): SyslogRecord[] {
    return this.done.splice(0);
  }

  /** Number of records still missing chunks. */
  get incomplete(): number {
    return this.partial.size;
  }
}
