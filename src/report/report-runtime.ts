/**
 * `xalt report runtime`: XALT's scalar-bins report, which
 * sites use to choose sampling thresholds — here as a real histogram. XALT's bins were
 * cumulative and its tables printed empty; these bins are disjoint and a cumulative column
 * gives XALT's numbers. Runs without an end record have no run time and are left out.
 */
import type { DocTable, Row } from '../document/document.js';
import { C } from './columns.js';
import { groupedUsage } from './grouped-usage.js';
import type { ReportContext, SqlRow } from './report-context.js';
import type { ReportBody } from './report-body.js';

/** Upper bounds in seconds (exclusive); XALT's Scalar_05/10/20/30/LG, then longer runs split further. */
export const RUNTIME_BINS: readonly { readonly label: string; readonly upTo: number }[] = [
  { label: '< 5 min', upTo: 300 },
  { label: '5–10 min', upTo: 600 },
  { label: '10–20 min', upTo: 1200 },
  { label: '20–30 min', upTo: 1800 },
  { label: '30 min–1 h', upTo: 3600 },
  { label: '1–4 h', upTo: 4 * 3600 },
  { label: '4–24 h', upTo: 86400 },
  { label: '≥ 24 h', upTo: Infinity },
];

function binCase(): string {
  const whens = RUNTIME_BINS.filter((b) => Number.isFinite(b.upTo)).map((b, i) => `WHEN r.run_time < ${b.upTo} THEN ${i}`);
  return `CASE ${whens.join(' ')} ELSE ${RUNTIME_BINS.length - 1} END`;
}

/** Per (MPI or not, bin): runs, core-hours and users of the ended runs — both histograms in one pass. */
async function binned(ctx: ReportContext): Promise<SqlRow[]> {
  const src = await ctx.sourceBy('app_name', 'r.has_end = 1');
  const mpi = 'CASE WHEN r.num_tasks > 1 THEN 1 ELSE 0 END';
  return ctx.rows(`SELECT ${mpi} AS mpi, ${binCase()} AS bin, SUM(${ctx.w}) AS runs, SUM(r.run_time * r.num_cores * ${ctx.w}) / 3600e0 AS core_hours,`
    + ` COUNT(DISTINCT r.user) AS users FROM ${src.sql} GROUP BY ${mpi}, ${binCase()}`, src.params, ['mpi', 'bin', 'runs', 'core_hours', 'users']);
}

function histogram(id: string, title: string, rows: readonly SqlRow[]): DocTable {
  const byBin = new Map(rows.map((r) => [Number(r['bin']), r]));
  const total = rows.reduce((s, r) => s + Number(r['runs']), 0);
  let cumulative = 0;
  const out: Row[] = RUNTIME_BINS.map((b, i) => {
    const r = byBin.get(i);
    const runs = Number(r?.['runs'] ?? 0);
    cumulative += runs;
    return {
      run_time: b.label, runs, runs_pct: total ? (100 * runs) / total : 0, cumulative_pct: total ? (100 * cumulative) / total : 0,
      core_hours: Number(r?.['core_hours'] ?? 0), users: Number(r?.['users'] ?? 0),
    };
  });
  return { id, title, columns: [C.text('run_time', 'Run time'), C.runs, C.runsPct, C.pct('cumulative_pct', 'Cum. %'), C.coreHours, C.users], rows: out, chart: { label: 'run_time', value: 'runs' } };
}

export async function runtimeReport(ctx: ReportContext): Promise<ReportBody> {
  const ended = 'r.has_end = 1';
  const bins = await binned(ctx);
  const shortScalar = await groupedUsage(ctx, { label: 'r.app_name', key: 'executable', where: `${ended} AND r.num_tasks <= 1 AND r.run_time < 300`, orderBy: 'runs', cover: 'app_name' });
  return {
    title: 'Run time',
    tables: [
      histogram('scalar', 'Run-time histogram of scalar runs (one task)', bins.filter((r) => r['mpi'] === 0)),
      histogram('mpi', 'Run-time histogram of MPI runs (more than one task)', bins.filter((r) => r['mpi'] === 1)),
      { id: 'short_scalar_executables', title: `Top ${ctx.spec.top} scalar executables under 5 minutes sorted by # runs (sampling candidates)`, columns: [C.runs, C.coreHours, C.users, C.jobs, C.text('executable', 'Executable')], rows: shortScalar },
    ],
  };
}
