/**
 * Aligned text tables in the style of Slurm's sacct/sreport and XALT's BeautifulTbl: a
 * header, a dashed rule, text left-aligned and numbers right-aligned, two spaces between
 * columns.
 */
import type { DocTable, Document } from './document.js';
import { formatCell, isNumeric } from './format-cell.js';

export interface TextOptions {
  /** omit the header and rule (for `cut`/`awk`) */
  readonly noHeader?: boolean;
}

/** One table as aligned text lines (no title). */
export function renderTextTable(t: DocTable, options: TextOptions = {}): string {
  // control characters (a tab in a command line) would break the alignment
  const cells = t.rows.map((r) => t.columns.map((c) => formatCell(r[c.key] ?? null, c.format).replace(/[\x00-\x1f\x7f]+/g, ' ')));
  const widths = t.columns.map((c, i) => Math.max(options.noHeader ? 0 : c.header.length, ...cells.map((r) => r[i]!.length)));
  const line = (vals: readonly string[]) =>
    vals.map((v, i) => (isNumeric(t.columns[i]!.format) ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join('  ').trimEnd();
  const out: string[] = [];
  if (!options.noHeader) {
    out.push(line(t.columns.map((c) => c.header)));
    out.push(widths.map((w) => '-'.repeat(w)).join('  '));
  }
  for (const r of cells) out.push(line(r));
  return `${out.join('\n')}\n`;
}

/** A whole document: title, meta lines, then each table under its title. */
export function renderText(doc: Document, options: TextOptions = {}): string {
  const parts: string[] = [];
  if (!options.noHeader) {
    parts.push(`${doc.title}\n`);
    const shown = doc.meta.filter((m) => m.label !== undefined);
    const width = Math.max(0, ...shown.map((m) => m.label!.length));
    if (shown.length) parts.push(`${shown.map((m) => `  ${`${m.label}:`.padEnd(width + 1)} ${m.text ?? m.value ?? ''}`).join('\n')}\n`);
  }
  for (const t of doc.tables) {
    const body = t.rows.length ? renderTextTable(t, options) : '(none)\n';
    const note = t.note ? `${t.note}\n` : '';
    parts.push(options.noHeader ? body : `${t.title}\n\n${body}${note}`);
  }
  return parts.join('\n');
}
