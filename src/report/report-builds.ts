/**
 * `xalt report compilers` (compilers by link count and by the
 * core-hours of the runs they built) and `xalt report built` (system-installed vs built by
 * the user vs built by someone else, plus runs with no link record).
 */
import { C } from './columns.js';
import { withShare } from './columns.js';
import { RUN_LINK_ID, type ReportContext } from './report-context.js';
import { groupedUsage, periodSums } from './grouped-usage.js';
import type { ReportBody } from './report-body.js';

const LINK_JOIN = `LEFT JOIN xalt_link l ON l.link_id = ${RUN_LINK_ID}`;

export async function compilersReport(ctx: ReportContext): Promise<ReportBody> {
  // links are not runs: of the run filters, only --user applies to them (as the user who linked)
  const users = ctx.spec.selection?.user ?? [];
  const params = [ctx.spec.since, ctx.spec.until, ...(ctx.spec.syshost !== undefined ? [ctx.spec.syshost] : []), ...users];
  // a link record whose file another user owned is flagged like a run: left out unless asked
  const flagged = ctx.spec.includeFlagged ? '' : ' AND l.owner_mismatch = 0';
  const byUser = users.length ? ` AND l.build_user IN (${users.map(() => '?').join(', ')})` : '';
  const byCount = await ctx.rows(
    `SELECT COALESCE(l.link_program, 'unknown') AS compiler, COUNT(*) AS links, COUNT(DISTINCT l.build_user) AS users FROM xalt_link l`
    + ` WHERE l.build_epoch >= ? AND l.build_epoch < ?${ctx.spec.syshost !== undefined ? ' AND l.build_syshost = ?' : ''}${byUser}${flagged}`
    + ` GROUP BY COALESCE(l.link_program, 'unknown') ORDER BY links DESC, compiler LIMIT ?`, [...params, ctx.spec.top], ['links', 'users']);
  const byHours = await groupedUsage(ctx, { label: `COALESCE(l.link_program, 'unknown')`, key: 'compiler', joins: `JOIN xalt_link l ON l.link_id = ${RUN_LINK_ID}`, more: [{ sql: 'COUNT(DISTINCT r.app_name)', key: 'executables' }] });
  return {
    title: 'Compilers',
    tables: [
      { id: 'by_links', title: 'Compiler usage by # links in the period', columns: [C.int('links', '# Links'), C.users, C.text('compiler', 'Link program')], rows: byCount, chart: { label: 'compiler', value: 'links' } },
      { id: 'by_core_hours', title: 'Compiler usage by core-hours of the runs of what they built', columns: [C.coreHours, C.users, C.accounts, C.runs, C.jobs, C.execs, C.text('compiler', 'Link program')], rows: byHours, chart: { label: 'compiler', value: 'core_hours' } },
    ],
  };
}

const BUILT_KIND = `CASE WHEN r.module_name IS NOT NULL THEN 'system (from a module)'`
  + ` WHEN l.build_user IS NULL THEN 'unknown (no link record)'`
  + ` WHEN l.build_user = r.user THEN 'built by the user'`
  + ` ELSE 'built by someone else' END`;

export async function builtReport(ctx: ReportContext): Promise<ReportBody> {
  const w = ctx.source();
  const kinds = await ctx.rows(
    `SELECT x.kind, SUM(x.ch) AS core_hours, SUM(x.w) AS runs, COUNT(DISTINCT x.user) AS users, COUNT(DISTINCT x.app_name) AS executables FROM`
    + ` (SELECT ${BUILT_KIND} AS kind, r.run_time * r.num_cores * ${ctx.w} / 3600e0 AS ch, ${ctx.w} AS w, r.user, r.app_name FROM ${w.sql} ${LINK_JOIN}) x`
    + ` GROUP BY x.kind ORDER BY core_hours DESC, x.kind`, w.params, ['core_hours', 'runs', 'users', 'executables']);
  const all = await periodSums(ctx);
  const rows = withShare(withShare(kinds, 'core_hours', Number(all['core_hours'])), 'runs', Number(all['runs']));
  const others = await groupedUsage(ctx, {
    label: 'r.app_name', key: 'executable', joins: LINK_JOIN, where: 'r.module_name IS NULL', outerWhere: 'l.build_user IS NOT NULL AND l.build_user <> r.user',
    more: [{ sql: 'MIN(l.build_user)', key: 'built_by', text: true }, { sql: 'COUNT(DISTINCT l.build_user)', key: 'builders' }],
  });
  for (const o of others) if (Number(o['builders']) > 1) o['built_by'] = `${String(o['built_by'])} +${Number(o['builders']) - 1}`;
  return {
    title: 'Built by whom',
    tables: [
      { id: 'by_kind', title: 'System-installed vs user-built', columns: [C.text('kind', 'Kind'), C.coreHours, C.coreHoursPct, C.runs, C.runsPct, C.users, C.execs], rows, chart: { label: 'kind', value: 'core_hours' } },
      { id: 'built_by_someone_else', title: `Top ${ctx.spec.top} executables run by users other than the one who built them`, columns: [C.coreHours, C.runs, C.users, C.text('built_by', 'Built by'), C.text('executable', 'Executable')], rows: others },
    ],
  };
}

