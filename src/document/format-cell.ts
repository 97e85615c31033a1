/**
 * How a cell is shown to people: thousands separators, fixed decimals, durations and UTC
 * times. Written by hand rather than with `toLocaleString` so output does not change with
 * the host's locale (golden tests, scripts that scrape text tables anyway).
 */
import type { Cell, CellFormat } from './document.js';

/** `1234567.891` → `1,234,567.9` with `decimals` digits after the point. */
export function groupThousands(n: number, decimals = 0): string {
  const fixed = Math.abs(n).toFixed(decimals);
  const [whole, frac] = fixed.split('.') as [string, string | undefined];
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const sign = n < 0 && Number(fixed) !== 0 ? '-' : '';
  return `${sign}${grouped}${frac ? `.${frac}` : ''}`;
}

/** Seconds as `3d 04h`, `2h 05m`, `4m 07s` or `12.3s`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '';
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)}s`;
  const s = Math.round(seconds);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const p2 = (x: number) => String(x).padStart(2, '0');
  if (d > 0) return `${d}d ${p2(h)}h`;
  if (h > 0) return `${h}h ${p2(m)}m`;
  return `${m}m ${p2(s % 60)}s`;
}

/**
 * A Date for epoch seconds, or undefined outside what a Date can hold: a store may keep
 * values loaded before ingest bounded them (a start time of 1e308), and one such run must
 * not stop `find` or a report from printing the others.
 */
function dateOf(epochSeconds: number): Date | undefined {
  const d = new Date(epochSeconds * 1000);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** Epoch seconds as `YYYY-MM-DD HH:MM:SS` in UTC (the header says UTC); the number itself when no date can show it. */
export function formatUtc(epochSeconds: number): string {
  return dateOf(epochSeconds)?.toISOString().replace('T', ' ').replace(/\.\d+Z$/, '') ?? `${epochSeconds} (not a time)`;
}

/** Epoch seconds as ISO-8601 UTC, for machine formats; the number as text when no date can show it. */
export function isoUtc(epochSeconds: number): string {
  return dateOf(epochSeconds)?.toISOString().replace(/\.000Z$/, 'Z') ?? String(epochSeconds);
}

/** The text of one cell for people. */
export function formatCell(v: Cell, format: CellFormat): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  switch (format) {
    case 'int': return groupThousands(Math.round(v));
    case 'hours': return groupThousands(v, 1);
    case 'number': return groupThousands(v, Number.isInteger(v) ? 0 : 1);
    case 'percent': return `${v.toFixed(1)}%`;
    case 'seconds': return formatDuration(v);
    case 'datetime': return v > 0 ? formatUtc(v) : '';
    case 'text': return String(v);
  }
}

/** True for formats that right-align. */
export function isNumeric(format: CellFormat): boolean {
  return format !== 'text' && format !== 'datetime';
}
