/**
 * `xalt report success`: how runs ended, overall and per executable and module — the half of
 * "how successful are researchers in using it" that XALT could not answer.
 *
 * A run ended by exit (with its status, or none recorded), by a signal, at its job's end
 * (closed by xalt-ship, with the job state the scheduler reported), or never (a start record
 * only). Which of these are failures is src/db/run-outcome.ts's definition, shared with find
 * and the daily totals: everything but exit 0, no recorded status, and job end of a job that
 * COMPLETED. The summary gives the failure rate of runs and of jobs, to set beside Slurm's
 * view (`sacct -X`: jobs FAILED, TIMEOUT, CANCELLED, NODE_FAIL, OUT_OF_MEMORY). What the
 * failures cost — core-hours lost per executable, module and library version — and the
 * failure rate per week come from failure-costs.ts and the daily totals.
 */
import type { DocTable, Row } from '../document/document.js';
import { failedSql, outcomeSql } from '../db/run-outcome.js';
import { C } from './columns.js';
import type { CoverIndex, ReportContext, SqlRow } from './report-context.js';
import type { ReportBody } from './report-body.js';
import { lossesByLibrary, topLosses } from './failure-costs.js';
import { topRows } from './report-executables.js';
import { usageColumns, usageRows } from './usage-rows.js';
import { weeklyFailureRate } from './usage-series.js';

/** The columns of the per-executable and per-module tables: the categories of run-outcome.ts. */
export const OUTCOMES = [
  { key: 'ok', header: 'OK', label: 'ok' },
  { key: 'exit_nonzero', header: 'Exit≠0', label: 'non-zero exit status' },
  { key: 'signalled', header: 'Signal', label: 'killed by a signal' },
  { key: 'job_end', header: 'JobEnd', label: 'still running when a job that did not complete ended' },
  { key: 'never_ended', header: 'NoEnd', label: 'never ended (start record only)' },
] as const;

const OUTCOME_SQL = outcomeSql('r');
const FAILED = `CASE WHEN ${failedSql('r')} THEN 1 ELSE 0 END`;

/** How a run ended, as `xalt find` says it: exit, signal, job_end, never_ended. */
const SIGNALLED = `(r.end_reason = 'signal' OR COALESCE(r.exit_signal, 0) > 0)`;
const HOW_SQL = `CASE WHEN r.has_end = 0 THEN 'never_ended' WHEN r.end_reason = 'job_end' THEN 'job_end' WHEN ${SIGNALLED} THEN 'signal' ELSE 'exit' END`;
/** What more there is to say: the exit status, or the job state of a run closed at job end. */
const DETAIL_SQL = `CASE WHEN r.has_end = 0 THEN '' WHEN r.end_reason = 'job_end' THEN COALESCE(r.job_state, 'state unknown')`
  + ` WHEN ${SIGNALLED} THEN '' WHEN r.exit_status IS NULL THEN 'status not recorded' WHEN r.exit_status > 0 THEN 'status > 0' ELSE 'status 0' END`;
const HOW_ORDER = ['exit', 'signal', 'job_end', 'never_ended'];

/** Per label: runs of each outcome, runs, users, failed runs and the core-hours of the failed runs (x.ch: a run's core-hours). */
function outcomeColumns(): string {
  return `${OUTCOMES.map((o) => `SUM(CASE WHEN x.oc = '${o.key}' THEN x.w ELSE 0 END) AS ${o.key}`).join(', ')}, SUM(x.w) AS runs, COUNT(DISTINCT x.user) AS users,`
    + ` SUM(CASE WHEN x.oc <> 'ok' THEN x.w ELSE 0 END) AS failed, SUM(CASE WHEN x.oc <> 'ok' THEN x.ch ELSE 0 END) AS lost_core_hours`;
}

function withRates(rows: readonly SqlRow[]): Row[] {
  return rows.map((r) => {
    const runs = Number(r['runs']);
    return { ...r, success_pct: runs ? (100 * Number(r['ok'])) / runs : 0 };
  });
}

