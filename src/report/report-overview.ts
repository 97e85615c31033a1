/**
 * `xalt report overview`: one page on a period — totals, XALT's "overall job counts" split of
 * system vs user-built software, MPI vs non-MPI, how runs ended, the top
 * executables and modules, and usage over time.
 *
 * Every sum (core-hours, GPU-hours, runs, failed runs; per side, executable, module and day)
 * comes from the period's daily usage totals (usage-rows.ts). The distinct counts come from
 * the runs (period-counts.ts): jobs per side in one pass in job order, jobs per executable and
 * per module in one pass each over their covering index, users and accounts from one pass of
 * distinct tuples, and hosts — on database servers all of them from one read of the daily
 * tuples (job-pass.ts).
 */
import type { DocTable, Row } from '../document/document.js';
import { C, withShare } from './columns.js';
import { hostCount, jobsPerLabel, jobsPerSide, peopleOf, type People, type RunKind } from './period-counts.js';
import type { CoverIndex, ReportContext, SqlRow } from './report-context.js';
import { topRows } from './report-executables.js';
import type { ReportBody } from './report-body.js';
import { usageColumns, usageRows } from './usage-rows.js';
import { coreHourAndRunSeriesOf } from './usage-series.js';

/** A side of the split tables: which runs (`run`, over xalt_run `r`), which usage rows (`row`, over `u`), and which kinds of run (`has`). */
interface Side { readonly run: string; readonly row: string; readonly has: (k: Pick<RunKind, 'module' | 'mpi'>) => boolean }

const SIDES: Readonly<Record<string, Side>> = {
  all: { run: '', row: '1 = 1', has: () => true },
  sys: { run: 'r.module_name IS NOT NULL', row: 'u.has_module = 1', has: (k) => k.module !== null },
  usr: { run: 'r.module_name IS NULL', row: 'u.has_module = 0', has: (k) => k.module === null },
  MPI: { run: 'r.num_tasks > 1', row: 'u.mpi = 1', has: (k) => k.mpi },
  'non-MPI': { run: 'r.num_tasks <= 1', row: 'u.mpi = 0', has: (k) => !k.mpi },
};
const SIDE_NAMES = Object.keys(SIDES);

/** Per side, runs present (`n`), core-hours and runs; and the period's GPU-hours and failed runs. */
async function sideSums(ctx: ReportContext): Promise<{ sides: Record<string, SqlRow>; gpuHours: number; failed: number }> {
  const u = usageRows(ctx);
  const c = usageColumns(ctx);
  // side names are labels ("non-MPI"), not identifiers: SQL aliases use the side's position
  const cols = SIDE_NAMES.flatMap((s, i) => {
    const when = (x: string) => `SUM(CASE WHEN ${SIDES[s]!.row} THEN ${x} ELSE 0 END)`;
    return [`${when('u.runs')} AS n${i}`, `${when(c.coreSeconds)} / 3600e0 AS ch${i}`, `${when(c.runs)} AS r${i}`];
  });
  const keys = SIDE_NAMES.flatMap((_, i) => [`n${i}`, `ch${i}`, `r${i}`]);
  const [row] = await ctx.rows(`SELECT ${cols.join(', ')}, SUM(${c.gpuSeconds}) / 3600e0 AS gpu_hours, SUM(${c.failed}) AS failed FROM ${u.sql}`, u.params, [...keys, 'gpu_hours', 'failed']);
  const sides = Object.fromEntries(SIDE_NAMES.map((s, i) => [s, { n: row?.[`n${i}`] ?? 0, core_hours: row?.[`ch${i}`] ?? 0, runs: row?.[`r${i}`] ?? 0 }]));
  return { sides, gpuHours: Number(row?.['gpu_hours'] ?? 0), failed: Number(row?.['failed'] ?? 0) };
}

