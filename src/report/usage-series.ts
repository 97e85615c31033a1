/**
 * Usage over time for the HTML charts and JSON: core-hours and runs per day, or per week
 * (starting Monday, UTC) when the period is longer than about three months. A bucket the
 * period covers only in part (it starts at 14:00, or a week from a Wednesday) is marked
 * `partial`, so its smaller value is not read as a drop.
 */
import type { Series, SeriesPoint } from '../document/document.js';
import type { ReportContext, SqlRow } from './report-context.js';

const DAY = 86400;

/** Day number since the epoch of `r.start_time`, in this database's SQL: the days of the daily usage totals. */
function dayExpr(ctx: ReportContext): string {
  return ctx.q.dialect.day('r.start_time');
}

/** Monday of the week holding day number `d` (day 0, 1970-01-01, was a Thursday). */
const weekStart = (d: number) => d - ((d + 3) % 7);
const isoDay = (d: number) => new Date(d * DAY * 1000).toISOString().slice(0, 10);

interface Measure { id: string; title: string; unit: string; sql: string }

/** `measure` per bucket over the period, with empty buckets filled with 0. */
export async function usageSeries(ctx: ReportContext, measure: Measure, where?: string): Promise<Series> {
  const [one] = await usageSeriesOf(ctx, [measure], where);
  return one!;
}

/** Several measures per bucket from one pass over the period. */
async function usageSeriesOf(ctx: ReportContext, measures: readonly Measure[], where?: string): Promise<Series[]> {
  // every column a series reads is in the app_name covering index: over a large period, walking it beats reading the table
  const w = await ctx.sourceBy('app_name', where);
  const cols = measures.map((m, i) => `${m.sql} AS v${i}`).join(', ');
  const rows = await ctx.rows(`SELECT ${dayExpr(ctx)} AS d, ${cols} FROM ${w.sql} GROUP BY ${dayExpr(ctx)}`, w.params, ['d', ...measures.map((_, i) => `v${i}`)]);
  return measures.map((m, i) => toSeries(ctx, m, rows, `v${i}`));
}

function toSeries(ctx: ReportContext, measure: Measure, rows: readonly SqlRow[], v: string): Series {
  const bucket: Series['bucket'] = ctx.spec.until - ctx.spec.since > 92 * DAY ? 'week' : 'day';
  const key = (d: number) => (bucket === 'week' ? weekStart(d) : d);
  const sums = new Map<number, number>();
  for (const r of rows) sums.set(key(Number(r['d'])), (sums.get(key(Number(r['d']))) ?? 0) + Number(r[v]));
  let first = key(Math.floor(ctx.spec.since / DAY));
  let last = key(Math.floor((ctx.spec.until - 1) / DAY));
  if ((last - first) / (bucket === 'week' ? 7 : 1) > 400 && sums.size) {
    // an open-ended period (--since 2000-01-01): chart the span that has data, not decades of zeros
    first = Math.max(first, Math.min(...sums.keys()));
    last = Math.min(last, Math.max(...sums.keys()));
  }
  const len = bucket === 'week' ? 7 : 1;
  const points: SeriesPoint[] = [];
  for (let d = first; d <= last; d += len) {
    // a bucket the period starts or ends inside holds only part of its usage: the chart says so
    const partial = d * DAY < ctx.spec.since || (d + len) * DAY > ctx.spec.until;
    points.push({ t: isoDay(d), value: sums.get(d) ?? 0, ...(partial ? { partial: true as const } : {}) });
  }
  return { id: measure.id, title: `${measure.title} per ${bucket}`, bucket, unit: measure.unit, points };
}

const coreHours = (ctx: ReportContext): Measure => ({ id: 'core_hours_by_time', title: 'Core-hours', unit: 'core-hours', sql: `SUM(r.run_time * r.num_cores * ${ctx.w}) / 3600e0` });
const runs = (ctx: ReportContext): Measure => ({ id: 'runs_by_time', title: 'Runs', unit: 'runs', sql: `SUM(${ctx.w})` });

/** Core-hours per bucket. */
export function coreHourSeries(ctx: ReportContext): Promise<Series> {
  return usageSeries(ctx, coreHours(ctx));
}

/** Core-hours and runs per bucket from per-day rows: day number `d`, core-hours `core_hours`, runs `runs`. */
export function coreHourAndRunSeriesOf(ctx: ReportContext, days: readonly SqlRow[]): Series[] {
  return [toSeries(ctx, coreHours(ctx), days, 'core_hours'), toSeries(ctx, runs(ctx), days, 'runs')];
}

/**
 * The failure rate (failed runs as a share of runs, %) per week starting Monday, from per-day
 * rows: day number `d`, runs `runs`, failed runs `failed`. A week without runs is 0. The first
 * and last weeks may be cut by the period: their rates are those of the days inside it.
 */
export function weeklyFailureRate(ctx: ReportContext, days: readonly SqlRow[]): Series {
  const runs = new Map<number, number>();
  const failed = new Map<number, number>();
  for (const r of days) {
    const w = weekStart(Number(r['d']));
    runs.set(w, (runs.get(w) ?? 0) + Number(r['runs']));
    failed.set(w, (failed.get(w) ?? 0) + Number(r['failed']));
  }
  let first = weekStart(Math.floor(ctx.spec.since / DAY));
  let last = weekStart(Math.floor((ctx.spec.until - 1) / DAY));
  if ((last - first) / 7 > 400 && runs.size) {
    first = Math.max(first, Math.min(...runs.keys()));
    last = Math.min(last, Math.max(...runs.keys()));
  }
  const points: { t: string; value: number }[] = [];
  for (let w = first; w <= last; w += 7) {
    const n = runs.get(w) ?? 0;
    points.push({ t: isoDay(w), value: n > 0 ? (100 * (failed.get(w) ?? 0)) / n : 0 });
  }
  return { id: 'failure_rate_by_week', title: 'Failed runs (% of runs) per week', bucket: 'week', unit: '%', points };
}