/**
 * Per executable or module, in one pass over the label's covering index (GROUP BY x.label
 * then streams without a sort): the outcomes of the top labels by runs, and what failures
 * cost (failure-costs.ts) of the top labels by core-hours lost.
 */
async function perLabel(ctx: ReportContext, label: CoverIndex, key: string, header: string, where = ''): Promise<{ outcomes: DocTable; losses: Row[] }> {
  const w = await ctx.sourceBy(label, where || undefined);
  const rows = await ctx.rows(
    `SELECT x.label AS ${key}, ${outcomeColumns()} FROM (SELECT r.${label} AS label, ${OUTCOME_SQL} AS oc, ${ctx.w} AS w, r.run_time * r.num_cores * ${ctx.w} / 3600e0 AS ch, r.user FROM ${w.sql}) x`
    + ` GROUP BY x.label`, w.params, [...OUTCOMES.map((o) => o.key), 'runs', 'users', 'failed', 'lost_core_hours']);
  const top = topRows(rows, 'runs', key, ctx.spec.top).map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => k !== 'failed' && k !== 'lost_core_hours')));
  return {
    outcomes: {
      id: `by_${key}`, title: `Outcomes of the top ${ctx.spec.top} ${header.toLowerCase()}s by # runs`,
      columns: [C.runs, C.pct('success_pct', 'Success'), ...OUTCOMES.map((o) => C.int(o.key, o.header)), C.users, C.text(key, header)],
      rows: withRates(top as SqlRow[]),
    },
    losses: topLosses(rows.map((r) => ({ [key]: r[key] ?? null, runs: r['runs']!, failed: r['failed']!, lost_core_hours: r['lost_core_hours']! })), key, ctx.spec.top),
  };
}

/** Per (how it ended, detail): runs, core-hours, users and whether that is a failure. */
async function endings(ctx: ReportContext): Promise<Row[]> {
  const w = await ctx.sourceBy('app_name');
  const rows = await ctx.rows(
    `SELECT ${HOW_SQL} AS how, ${DETAIL_SQL} AS detail, MAX(${FAILED}) AS failed, SUM(${ctx.w}) AS runs, COUNT(DISTINCT r.user) AS users,`
    + ` SUM(r.run_time * r.num_cores * ${ctx.w}) / 3600e0 AS core_hours FROM ${w.sql} GROUP BY ${HOW_SQL}, ${DETAIL_SQL}`, w.params, ['failed', 'runs', 'users', 'core_hours']);
  const total = rows.reduce((s, r) => s + Number(r['runs']), 0);
  // exit 0, exit > 0 and signal are always listed, so a report with none of them says so
  for (const [how, detail, failed] of [['exit', 'status 0', 0], ['exit', 'status > 0', 1], ['signal', '', 1], ['never_ended', '', 1]] as const) {
    if (!rows.some((r) => r['how'] === how && r['detail'] === detail)) rows.push({ how, detail, failed, runs: 0, users: 0, core_hours: 0 });
  }
  const rank = (r: SqlRow) => HOW_ORDER.indexOf(String(r['how']));
  return rows
    .sort((a, b) => rank(a) - rank(b) || Number(a['failed']) - Number(b['failed']) || (String(a['detail']) < String(b['detail']) ? -1 : 1))
    .map((r) => ({ outcome: r['how'] ?? null, detail: r['detail'] ?? null, failed: Number(r['failed']) ? 'yes' : 'no', runs: r['runs']!, runs_pct: total ? (100 * Number(r['runs'])) / total : 0, core_hours: r['core_hours']!, users: r['users']! }));
}