/** Per executable or module with runs: core-hours and runs from the daily totals, jobs and people from the runs. */
async function labelRows(ctx: ReportContext, label: CoverIndex, key: string, people: ReadonlyMap<string, People>, jobs: ReadonlyMap<string, number>): Promise<SqlRow[]> {
  const u = usageRows(ctx);
  const c = usageColumns(ctx);
  const sums = await ctx.rows(`SELECT u.${label} AS label, SUM(u.runs) AS n, SUM(${c.coreSeconds}) / 3600e0 AS core_hours, SUM(${c.runs}) AS runs FROM ${u.sql}`
    + `${label === 'module_name' ? ' WHERE u.has_module = 1' : ''} GROUP BY u.${label}`, u.params, ['n', 'core_hours', 'runs']);
  return sums.filter((r) => Number(r['n']) > 0).map((r) => {
    const name = String(r['label']);
    const p = people.get(name);
    return { [key]: name, core_hours: r['core_hours']!, runs: r['runs']!, users: p?.users.size ?? 0, accounts: p?.accounts.size ?? 0, jobs: jobs.get(name) ?? 0 };
  });
}

/** Per day of the period, core-hours and runs. */
async function days(ctx: ReportContext): Promise<SqlRow[]> {
  const u = usageRows(ctx);
  const c = usageColumns(ctx);
  return ctx.rows(`SELECT u.day AS d, SUM(${c.coreSeconds}) / 3600e0 AS core_hours, SUM(${c.runs}) AS runs FROM ${u.sql} GROUP BY u.day`, u.params, ['d', 'core_hours', 'runs']);
}

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
  const sums = await sideSums(ctx);
  const jobs = await jobsPerSide(ctx, SIDES);
  const people = await peopleOf(ctx, (k) => SIDE_NAMES.filter((s) => SIDES[s]!.has(k)));
  const t: Record<string, SqlRow> = Object.fromEntries(SIDE_NAMES.map((s): [string, SqlRow] => {
    const p = people.sides.get(s);
    const side = sums.sides[s]!;
    if (!(Number(side['n']) > 0)) return [s, { core_hours: 0, runs: 0, users: 0, accounts: 0, jobs: 0 }];
    return [s, { core_hours: side['core_hours']!, runs: side['runs']!, users: p?.users.size ?? 0, accounts: p?.accounts.size ?? 0, jobs: jobs[s] ?? 0 }];
  }));
  const all = t['all']!;
  const runs = Number(all['runs']);
  const summary: Row[] = [
    { measure: 'Core-hours', value: Number(all['core_hours']) },
    { measure: 'GPU-hours', value: sums.gpuHours },
    { measure: 'Runs', value: runs },
    { measure: 'Failed runs (%)', value: runs ? (100 * sums.failed) / runs : 0 },
    { measure: 'Jobs', value: Number(all['jobs']) },
    { measure: 'Users', value: Number(all['users']) },
    { measure: 'Accounts', value: Number(all['accounts']) },
    { measure: 'Executables', value: people.sides.get('all')?.executables.size ?? 0 },
    { measure: 'Hosts', value: await hostCount(ctx) },
  ];
  const topN = Math.min(ctx.spec.top, 10);
  const jobsOf = await jobsPerLabel(ctx, ['app_name', 'module_name']);
  const execs = topRows(await labelRows(ctx, 'app_name', 'executable', people.apps, jobsOf['app_name']!), 'core_hours', 'executable', topN);
  const modules = topRows(await labelRows(ctx, 'module_name', 'module', people.modules, jobsOf['module_name']!), 'core_hours', 'module', topN);
  return {
    title: 'Overview',
    tables: [
      { id: 'summary', title: 'Summary', columns: [C.text('measure', 'Measure'), C.num('value', 'Value')], rows: summary },
      split('sys_vs_usr', 'Overall job counts: system (module) vs user executables', ['sys', 'usr'], t),
      split('mpi_vs_non_mpi', 'MPI (more than one task) vs non-MPI', ['MPI', 'non-MPI'], t),
      { id: 'top_executables', title: `Top ${topN} executables sorted by core-hours`, columns: [C.coreHours, C.runs, C.users, C.accounts, C.jobs, C.text('executable', 'Executable')], rows: execs, chart: { label: 'executable', value: 'core_hours' } },
      { id: 'top_modules', title: `Top ${topN} modules sorted by core-hours`, columns: [C.coreHours, C.runs, C.users, C.accounts, C.jobs, C.text('module', 'Module')], rows: modules, chart: { label: 'module', value: 'core_hours' } },
    ],
    series: coreHourAndRunSeriesOf(ctx, await days(ctx)),
  };
}
