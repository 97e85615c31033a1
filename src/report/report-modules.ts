/**
 * `xalt report modules`: software from modules, by the module of the executable
 * (XALT §8.1 item 5); and `xalt report libraries`: modules and shared objects that runs
 * loaded (XALT's library usage report, §8.2), each run counted once per module.
 */
import { C, measureColumns } from './columns.js';
import { labelUsage } from './label-usage.js';
import { topRows } from './report-executables.js';
import { libraryUsage } from './library-usage.js';
import { MEASURE_KEYS, type ReportContext, type SqlRow } from './report-context.js';
import type { ReportBody } from './report-body.js';

export async function modulesReport(ctx: ReportContext): Promise<ReportBody> {
  // one labelUsage (with distinct executables) serves both tables, sorted two ways
  const all = (await labelUsage(ctx, 'module_name', 'module', { all: '' }, 'r.module_name IS NOT NULL'))['all']!;
  const rows = topRows(all, 'core_hours', 'module', ctx.spec.top);
  const byUsers = topRows(all, 'users', 'module', ctx.spec.top);
  return {
    title: 'Modules',
    tables: [
      { id: 'by_core_hours', title: `Top ${ctx.spec.top} modules sorted by core-hours`, columns: [...measureColumns('module', 'Module').slice(0, 5), C.execs, C.text('module', 'Module')], rows, chart: { label: 'module', value: 'core_hours' } },
      { id: 'by_users', title: `Top ${ctx.spec.top} modules sorted by # users`, columns: [C.users, C.runs, C.coreHours, C.accounts, C.jobs, C.text('module', 'Module')], rows: byUsers },
    ],
  };
}

/** Per (run, library module) — DISTINCT so a run loading five objects of one module counts once. */
function runModulePairs(ctx: ReportContext, moduleExpr: string, src: { sql: string }): string {
  return `SELECT DISTINCT r.run_id, ${moduleExpr} AS label, r.run_time * r.num_cores * ${ctx.w} / 3600e0 AS ch, ${ctx.w} AS w, r.user, r.account, r.job_id`
    + ` FROM ${src.sql} JOIN join_run_object j ON j.run_id = r.run_id JOIN xalt_object o ON o.obj_id = j.obj_id WHERE o.module_name IS NOT NULL`;
}

const known = (col: string) => `CASE WHEN ${col} IS NOT NULL AND ${col} NOT IN ('', 'unknown') THEN ${col} END`;

export async function librariesReport(ctx: ReportContext): Promise<ReportBody> {
  const { modules, objects } = ctx.q.dialect.name === 'sqlite' ? await libraryUsage(ctx) : await libraryJoins(ctx);
  return {
    title: 'Libraries',
    tables: [
      { id: 'modules_by_core_hours', title: `Top ${ctx.spec.top} library modules sorted by core-hours of the runs that loaded them`, columns: measureColumns('module', 'Library module'), rows: modules, chart: { label: 'module', value: 'core_hours' } },
      { id: 'objects_by_runs', title: `Top ${ctx.spec.top} shared objects sorted by # runs`, columns: [C.runs, C.users, C.coreHours, C.text('library', 'Library'), C.text('module', 'Module')], rows: objects },
    ],
  };
}

/** The libraries tables as plain joins: MySQL/MariaDB aggregates these through hash tables. */
async function libraryJoins(ctx: ReportContext): Promise<{ modules: SqlRow[]; objects: SqlRow[] }> {
  const where = ctx.source();
  const agg = (inner: string) => `SELECT x.label AS module, SUM(x.ch) AS core_hours, SUM(x.w) AS runs, COUNT(DISTINCT x.user) AS users,`
    + ` COUNT(DISTINCT ${known('x.account')}) AS accounts, COUNT(DISTINCT ${known('x.job_id')}) AS jobs FROM (${inner}) x GROUP BY x.label ORDER BY core_hours DESC, module LIMIT ?`;
  const modules = await ctx.rows(agg(runModulePairs(ctx, 'o.module_name', where)), [...where.params, ctx.spec.top], MEASURE_KEYS);
  const objects = await ctx.rows(
    `SELECT o.object_path AS library, o.module_name AS module, SUM(${ctx.w}) AS runs, COUNT(DISTINCT r.user) AS users, SUM(r.run_time * r.num_cores * ${ctx.w}) / 3600e0 AS core_hours`
    + ` FROM ${where.sql} JOIN join_run_object j ON j.run_id = r.run_id JOIN xalt_object o ON o.obj_id = j.obj_id`
    + ` GROUP BY o.obj_id, o.object_path, o.module_name ORDER BY runs DESC, library LIMIT ?`, [...where.params, ctx.spec.top], ['runs', 'users', 'core_hours']);
  return { modules, objects };
}
