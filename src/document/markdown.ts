/** GitHub-flavoured Markdown: a heading per table, numbers right-aligned, pipes escaped. */
import type { DocTable, Document } from './document.js';
import { formatCell, isNumeric } from './format-cell.js';

const esc = (s: string) => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

function mdTable(t: DocTable): string {
  if (t.rows.length === 0) return '_(none)_\n';
  const head = `| ${t.columns.map((c) => esc(c.header)).join(' | ')} |`;
  const rule = `|${t.columns.map((c) => (isNumeric(c.format) ? '---:' : ':---')).join('|')}|`;
  const body = t.rows.map((r) => `| ${t.columns.map((c) => esc(formatCell(r[c.key] ?? null, c.format))).join(' | ')} |`);
  return `${[head, rule, ...body].join('\n')}\n`;
}

/** Render a document as Markdown. */
export function renderMarkdown(doc: Document): string {
  const parts = [`# ${esc(doc.title)}\n`];
  const shown = doc.meta.filter((m) => m.label !== undefined);
  if (shown.length) parts.push(`${shown.map((m) => `- **${esc(m.label!)}**: ${esc(m.text ?? String(m.value ?? ''))}`).join('\n')}\n`);
  for (const t of doc.tables) parts.push(`## ${esc(t.title)}\n\n${mdTable(t)}${t.note ? `\n${esc(t.note)}\n` : ''}`);
  return parts.join('\n');
}
