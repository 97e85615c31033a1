/**
 * A self-contained HTML page: inline CSS, inline SVG charts, no script and no external
 * reference of any kind, so it can be mailed, archived and opened on an air-gapped machine.
 */
import type { Column, DocTable, Document, Row } from './document.js';
import { formatCell, isNumeric } from './format-cell.js';
import { barChart, escapeXml } from './svg-charts.js';
import { timeChart } from './time-chart.js';

const STYLE = `
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2em auto;max-width:1000px;color:#1b1f24;padding:0 1em}
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.15em;margin-top:2em;border-bottom:1px solid #d0d7de;padding-bottom:.2em}
dl.meta{display:grid;grid-template-columns:max-content auto;gap:.1em 1em;color:#57606a}dl.meta dt{font-weight:600}dl.meta dd{margin:0}
table{border-collapse:collapse;margin:.5em 0}th,td{padding:.2em .7em;border-bottom:1px solid #eaeef2;white-space:nowrap}
th{background:#f6f8fa;text-align:left}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.chart{display:block;margin:.6em 0;max-width:100%;height:auto}.bar{fill:#2f81f7}.col{fill:#1f883d}.col.partial,.swatch{fill:#1f883d;fill-opacity:.3;stroke:#1f883d;stroke-dasharray:3 2}.axis{stroke:#8c959f}.grid{stroke:#d0d7de;stroke-width:.6}
.lbl,.val{font-size:12px;fill:#1b1f24}.note{color:#57606a;font-size:.9em}
@media print{h2{break-after:avoid}}`;

/** One table as HTML (for pages that place tables themselves); `cell` as in HtmlOptions. */
export function htmlTable(t: DocTable, cell?: HtmlOptions['cell']): string {
  if (t.rows.length === 0) return '<p class="note">(none)</p>';
  const cls = (numeric: boolean) => (numeric ? ' class="num"' : '');
  const head = t.columns.map((c) => `<th${cls(isNumeric(c.format))}>${escapeXml(c.header)}</th>`).join('');
  const td = (c: Column, r: Row) => {
    const text = formatCell(r[c.key] ?? null, c.format);
    return `<td${cls(isNumeric(c.format))}>${cell?.(t, c, r, text) ?? escapeXml(text)}</td>`;
  };
  const body = t.rows.map((r) => `<tr>${t.columns.map((c) => td(c, r)).join('')}</tr>`);
  return `<table id="table-${escapeXml(t.id)}"><thead><tr>${head}</tr></thead><tbody>${body.join('')}</tbody></table>`;
}

function chartFor(t: DocTable): string {
  if (!t.chart || t.rows.length === 0) return '';
  const valueCol = t.columns.find((c) => c.key === t.chart!.value);
  const items = t.rows.map((r) => ({ label: String(r[t.chart!.label] ?? ''), value: Number(r[t.chart!.value] ?? 0) }));
  return barChart(items, valueCol?.header ?? t.chart.value, t.id);
}

export interface HtmlOptions {
  /** trusted HTML placed above the title (the dashboard's navigation) */
  readonly header?: string;
  /** extra CSS */
  readonly style?: string;
  /** extra CSP directives (the dashboard allows its own form) */
  readonly csp?: string;
  /**
   * Trusted HTML for a cell instead of its escaped text (the dashboard's links), or
   * undefined to keep the text. `text` is the cell as people see it.
   */
  readonly cell?: (table: DocTable, column: Column, row: Row, text: string) => string | undefined;
}

/** Render a document as a standalone HTML page. */
export function renderHtml(doc: Document, options: HtmlOptions = {}): string {
  const shown = doc.meta.filter((m) => m.label !== undefined);
  const meta = shown.length
    ? `<dl class="meta">${shown.map((m) => `<dt>${escapeXml(m.label!)}</dt><dd>${escapeXml(m.text ?? String(m.value ?? ''))}</dd>`).join('')}</dl>`
    : '';
  const series = (doc.series ?? []).map((s) => `<section><h2>${escapeXml(s.title)}</h2>${s.points.length ? timeChart(s.points, s.unit, s.id, s.bucket) : '<p class="note">(no data)</p>'}</section>`);
  const tables = doc.tables.map((t) => `<section><h2>${escapeXml(t.title)}</h2>${chartFor(t)}${htmlTable(t, options.cell)}${t.note ? `<p class="note">${escapeXml(t.note)}</p>` : ''}</section>`);
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:${options.csp ? `; ${options.csp}` : ''}">
<title>${escapeXml(doc.title)}</title><style>${STYLE}${options.style ?? ''}</style></head>
<body>${options.header ?? ''}<h1>${escapeXml(doc.title)}</h1>${meta}${series.join('')}${tables.join('')}</body></html>
`;
}
