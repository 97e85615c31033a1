/**
 * `xalt report overview`: one page on a period — totals, XALT's "overall job counts" split of
 * system vs user-built software (§8.1 item 2), MPI vs non-MPI, how runs ended, the top
 * executables and modules, and usage over time.
 */
import type { DocTable, Row } from '../cli/output/document.js';
import { C, withShare } from './columns.js';
import { groupedUsage, totals } from './grouped-usage.js';
import { MEASURE_KEYS, type ReportContext } from './report-context.js';
import { coreHourSeries, runSeries } from './usage-series.js';
import type { ReportBody } from './report-body.js';

/** Rows of `label` groups with shares of core-hours, runs and jobs, plus a Total row. */
async function split(ctx: ReportContext, id: string, title: string, label: string, all: Row): Promise<DocTable> {
  const w = ctx.source();
  const rows = await ctx.rows(`SELECT ${label} AS kind, ${ctx.measures} FROM ${w.sql} GROUP BY ${label} ORDER BY core_hours DESC`, w.params, MEASURE_KEYS);
  let shared = withShare(rows, 'core_hours', Number(all['core_hours']));
  shared = withShare(shared, 'runs', Number(all['runs']));
  shared = withShare(shared, 'jobs', Number(all['jobs']));
  const total = { kind: 'Total', core_hours: all['core_hours'] ?? 0, core_hours_pct: 100, runs: all['runs'] ?? 0, runs_pct: 100, jobs: all['jobs'] ?? 0, jobs_pct: 100, users: all['users'] ?? 0, accounts: all['accounts'] ?? 0 };
  return {
    id, title,
    columns: [C.text('kind', 'Kind'), C.coreHours, C.coreHoursPct, C.runs, C.runsPct, C.jobs, C.jobsPct, C.users, C.accounts],
    rows: rows.length ? [...shared, total] : [],
  };
}

export async function overviewReport(ctx: ReportContext): Promise<ReportBody> {
  const all = await totals(ctx);
  const w = ctx.source();
  const failedRows = await ctx.rows(`SELECT SUM(CASE WHEN r.has_end = 0 OR r.end_reason IN ('signal', 'job_end') OR COALESCE(r.exit_signal, 0) > 0 OR (r.exit_status IS NOT NULL AND r.exit_status > 0) THEN ${ctx.w} ELSE 0 END) AS failed, COUNT(DISTINCT r.host) AS hosts FROM ${w.sql}`, w.params, ['failed', 'hosts']);
  const failed = Number(failedRows[0]?.['failed'] ?? 0);
  const runs = Number(all['runs']);
  const summary: Row[] = [
    { measure: 'Core-hours', value: Number(all['core_hours']) },
    { measure: 'GPU-hours', value: Number(all['gpu_hours']) },
    { measure: 'Runs', value: runs },
    { measure: 'Failed runs (%)', value: runs ? (100 * failed) / runs : 0 },
    { measure: 'Jobs', value: Number(all['jobs']) },
    { measure: 'Users', value: Number(all['users']) },
    { measure: 'Accounts', value: Number(all['accounts']) },
    { measure: 'Executables', value: Number(all['executables']) },
    { measure: 'Hosts', value: Number(failedRows[0]?.['hosts'] ?? 0) },
  ];
  const topN = Math.min(ctx.spec.top, 10);
  const execs = await groupedUsage(ctx, { label: 'r.app_name', key: 'executable', limit: topN });
  const modules = await groupedUsage(ctx, { label: 'r.module_name', key: 'module', where: 'r.module_name IS NOT NULL', limit: topN });
  return {
    title: 'Overview',
    tables: [
      { id: 'summary', title: 'Summary', columns: [C.text('measure', 'Measure'), C.num('value', 'Value')], rows: summary },
      await split(ctx, 'sys_vs_usr', 'Overall job counts: system (module) vs user executables', `CASE WHEN r.module_name IS NOT NULL THEN 'sys' ELSE 'usr' END`, all),
      await split(ctx, 'mpi_vs_non_mpi', 'MPI (num_cores > 1) vs non-MPI', `CASE WHEN r.num_cores > 1 THEN 'MPI' ELSE 'non-MPI' END`, all),
      { id: 'top_executables', title: `Top ${topN} executables sorted by core-hours`, columns: [C.coreHours, C.runs, C.users, C.accounts, C.jobs, C.text('executable', 'Executable')], rows: execs, chart: { label: 'executable', value: 'core_hours' } },
      { id: 'top_modules', title: `Top ${topN} modules sorted by core-hours`, columns: [C.coreHours, C.runs, C.users, C.accounts, C.jobs, C.text('module', 'Module')], rows: modules, chart: { label: 'module', value: 'core_hours' } },
    ],
    series: [await coreHourSeries(ctx), await runSeries(ctx)],
  };
}
