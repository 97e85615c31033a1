/**
 * How `xalt quarantine` shows what ingest set aside: a table of entries (every tabular
 * format), and one entry as labelled lines followed by the quarantined bytes. Bytes from a
 * quarantined file are untrusted: on a terminal their control characters are shown escaped,
 * never sent raw.
 */
import type { QuarantineEntry } from './quarantine-entries.js';
import { OUTPUT_SCHEMA_VERSION, type Column, type Document } from '../document/document.js';
import { formatUtc, isoUtc } from '../document/format-cell.js';

/** The bytes ingest kept for an entry, as `xalt quarantine show` read them. */
export type KeptCopy =
  | { readonly state: 'none' }
  | { readonly state: 'unreadable'; readonly why: string }
  | { readonly state: 'read'; readonly bytes: Buffer; readonly size: number; readonly truncated: boolean };

const DETAIL_SHOWN = 100;

const columns: Column[] = [
  { key: 'id', header: 'ID', format: 'int' }, { key: 'quarantined_at', header: 'When (UTC)', format: 'datetime' },
  { key: 'reason', header: 'Reason', format: 'text' }, { key: 'path', header: 'File', format: 'text' },
  { key: 'kept', header: 'Copy', format: 'text' }, { key: 'detail', header: 'Detail', format: 'text' },
];

/** Entries as one table; `forPeople` shortens long details (machine formats get them whole). */
export function quarantineDocument(entries: readonly QuarantineEntry[], forPeople: boolean): Document {
  const rows = entries.map((e) => ({
    id: e.id, quarantined_at: e.quarantined_at, reason: e.reason, path: e.path, kept: e.stored_as === null ? (forPeople ? 'no' : null) : (forPeople ? 'yes' : e.stored_as),
    detail: forPeople && e.detail !== null && e.detail.length > DETAIL_SHOWN ? `${e.detail.slice(0, DETAIL_SHOWN - 1)}…` : e.detail,
  }));
  return { title: 'xalt quarantine', meta: [], tables: [{ id: 'entries', title: 'What ingest set aside, newest first', columns, rows }] };
}

const entryJson = (e: QuarantineEntry) => ({ ...e, quarantined: isoUtc(e.quarantined_at) });

/** `xalt quarantine list --json`. */
export function quarantineListJson(entries: readonly QuarantineEntry[], total: number): string {
  return `${JSON.stringify({ schema_version: OUTPUT_SCHEMA_VERSION, count: entries.length, total, entries: entries.map(entryJson) }, null, 2)}\n`;
}

/** Control characters (C0 but tab and newline, DEL, C1) as `\xNN`, so a terminal shows them instead of obeying them. */
function visibleText(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function copyLine(e: QuarantineEntry, copy: KeptCopy): string {
  if (copy.state === 'none') return `copy       none kept: the original stays at ${e.path} in the spool it was ingested from`;
  if (copy.state === 'unreadable') return `copy       ${e.stored_as ?? ''} (${copy.why})`;
  return `copy       ${e.stored_as ?? ''} (${copy.size} bytes${copy.truncated ? `, the first ${copy.bytes.length} shown` : ''})`;
}

/** One entry for people: labelled lines, then the kept bytes (escaped) between rules. */
export function quarantineEntryText(e: QuarantineEntry, copy: KeptCopy): string {
  const lines = [
    `quarantine entry ${e.id}`,
    `  file       ${visibleText(e.path)}`,
    `  reason     ${e.reason}`,
    `  detail     ${visibleText(e.detail ?? '')}`,
    `  when       ${formatUtc(e.quarantined_at)} UTC`,
    `  ${copyLine(e, copy)}`,
  ];
  if (copy.state !== 'read') return `${lines.join('\n')}\n`;
  const text = visibleText(copy.bytes.toString('utf8'));
  return `${lines.join('\n')}\n--- quarantined bytes ---\n${text}${text.endsWith('\n') ? '' : '\n'}--- end${copy.truncated ? ' (truncated)' : ''} ---\n`;
}

/** One entry as JSON: the entry, and the kept bytes as text (and base64 when they are not UTF-8). */
export function quarantineEntryJson(e: QuarantineEntry, copy: KeptCopy): string {
  const content = copy.state === 'read' ? copy.bytes.toString('utf8') : null;
  const exact = copy.state === 'read' && Buffer.from(content!, 'utf8').equals(copy.bytes);
  return `${JSON.stringify({
    schema_version: OUTPUT_SCHEMA_VERSION, entry: entryJson(e), copy: copy.state,
    ...(copy.state === 'unreadable' ? { copy_error: copy.why } : {}),
    ...(copy.state === 'read' ? { size: copy.size, truncated: copy.truncated, content, ...(exact ? {} : { content_base64: copy.bytes.toString('base64') }) } : {}),
  }, null, 2)}\n`;
}