/** Runs, failed runs and the failure rate; jobs, jobs with a failed run and their share. */
async function summary(ctx: ReportContext, outcomes: readonly Row[]): Promise<Row[]> {
  const runs = outcomes.reduce((s, r) => s + Number(r['runs']), 0);
  const failed = outcomes.filter((r) => r['failed'] === 'yes').reduce((s, r) => s + Number(r['runs']), 0);
  // per job in job order, along the job_id covering index (it holds every column of the outcome)
  const w = await ctx.sourceBy('job_id', `r.job_id IS NOT NULL AND r.job_id NOT IN ('', 'unknown')`);
  const [j] = await ctx.rows(`SELECT COUNT(*) AS jobs, SUM(x.f) AS failed_jobs FROM (SELECT MAX(${FAILED}) AS f FROM ${w.sql} GROUP BY r.job_id) x`, w.params, ['jobs', 'failed_jobs']);
  const jobs = Number(j?.['jobs'] ?? 0);
  const failedJobs = Number(j?.['failed_jobs'] ?? 0);
  return [
    { measure: 'Runs', value: runs },
    { measure: 'Failed runs', value: failed },
    { measure: 'Failure rate of runs (%)', value: runs ? (100 * failed) / runs : 0 },
    { measure: 'Jobs', value: jobs },
    { measure: 'Jobs with a failed run', value: failedJobs },
    { measure: 'Jobs with a failed run (%)', value: jobs ? (100 * failedJobs) / jobs : 0 },
  ];
}

/** Runs and failed runs per day, from the daily totals (or the runs, for a narrowed report). */
async function failuresPerDay(ctx: ReportContext): Promise<SqlRow[]> {
  const u = usageRows(ctx);
  const c = usageColumns(ctx);
  return ctx.rows(`SELECT u.day AS d, SUM(${c.runs}) AS runs, SUM(${c.failed}) AS failed FROM ${u.sql} GROUP BY u.day`, u.params, ['d', 'runs', 'failed']);
}

const LOSS_COLUMNS = [C.hours('lost_core_hours', 'Lost CoreHrs'), C.int('failed', '# Failed'), C.runs, C.pct('failed_pct', 'Failed')];

/** The tables of core-hours lost to failed runs: per executable, module (from their passes) and library version. */
async function lossTables(ctx: ReportContext, byExec: readonly Row[], byModule: readonly Row[]): Promise<DocTable[]> {
  const top = ctx.spec.top;
  return [
    { id: 'lost_by_executable', title: `Top ${top} executables sorted by core-hours lost to failed runs`, columns: [...LOSS_COLUMNS, C.text('executable', 'Executable')], rows: byExec, chart: { label: 'executable', value: 'lost_core_hours' } },
    { id: 'lost_by_module', title: `Top ${top} modules sorted by core-hours lost to failed runs`, columns: [...LOSS_COLUMNS, C.text('module', 'Module')], rows: byModule },
    { id: 'lost_by_library', title: `Top ${top} library versions (shared objects loaded) sorted by core-hours lost to the failed runs that loaded them`, columns: [...LOSS_COLUMNS, C.text('library', 'Library'), C.text('module', 'Module')], rows: await lossesByLibrary(ctx) },
  ];
}

export async function successReport(ctx: ReportContext): Promise<ReportBody> {
  const outcomes = await endings(ctx);
  const execs = await perLabel(ctx, 'app_name', 'executable', 'Executable');
  const modules = await perLabel(ctx, 'module_name', 'module', 'Module', 'r.module_name IS NOT NULL');
  return {
    title: 'Success and failure',
    tables: [
      { id: 'summary', title: 'Failure rate', columns: [C.text('measure', 'Measure'), C.num('value', 'Value')], rows: await summary(ctx, outcomes) },
      {
        id: 'outcomes', title: 'How runs ended', columns: [C.text('outcome', 'Outcome'), C.text('detail', 'Detail'), C.text('failed', 'Failed'), C.runs, C.runsPct, C.coreHours, C.users],
        rows: outcomes,
      },
      execs.outcomes,
      modules.outcomes,
      ...(await lossTables(ctx, execs.losses, modules.losses)),
    ],
    series: [weeklyFailureRate(ctx, await failuresPerDay(ctx))],
  };
}
