/** The query most reports are made of: the standard measures grouped by one label, top N. */
import type { SqlValue } from '../db/store.js';
import { MEASURE_KEYS, type CoverIndex, type ReportContext, type SqlRow } from './report-context.js';

export interface GroupedUsage {
  /** SQL expression over `r` (and joined aliases) giving the label */
  readonly label: string;
  /** key of the label in the rows */
  readonly key: string;
  /** extra condition on xalt_run columns */
  readonly where?: string;
  /** condition on the joined tables, applied after the joins */
  readonly outerWhere?: string;
  /** parameters of `where` */
  readonly params?: readonly SqlValue[];
  /** joins after `FROM xalt_run r` */
  readonly joins?: string;
  /** measure to sort by (default core_hours) */
  readonly orderBy?: 'core_hours' | 'runs' | 'users' | 'jobs' | 'gpu_hours';
  /** more select-list items, with their numeric keys */
  readonly more?: readonly { readonly sql: string; readonly key: string; readonly text?: boolean }[];
  /** rows to return (default: the report's --top; null: all) */
  readonly limit?: number | null;
  /**
   * Read the runs through this covering index when it pays: grouping by its first column then
   * needs no sort, and any other grouping still reads narrow index entries instead of table rows.
   * Only for queries whose columns the index holds (no joins to run_uuid, build ids, host).
   */
  readonly cover?: CoverIndex;
}

/** Measures per label, sorted by `orderBy` then label, at most `limit` rows. */
export async function groupedUsage(ctx: ReportContext, g: GroupedUsage): Promise<SqlRow[]> {
  const src = g.cover ? await ctx.sourceBy(g.cover, g.where) : ctx.source(g.where);
  const more = (g.more ?? []).map((m) => `, ${m.sql} AS ${m.key}`).join('');
  const order = g.orderBy ?? 'core_hours';
  const sql = `SELECT ${g.label} AS ${g.key}, ${ctx.measures}${more} FROM ${src.sql} ${g.joins ?? ''}${g.outerWhere ? ` WHERE ${g.outerWhere}` : ''}`
    + ` GROUP BY ${g.label} ORDER BY ${order} DESC, ${g.key}${g.limit === null ? '' : ' LIMIT ?'}`;
  const limit = g.limit === null ? [] : [g.limit ?? ctx.spec.top];
  return ctx.rows(sql, [...src.params, ...(g.params ?? []), ...limit], [...MEASURE_KEYS, ...(g.more ?? []).filter((m) => !m.text).map((m) => m.key)]);
}

/** The measures over every run in the period matching `where`: one row. */
export async function totals(ctx: ReportContext, where?: string, joins = ''): Promise<SqlRow> {
  const w = joins ? ctx.source(where) : await ctx.sourceBy('app_name', where);
  const rows = await ctx.rows(`SELECT ${ctx.measures}, ${ctx.gpuHours} AS gpu_hours, COUNT(DISTINCT r.app_name) AS executables FROM ${w.sql} ${joins}`, w.params, [...MEASURE_KEYS, 'gpu_hours', 'executables']);
  return rows[0] ?? { core_hours: 0, runs: 0, users: 0, accounts: 0, jobs: 0, gpu_hours: 0, executables: 0 };
}

/**
 * Core-hours and runs (and, if asked, distinct users) over the period's runs matching `where`:
 * for shares of the period's totals, without `totals`' distinct jobs and accounts.
 */
export async function periodSums(ctx: ReportContext, where?: string, users = false): Promise<SqlRow> {
  const w = await ctx.sourceBy('app_name', where);
  const u = users ? ', COUNT(DISTINCT r.user) AS users' : '';
  const [row] = await ctx.rows(`SELECT SUM(r.run_time * r.num_cores * ${ctx.w}) / 3600e0 AS core_hours, SUM(${ctx.w}) AS runs${u} FROM ${w.sql}`, w.params, ['core_hours', 'runs', 'users']);
  return row ?? { core_hours: 0, runs: 0, users: 0 };
}
