/**
 * `xalt report executables`: XALT's usage report core (reference/xalt-upstream.md §8.1 item 4):
 * top executables for all runs, MPI runs (num_cores > 1) and non-MPI runs by core-hours,
 * plus the top by runs and by users. Names are xalt_run.app_name (the site's naming rules).
 */
import type { DocTable } from '../cli/output/document.js';
import { C, measureColumns } from './columns.js';
import { groupedUsage } from './grouped-usage.js';
import type { ReportContext } from './report-context.js';
import { coreHourSeries } from './usage-series.js';
import type { ReportBody } from './report-body.js';

const STYLES = [
  { id: 'all', title: 'All', where: undefined },
  { id: 'mpi', title: 'MPI', where: 'r.num_cores > 1' },
  { id: 'non_mpi', title: 'Non-MPI', where: 'r.num_cores <= 1' },
] as const;

/** Top-N executables by core-hours for one style, titled with their total like XALT. */
async function styleTable(ctx: ReportContext, style: (typeof STYLES)[number]): Promise<DocTable> {
  const rows = await groupedUsage(ctx, { label: 'r.app_name', key: 'executable', ...(style.where ? { where: style.where } : {}) });
  const listed = rows.reduce((s, r) => s + Number(r['core_hours']), 0);
  return {
    id: `${style.id}_by_core_hours`, title: `Top ${ctx.spec.top} ${style.title} executables sorted by core-hours`,
    columns: measureColumns('executable', 'Executable'), rows, chart: { label: 'executable', value: 'core_hours' },
    note: `core-hours of the listed executables: ${listed.toFixed(1)}`,
  };
}

export async function executablesReport(ctx: ReportContext): Promise<ReportBody> {
  const tables: DocTable[] = [];
  for (const style of STYLES) tables.push(await styleTable(ctx, style));
  const cols = [C.runs, C.users, C.coreHours, C.accounts, C.jobs, C.text('executable', 'Executable')];
  tables.push({ id: 'all_by_runs', title: `Top ${ctx.spec.top} executables sorted by # runs`, columns: cols, rows: await groupedUsage(ctx, { label: 'r.app_name', key: 'executable', orderBy: 'runs' }) });
  tables.push({ id: 'all_by_users', title: `Top ${ctx.spec.top} executables sorted by # users`, columns: [C.users, C.runs, C.coreHours, C.accounts, C.jobs, C.text('executable', 'Executable')], rows: await groupedUsage(ctx, { label: 'r.app_name', key: 'executable', orderBy: 'users' }) });
  return { title: 'Executables', tables, series: [await coreHourSeries(ctx)] };
}
