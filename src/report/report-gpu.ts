/** `xalt report gpu`: runs that used GPUs, by GPU-hours (Σ run_time × num_gpus / 3600, weighted). */
import { C } from './columns.js';
import { groupedUsage, periodSums, totals } from './grouped-usage.js';
import type { ReportContext } from './report-context.js';
import { usageSeries } from './usage-series.js';
import type { ReportBody } from './report-body.js';

export async function gpuReport(ctx: ReportContext): Promise<ReportBody> {
  const gpu = 'r.num_gpus > 0';
  const more = [{ sql: ctx.gpuHours, key: 'gpu_hours' }, { sql: `SUM(r.num_gpus * ${ctx.w}) / SUM(${ctx.w})`, key: 'avg_gpus' }];
  const all = await periodSums(ctx, undefined, true);
  const g = await totals(ctx, gpu);
  const summary = [
    { measure: 'GPU runs', value: Number(g['runs']), share: Number(all['runs']) ? (100 * Number(g['runs'])) / Number(all['runs']) : 0 },
    { measure: 'GPU-hours', value: Number(g['gpu_hours']), share: null },
    { measure: 'Core-hours of GPU runs', value: Number(g['core_hours']), share: Number(all['core_hours']) ? (100 * Number(g['core_hours'])) / Number(all['core_hours']) : 0 },
    { measure: 'Users with GPU runs', value: Number(g['users']), share: Number(all['users']) ? (100 * Number(g['users'])) / Number(all['users']) : 0 },
  ];
  const byExec = await groupedUsage(ctx, { label: 'r.app_name', key: 'executable', where: gpu, more, orderBy: 'gpu_hours', cover: 'app_name' });
  // sorted by GPU-hours rather than core-hours: a GPU code's cores are incidental
  const byUser = await groupedUsage(ctx, { label: 'r.user', key: 'user', where: gpu, more, orderBy: 'gpu_hours', cover: 'app_name' });
  return {
    title: 'GPU use',
    tables: [
      { id: 'summary', title: 'GPU runs in the period', columns: [C.text('measure', 'Measure'), C.num('value', 'Value'), C.pct('share', '% of all')], rows: summary },
      { id: 'executables', title: `Top ${ctx.spec.top} GPU executables sorted by GPU-hours`, columns: [C.gpuHours, C.runs, C.hours('avg_gpus', 'Avg GPUs'), C.users, C.jobs, C.text('executable', 'Executable')], rows: byExec, chart: { label: 'executable', value: 'gpu_hours' } },
      { id: 'users', title: `Top ${ctx.spec.top} GPU users sorted by GPU-hours`, columns: [C.gpuHours, C.runs, C.jobs, C.text('user', 'User')], rows: byUser },
    ],
    series: [await usageSeries(ctx, { id: 'gpu_hours_by_time', title: 'GPU-hours', unit: 'GPU-hours', sql: ctx.gpuHours }, gpu)],
  };
}
