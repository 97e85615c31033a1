/**
 * `xalt report modules`: software from modules, by the module of the executable; and
 * `xalt report libraries`: modules and shared objects that runs
 * loaded (XALT's library usage report), each run counted once per module.
 */
import { C, measureColumns } from './columns.js';
import { labelUsage } from './label-usage.js';
import { topRows } from './report-executables.js';
import { libraryUsage } from './library-usage.js';
import type { ReportContext } from './report-context.js';
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

export async function librariesReport(ctx: ReportContext): Promise<ReportBody> {
  const { modules, objects } = await libraryUsage(ctx);
  return {
    title: 'Libraries',
    tables: [
      { id: 'modules_by_core_hours', title: `Top ${ctx.spec.top} library modules sorted by core-hours of the runs that loaded them`, columns: measureColumns('module', 'Library module'), rows: modules, chart: { label: 'module', value: 'core_hours' } },
      { id: 'objects_by_runs', title: `Top ${ctx.spec.top} shared objects sorted by # runs`, columns: [C.runs, C.users, C.coreHours, C.text('library', 'Library'), C.text('module', 'Module')], rows: objects },
    ],
  };
}
