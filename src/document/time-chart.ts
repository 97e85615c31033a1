/**
 * Column chart of a time series: a value axis with round ticks and gridlines, a date under
 * every few columns, and partial buckets (the period starts or ends inside them) drawn pale
 * with a dashed outline and explained in a legend, so a half-covered day never reads as a drop.
 */
import type { SeriesPoint } from './document.js';
import { axisTicks, tickLabel } from './chart-axis.js';
import { groupThousands } from './format-cell.js';
import { escapeXml } from './svg-charts.js';

const WIDTH = 720;
const RIGHT = 10;
const TOP = 12;
const PLOT_H = 176;
const DATE_ROW = 20;
const LEGEND_ROW = 20;
/** about the width of one character of the 12px labels, for the margin the axis labels need */
const CHAR_W = 7.2;
/** at most this many dates under the axis: each is ten characters wide */
const MAX_DATES = 7;

/** A date's width in pixels at the 12px label size, and the least gap between two dates. */
const DATE_W = 66;
const DATE_GAP = 10;

interface DateLabel { readonly i: number; readonly x: number; readonly anchor: 'start' | 'middle' | 'end' }

/**
 * The dates under the columns: the first and the last (aligned to the plot's edges so they
 * never run outside the chart), and evenly spaced ones between that do not touch them.
 */
function dateLabels(n: number, left: number, step: number): DateLabel[] {
  if (n === 0) return [];
  const right = WIDTH - RIGHT;
  if (n === 1) return [{ i: 0, x: left + step / 2, anchor: 'middle' }];
  const every = Math.max(1, Math.ceil((n - 1) / (MAX_DATES - 1)));
  const out: DateLabel[] = [{ i: 0, x: left, anchor: 'start' }];
  for (let i = every; i < n - 1; i += every) {
    const x = left + (i + 0.5) * step;
    // clear of the first date's right edge and of the last date's left edge
    if (x - DATE_W / 2 >= left + DATE_W + DATE_GAP && x + DATE_W / 2 <= right - DATE_W - DATE_GAP) out.push({ i, x, anchor: 'middle' });
  }
  return [...out, { i: n - 1, x: right, anchor: 'end' }];
}

/**
 * The chart as inline SVG. `bucket` names a column in the legend ("day", "week").
 * @example timeChart([{ t: '2026-11-02', value: 3 }], 'runs', 'runs_by_time', 'day')
 */
export function timeChart(points: readonly SeriesPoint[], unit: string, id: string, bucket = 'day'): string {
  const ticks = axisTicks(Math.max(0, ...points.map((p) => p.value)));
  const labels = ticks.values.map((v) => tickLabel(v, ticks.step));
  const left = Math.ceil(Math.max(...labels.map((l) => l.length)) * CHAR_W) + 14;
  const plotW = WIDTH - left - RIGHT;
  const partial = points.some((p) => p.partial);
  const height = TOP + PLOT_H + DATE_ROW + (partial ? LEGEND_ROW : 0);
  const base = TOP + PLOT_H;
  const yOf = (v: number) => base - (v / ticks.top) * PLOT_H;

  const grid = ticks.values.map((v, i) => `<line x1="${left}" y1="${yOf(v).toFixed(1)}" x2="${WIDTH - RIGHT}" y2="${yOf(v).toFixed(1)}" class="${v === 0 ? 'axis' : 'grid'}"/>`
    + `<text x="${left - 6}" y="${(yOf(v) + 4).toFixed(1)}" text-anchor="end" class="val tick">${escapeXml(labels[i]!)}</text>`);
  const step = points.length ? plotW / points.length : plotW;
  const cols = points.map((p, i) => {
    const h = (p.value / ticks.top) * PLOT_H;
    const x = left + i * step + step * 0.1;
    const note = p.partial ? ` (partial ${bucket}: the period covers only part of it)` : '';
    return `<rect class="col${p.partial ? ' partial' : ''}" x="${x.toFixed(1)}" y="${(base - h).toFixed(1)}" width="${Math.max(1, step * 0.8).toFixed(1)}" height="${Math.max(h, 0.5).toFixed(1)}">`
      + `<title>${escapeXml(`${p.t}: ${groupThousands(p.value, 1)} ${unit}${note}`)}</title></rect>`;
  });
  const dates = dateLabels(points.length, left, step)
    .map((d) => `<text x="${d.x.toFixed(1)}" y="${base + 15}" text-anchor="${d.anchor}" class="val date">${escapeXml(points[d.i]!.t)}</text>`);
  const legend = partial
    ? `<g class="legend"><rect class="swatch" x="${left}" y="${base + DATE_ROW + 4}" width="14" height="11"/>`
      + `<text x="${left + 20}" y="${base + DATE_ROW + 14}" class="val">partial ${escapeXml(bucket)}: the period covers only part of it</text></g>`
    : '';
  const yAxis = `<line x1="${left}" y1="${TOP}" x2="${left}" y2="${base}" class="axis"/>`;
  return `<svg class="chart time-chart" id="chart-${escapeXml(id)}" xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="${escapeXml(unit)} per ${escapeXml(bucket)}">`
    + `${grid.join('')}${cols.join('')}${yAxis}${dates.join('')}${legend}</svg>`;
}
