/**
 * The period's daily usage totals (src/db/usage-day.ts) as a FROM item aliased `u`, with the
 * columns of xalt_usage_day: the stored rows of every whole UTC day inside the period, and
 * for the partial days at its ends the same rows computed from the runs — so the sums are
 * those of exactly the period's runs, for any --since and --until. The stored rows hold no
 * flagged run; a report that includes them adds the rows their runs make (found through the
 * (flagged, start_time) index: there are few).
 *
 * A 1,000,000-run store has tens of thousands of these rows: summing them costs milliseconds
 * where summing the runs costs a pass over a million rows per measure.
 */
import type { SqlValue } from '../db/store.js';
import { USAGE_DAY_KEY } from '../db/schema-tables.js';
import { USAGE_DAY_SUMS, usageDaySelect } from '../db/usage-day.js';
import type { ReportContext } from './report-context.js';

const DAY = 86400;

/** The runs in [from, to) the report covers, as usage rows computed from xalt_run; flagged runs only, if asked. */
function fromRuns(ctx: ReportContext, from: number, to: number, flagged: 'none' | 'only' = 'none'): { sql: string; params: SqlValue[] } {
  const runs = ctx.runsIn(from, to);
  return { sql: usageDaySelect(ctx.q.dialect, runs.sql, flagged), params: runs.params };
}

/** The period's usage rows as `(…) u`. */
export function usageRows(ctx: ReportContext): { sql: string; params: SqlValue[] } {
  const { since, until, syshost } = ctx.spec;
  const first = Math.ceil(since / DAY); // the first whole day
  const end = Math.floor(until / DAY); // the day after the last whole day
  const flagged = ctx.spec.includeFlagged ? [fromRuns(ctx, since, until, 'only')] : [];
  // the stored totals are per cluster, executable, module and library set, not per user or
  // account: a report on some users' (accounts', executables') runs computes its rows from those runs
  const filter = ctx.usageFilter();
  if (first >= end || filter === null) {
    const all = [fromRuns(ctx, since, until), ...flagged];
    return { sql: `(${all.map((x) => x.sql).join(' UNION ALL ')}) u`, params: all.flatMap((x) => x.params) };
  }
  const cols = [...USAGE_DAY_KEY, ...USAGE_DAY_SUMS].map(ctx.q.dialect.quote).join(', ');
  const parts = [`SELECT ${cols} FROM xalt_usage_day WHERE day >= ? AND day < ?${syshost !== undefined ? ' AND syshost = ?' : ''}${filter.sql ? ` AND ${filter.sql}` : ''}`];
  const params: SqlValue[] = [first, end, ...(syshost !== undefined ? [syshost] : []), ...filter.params];
  for (const [from, to] of [[since, first * DAY], [end * DAY, until]] as const) {
    if (from >= to) continue;
    const part = fromRuns(ctx, from, to);
    parts.push(part.sql);
    params.push(...part.params);
  }
  for (const part of flagged) {
    parts.push(part.sql);
    params.push(...part.params);
  }
  return { sql: `(${parts.join(' UNION ALL ')}) u`, params };
}

/** The columns of usage rows `u` to add up, weighted by 1/probability or not as the report asks. */
export function usageColumns(ctx: ReportContext): { runs: string; coreSeconds: string; gpuSeconds: string; failed: string } {
  const w = ctx.spec.weighted ? '_w' : '';
  return { runs: `u.runs${w}`, coreSeconds: `u.core_s${w}`, gpuSeconds: `u.gpu_s${w}`, failed: `u.failed${w}` };
}
