/**
 * `xalt report executables`: XALT's usage report core (reference/xalt-upstream.md §8.1 item 4):
 * top executables for all runs, MPI runs (num_cores > 1) and non-MPI runs by core-hours,
 * plus the top by runs and by users. Names are xalt_run.app_name (the site's naming rules).
 *
 * Two queries serve all five tables: every executable's measures (sorted three ways here),
 * and the same split by MPI/non-MPI. Distinct users cannot be added up across the split,
 * hence the second query rather than summing the first.
 */
import type { DocTable } from '../cli/output/document.js';
import { C, measureColumns } from './columns.js';
import { groupedUsage } from './grouped-usage.js';
import { MEASURE_KEYS, type ReportContext, type SqlRow } from './report-context.js';
import { coreHourSeries } from './usage-series.js';
import type { ReportBody } from './report-body.js';

/** The first `n` rows by `key` descending, ties by label — the order SQL would give. */
export function topRows(rows: readonly SqlRow[], key: string, label: string, n: number): SqlRow[] {
  const byLabel = (a: SqlRow, b: SqlRow) => (String(a[label]) < String(b[label]) ? -1 : String(a[label]) > String(b[label]) ? 1 : 0);
  return [...rows].sort((a, b) => Number(b[key]) - Number(a[key]) || byLabel(a, b)).slice(0, n);
}

const MPI = 'CASE WHEN r.num_cores > 1 THEN 1 ELSE 0 END';

async function bySplit(ctx: ReportContext): Promise<SqlRow[]> {
  const src = ctx.source();
  return ctx.rows(`SELECT r.app_name AS executable, ${MPI} AS mpi, ${ctx.measures} FROM ${src.sql} GROUP BY r.app_name, ${MPI}`, src.params, [...MEASURE_KEYS, 'mpi']);
}

function coreHourTable(ctx: ReportContext, id: string, style: string, rows: readonly SqlRow[]): DocTable {
  const top = topRows(rows, 'core_hours', 'executable', ctx.spec.top).map(({ mpi: _mpi, ...r }) => r);
  const listed = top.reduce((s, r) => s + Number(r['core_hours']), 0);
  return {
    id, title: `Top ${ctx.spec.top} ${style} executables sorted by core-hours`, columns: measureColumns('executable', 'Executable'),
    rows: top, chart: { label: 'executable', value: 'core_hours' }, note: `core-hours of the listed executables: ${listed.toFixed(1)}`,
  };
}

export async function executablesReport(ctx: ReportContext): Promise<ReportBody> {
  const all = await groupedUsage(ctx, { label: 'r.app_name', key: 'executable', limit: null });
  const split = await bySplit(ctx);
  const top = ctx.spec.top;
  const tables: DocTable[] = [
    coreHourTable(ctx, 'all_by_core_hours', 'All', all),
    coreHourTable(ctx, 'mpi_by_core_hours', 'MPI', split.filter((r) => r['mpi'] === 1)),
    coreHourTable(ctx, 'non_mpi_by_core_hours', 'Non-MPI', split.filter((r) => r['mpi'] === 0)),
    { id: 'all_by_runs', title: `Top ${top} executables sorted by # runs`, columns: [C.runs, C.users, C.coreHours, C.accounts, C.jobs, C.text('executable', 'Executable')], rows: topRows(all, 'runs', 'executable', top) },
    { id: 'all_by_users', title: `Top ${top} executables sorted by # users`, columns: [C.users, C.runs, C.coreHours, C.accounts, C.jobs, C.text('executable', 'Executable')], rows: topRows(all, 'users', 'executable', top) },
  ];
  return { title: 'Executables', tables, series: [await coreHourSeries(ctx)] };
}
