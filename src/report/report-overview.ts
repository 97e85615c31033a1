/**
 * `xalt report overview`: one page on a period — totals, XALT's "overall job counts" split of
 * system vs user-built software (§8.1 item 2), MPI vs non-MPI, how runs ended, the top
 * executables and modules, and usage over time.
 *
 * Everything but the hosts and the series comes from one `periodUsage` (five sides: all, sys,
 * usr, MPI, non-MPI; labelled by executable and by module); both series from one pass.
 */
import type { DocTable, Row } from '../cli/output/document.js';
import { C, withShare } from './columns.js';
import { periodUsage } from './label-usage.js';
import type { ReportContext, SqlRow } from './report-context.js';
import { topRows } from './report-executables.js';
import { coreHourAndRunSeries } from './usage-series.js';
import type { ReportBody } from './report-body.js';

const SIDES = { all: '', sys: 'r.module_name IS NOT NULL', usr: 'r.module_name IS NULL', MPI: 'r.num_cores > 1', 'non-MPI': 'r.num_cores <= 1' } as const;

/** A run that did not end well, as in `xalt report success` (anything but ok). */
const FAILED = `r.has_end = 0 OR r.end_reason IN ('signal', 'job_end') OR COALESCE(r.exit_signal, 0) > 0 OR (r.exit_status IS NOT NULL AND r.exit_status > 0)`;

/** Rows of the `kinds` sides with shares of core-hours, runs and jobs, plus a Total row. */
function split(id: string, title: string, kinds: readonly string[], t: Readonly<Record<string, SqlRow>>): DocTable {
  const all = t['all']!;
  const present = kinds.filter((k) => Number(t[k]!['runs']) > 0); // every run weighs more than 0
  const rows = present.map((k) => ({ kind: k, core_hours: t[k]!['core_hours'] ?? 0, runs: t[k]!['runs'] ?? 0, users: t[k]!['users'] ?? 0, accounts: t[k]!['accounts'] ?? 0, jobs: t[k]!['jobs'] ?? 0 }))
    .sort((a, b) => Number(b.core_hours) - Number(a.core_hours) || (a.kind < b.kind ? -1 : 1));
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
  const labels = [{ label: 'app_name', key: 'executable' }, { label: 'module_name', key: 'module' }] as const;
  const u = await periodUsage(ctx, SIDES, labels, { gpu_hours: `r.run_time * r.num_gpus * ${ctx.w} / 3600e0`, failed: `CASE WHEN ${FAILED} THEN ${ctx.w} ELSE 0 END` });
  const src = ctx.source();
  const [hosts] = await ctx.rows(`SELECT COUNT(DISTINCT r.host) AS hosts FROM ${src.sql}`, src.params, ['hosts']);
  const all = u.totals['all']!;
  const runs = Number(all['runs']);
  const failed = u.extras['failed'] ?? 0;
  const summary: Row[] = [
    { measure: 'Core-hours', value: Number(all['core_hours']) },
    { measure: 'GPU-hours', value: u.extras['gpu_hours'] ?? 0 },
    { measure: 'Runs', value: runs },
    { measure: 'Failed runs (%)', value: runs ? (100 * failed) / runs : 0 },
    { measure: 'Jobs', value: Number(all['jobs']) },
    { measure: 'Users', value: Number(all['users']) },
    { measure: 'Accounts', value: Number(all['accounts']) },
    { measure: 'Executables', value: Number(all['executables']) },
    { measure: 'Hosts', value: Number(hosts?.['hosts'] ?? 0) },
  ];
  const topN = Math.min(ctx.spec.top, 10);
  const execs = topRows(u.byLabel['app_name']!['all']!, 'core_hours', 'executable', topN);
  const modules = topRows(u.byLabel['module_name']!['all']!, 'core_hours', 'module', topN);
  const t = u.totals;
  return {
    title: 'Overview',
    tables: [
      { id: 'summary', title: 'Summary', columns: [C.text('measure', 'Measure'), C.num('value', 'Value')], rows: summary },
      split('sys_vs_usr', 'Overall job counts: system (module) vs user executables', ['sys', 'usr'], t),
      split('mpi_vs_non_mpi', 'MPI (num_cores > 1) vs non-MPI', ['MPI', 'non-MPI'], t),
      { id: 'top_executables', title: `Top ${topN} executables sorted by core-hours`, columns: [C.coreHours, C.runs, C.users, C.accounts, C.jobs, C.text('executable', 'Executable')], rows: execs, chart: { label: 'executable', value: 'core_hours' } },
      { id: 'top_modules', title: `Top ${topN} modules sorted by core-hours`, columns: [C.coreHours, C.runs, C.users, C.accounts, C.jobs, C.text('module', 'Module')], rows: modules, chart: { label: 'module', value: 'core_hours' } },
    ],
    series: await coreHourAndRunSeries(ctx),
  };
}
