/**
 * `xalt report executables`: XALT's usage report core:
 * top executables for all runs, MPI runs (num_tasks > 1) and non-MPI runs by core-hours,
 * plus the top by runs and by users. Names are xalt_run.app_name (the site's naming rules).
 *
 * One `labelUsage` serves all five tables: per executable, the measures of all its runs and
 * of its MPI and non-MPI runs (distinct users cannot be added up across the split, so each
 * side counts its own), sorted three ways here. Over a large period it walks the app_name
 * covering index, so SQL sorts nothing.
 */
import type { DocTable } from '../document/document.js';
import { C, measureColumns } from './columns.js';
import { labelUsage } from './label-usage.js';
import type { ReportContext, SqlRow } from './report-context.js';
import { coreHourSeries } from './usage-series.js';
import type { ReportBody } from './report-body.js';

/** The first `n` rows by `key` descending, ties by label — the order SQL would give. */
export function topRows(rows: readonly SqlRow[], key: string, label: string, n: number): SqlRow[] {
  const byLabel = (a: SqlRow, b: SqlRow) => (String(a[label]) < String(b[label]) ? -1 : String(a[label]) > String(b[label]) ? 1 : 0);
  return [...rows].sort((a, b) => Number(b[key]) - Number(a[key]) || byLabel(a, b)).slice(0, n);
}

const SIDES = { all: '', mpi: 'r.num_tasks > 1', non_mpi: 'r.num_tasks <= 1' } as const;

function coreHourTable(ctx: ReportContext, id: string, style: string, rows: readonly SqlRow[]): DocTable {
  const top = topRows(rows, 'core_hours', 'executable', ctx.spec.top);
  const listed = top.reduce((s, r) => s + Number(r['core_hours']), 0);
  return {
    id, title: `Top ${ctx.spec.top} ${style} executables sorted by core-hours`, columns: measureColumns('executable', 'Executable'),
    rows: top, chart: { label: 'executable', value: 'core_hours' }, note: `core-hours of the listed executables: ${listed.toFixed(1)}`,
  };
}

export async function executablesReport(ctx: ReportContext): Promise<ReportBody> {
  const by = await labelUsage(ctx, 'app_name', 'executable', SIDES) as Record<keyof typeof SIDES, SqlRow[]>;
  const top = ctx.spec.top;
  const tables: DocTable[] = [
    coreHourTable(ctx, 'all_by_core_hours', 'All', by.all),
    coreHourTable(ctx, 'mpi_by_core_hours', 'MPI', by.mpi),
    coreHourTable(ctx, 'non_mpi_by_core_hours', 'Non-MPI', by.non_mpi),
    { id: 'all_by_runs', title: `Top ${top} executables sorted by # runs`, columns: [C.runs, C.users, C.coreHours, C.accounts, C.jobs, C.text('executable', 'Executable')], rows: topRows(by.all, 'runs', 'executable', top) },
    { id: 'all_by_users', title: `Top ${top} executables sorted by # users`, columns: [C.users, C.runs, C.coreHours, C.accounts, C.jobs, C.text('executable', 'Executable')], rows: topRows(by.all, 'users', 'executable', top) },
  ];
  return { title: 'Executables', tables, series: [await coreHourSeries(ctx)] };
}
