/**
 * CSV (RFC 4180), TSV, and `|`-separated values like `sacct --parsable2`. Machine formats: raw numbers, ISO-8601 UTC times, snake_case
 * header keys. A document with several tables gets a leading `table` column so one file
 * still parses as one table.
 */
import type { Cell, Column, Document } from './document.js';
import { isoUtc } from './format-cell.js';

function raw(v: Cell, format: Column['format']): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return format === 'datetime' ? (v > 0 ? isoUtc(v) : '') : String(Math.round(v * 10000) / 10000);
  return v;
}

function csvQuote(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** TSV cannot quote, so tabs and newlines inside a value become spaces. */
function tsvClean(s: string): string {
  return s.replace(/[\t\r\n]+/g, ' ');
}

/** Like sacct -P, `|` is not quoted: a `|` or line break inside a value becomes a space. */
function pipeClean(s: string): string {
  return s.replace(/[|\r\n]+/g, ' ');
}

const STYLES = { csv: { esc: csvQuote, sep: ',' }, tsv: { esc: tsvClean, sep: '\t' }, pipe: { esc: pipeClean, sep: '|' } } as const;

/** Render as CSV, TSV or `|`-separated values. */
export function renderDelimited(doc: Document, kind: 'csv' | 'tsv' | 'pipe', options: { noHeader?: boolean } = {}): string {
  const { esc, sep } = STYLES[kind];
  const multi = doc.tables.length > 1;
  const lines: string[] = [];
  // one header covering the union of columns, so several tables stay one rectangle
  const columns: Column[] = [];
  for (const t of doc.tables) for (const c of t.columns) if (!columns.some((x) => x.key === c.key)) columns.push(c);
  if (!options.noHeader) lines.push([...(multi ? ['table'] : []), ...columns.map((c) => c.key)].map(esc).join(sep));
  for (const t of doc.tables) {
    for (const r of t.rows) {
      const vals = columns.map((c) => esc(raw(r[c.key] ?? null, c.format)));
      lines.push([...(multi ? [esc(t.id)] : []), ...vals].join(sep));
    }
  }
  const eol = kind === 'csv' ? '\r\n' : '\n';
  return lines.length ? `${lines.join(eol)}${eol}` : '';
}
