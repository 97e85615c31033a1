/**
 * `xalt report success`: how runs ended, overall and per executable and module — the half of
 * "how successful are researchers in using it" that XALT could not answer. Outcomes are
 * disjoint: ok, non-zero exit, killed by a signal, still running at job end (closed by the
 * epilog), never ended (a start record only).
 */
import type { DocTable, Row } from '../cli/output/document.js';
import { C } from './columns.js';
import type { CoverIndex, ReportContext, SqlRow } from './report-context.js';
import type { ReportBody } from './report-body.js';

export const OUTCOMES = [
  { key: 'ok', header: 'OK', label: 'ok (exit 0 or not recorded)' },
  { key: 'exit_nonzero', header: 'Exit≠0', label: 'non-zero exit status' },
  { key: 'signalled', header: 'Signal', label: 'killed by a signal' },
  { key: 'job_end', header: 'JobEnd', label: 'still running when the job ended' },
  { key: 'never_ended', header: 'NoEnd', label: 'never ended (start record only)' },
] as const;

const OUTCOME_SQL = `CASE WHEN r.has_end = 0 THEN 'never_ended' WHEN r.end_reason = 'job_end' THEN 'job_end'`
  + ` WHEN r.end_reason = 'signal' OR COALESCE(r.exit_signal, 0) > 0 THEN 'signalled'`
  + ` WHEN r.exit_status IS NOT NULL AND r.exit_status > 0 THEN 'exit_nonzero' ELSE 'ok' END`;

function outcomeColumns(): string {
  return `${OUTCOMES.map((o) => `SUM(CASE WHEN x.oc = '${o.key}' THEN x.w ELSE 0 END) AS ${o.key}`).join(', ')}, SUM(x.w) AS runs, COUNT(DISTINCT x.user) AS users`;
}

function withRates(rows: readonly SqlRow[]): Row[] {
  return rows.map((r) => {
    const runs = Number(r['runs']);
    return { ...r, success_pct: runs ? (100 * Number(r['ok'])) / runs : 0 };
  });
}

async function perLabel(ctx: ReportContext, label: CoverIndex, key: string, header: string, where = ''): Promise<DocTable> {
  // flattened over the label's covering index, GROUP BY x.label streams without a sort
  const w = await ctx.sourceBy(label, where || undefined);
  const rows = await ctx.rows(
    `SELECT x.label AS ${key}, ${outcomeColumns()} FROM (SELECT r.${label} AS label, ${OUTCOME_SQL} AS oc, ${ctx.w} AS w, r.user FROM ${w.sql}) x`
    + ` GROUP BY x.label ORDER BY runs DESC, ${key} LIMIT ?`, [...w.params, ctx.spec.top], [...OUTCOMES.map((o) => o.key), 'runs', 'users']);
  return {
    id: `by_${key}`, title: `Outcomes of the top ${ctx.spec.top} ${header.toLowerCase()}s by # runs`,
    columns: [C.runs, C.pct('success_pct', 'Success'), ...OUTCOMES.slice(1).map((o) => C.int(o.key, o.header)), C.users, C.text(key, header)],
    rows: withRates(rows),
  };
}

export async function successReport(ctx: ReportContext): Promise<ReportBody> {
  const w = await ctx.sourceBy('app_name');
  const all = await ctx.rows(`SELECT ${OUTCOME_SQL} AS oc, SUM(${ctx.w}) AS runs, COUNT(DISTINCT r.user) AS users, SUM(r.run_time * r.num_cores * ${ctx.w}) / 3600e0 AS core_hours FROM ${w.sql} GROUP BY ${OUTCOME_SQL}`, w.params, ['runs', 'users', 'core_hours']);
  const total = all.reduce((s, r) => s + Number(r['runs']), 0);
  const summary: Row[] = OUTCOMES.map((o) => {
    const r = all.find((x) => x['oc'] === o.key);
    const runs = Number(r?.['runs'] ?? 0);
    return { outcome: o.label, runs, runs_pct: total ? (100 * runs) / total : 0, core_hours: Number(r?.['core_hours'] ?? 0), users: Number(r?.['users'] ?? 0) };
  });
  return {
    title: 'Success and failure',
    tables: [
      { id: 'outcomes', title: 'How runs ended', columns: [C.text('outcome', 'Outcome'), C.runs, C.runsPct, C.coreHours, C.users], rows: summary, chart: { label: 'outcome', value: 'runs' } },
      await perLabel(ctx, 'app_name', 'executable', 'Executable'),
      await perLabel(ctx, 'module_name', 'module', 'Module', 'r.module_name IS NOT NULL'),
    ],
  };
}
