/**
 * Inline SVG charts for the HTML page: horizontal bars for a top-N table here, columns for a
 * time series in time-chart.ts. Plain SVG with no script, fonts or external references, so the page opens
 * offline and prints.
 */
import { groupThousands } from './format-cell.js';

/** Escape text for HTML/SVG content and attribute values. */
export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

function shorten(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** Horizontal bar chart: one bar per item, longest = full width. */
export function barChart(items: readonly { label: string; value: number }[], unit: string, id: string): string {
  const width = 720;
  const labelW = 220;
  const valueW = 90;
  const rowH = 22;
  const barMax = width - labelW - valueW;
  const max = Math.max(0, ...items.map((i) => i.value));
  const height = items.length * rowH + 8;
  const rows = items.map((it, i) => {
    const w = max > 0 ? Math.max(1, (it.value / max) * barMax) : 1;
    const y = 4 + i * rowH;
    const shown = groupThousands(it.value, it.value < 100 && !Number.isInteger(it.value) ? 1 : 0);
    return `<g><text x="${labelW - 6}" y="${y + 15}" text-anchor="end" class="lbl">${escapeXml(shorten(it.label, 32))}</text>`
      + `<rect class="bar" x="${labelW}" y="${y + 3}" width="${w.toFixed(1)}" height="${rowH - 6}"><title>${escapeXml(`${it.label}: ${shown} ${unit}`)}</title></rect>`
      + `<text x="${(labelW + w + 4).toFixed(1)}" y="${y + 15}" class="val">${escapeXml(shown)}</text></g>`;
  });
  return `<svg class="chart bar-chart" id="chart-${escapeXml(id)}" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(unit)} by item">${rows.join('')}</svg>`;
}
