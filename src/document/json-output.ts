/**
 * JSON and NDJSON: snake_case keys, raw units, ISO-8601 UTC times, and `schema_version` so
 * scripts can tell when the shape changes.
 */
import { OUTPUT_SCHEMA_VERSION, type Cell, type DocTable, type Document, type Row } from './document.js';
import { isoUtc } from './format-cell.js';

function jsonRow(t: DocTable, r: Row): Record<string, Cell> {
  const out: Record<string, Cell> = {};
  for (const c of t.columns) {
    const v = r[c.key] ?? null;
    out[c.key] = c.format === 'datetime' && typeof v === 'number' ? (v > 0 ? isoUtc(v) : null) : typeof v === 'number' ? Math.round(v * 10000) / 10000 : v;
  }
  return out;
}

/** The whole document as one JSON object; `extra` adds top-level members (kind, period…). */
export function renderJson(doc: Document, extra: Record<string, unknown> = {}): string {
  const meta = Object.fromEntries(doc.meta.filter((m) => m.key !== undefined).map((m) => [m.key, m.value]));
  const tables = Object.fromEntries(doc.tables.map((t) => [t.id, t.rows.map((r) => jsonRow(t, r))]));
  const series = doc.series ? Object.fromEntries(doc.series.map((s) => [s.id, { bucket: s.bucket, unit: s.unit, points: s.points }])) : undefined;
  return `${JSON.stringify({ schema_version: OUTPUT_SCHEMA_VERSION, title: doc.title, ...meta, ...extra, tables, ...(series ? { series } : {}) }, null, 2)}\n`;
}

/** One JSON object per row, each naming its table: for `jq -c` pipelines and log shippers. */
export function renderNdjson(doc: Document): string {
  const lines: string[] = [];
  for (const t of doc.tables) for (const r of t.rows) lines.push(JSON.stringify({ schema_version: OUTPUT_SCHEMA_VERSION, table: t.id, ...jsonRow(t, r) }));
  return lines.length ? `${lines.join('\n')}\n` : '';
}
