/**
 * `xalt report packages` (Python packages imported, with versions), `xalt report users` and
 * `xalt report accounts` (who uses the machine, by core-hours).
 */
import { C } from './columns.js';
import { groupedUsage } from './grouped-usage.js';
import { type ReportContext } from './report-context.js';
import type { ReportBody } from './report-body.js';

/** A run's packages; a pkg record whose file another user owned is flagged like a run: left out unless asked. */
const pkgJoin = (ctx: ReportContext) => `JOIN xalt_pkg p ON p.run_uuid = r.run_uuid${ctx.spec.includeFlagged ? '' : ' AND p.owner_mismatch = 0'}`;

export async function packagesReport(ctx: ReportContext): Promise<ReportBody> {
  const join = pkgJoin(ctx);
  const more = [{ sql: 'COUNT(DISTINCT p.pkg_version)', key: 'versions' }];
  const pkgs = await groupedUsage(ctx, { label: 'p.pkg_name', key: 'package', joins: join, orderBy: 'runs', more });
  const byUsers = await groupedUsage(ctx, { label: 'p.pkg_name', key: 'package', joins: join, orderBy: 'users', more });
  const w = ctx.source();
  const byVersion = await ctx.rows(
    `SELECT p.pkg_name AS package, COALESCE(p.pkg_version, '') AS version, SUM(${ctx.w}) AS runs, COUNT(DISTINCT r.user) AS users FROM ${w.sql} ${join}`
    + ` GROUP BY p.pkg_name, COALESCE(p.pkg_version, '') ORDER BY runs DESC, package, version LIMIT ?`, [...w.params, ctx.spec.top * 3], ['runs', 'users']);
  return {
    title: 'Python packages',
    tables: [
      { id: 'packages_by_runs', title: `Top ${ctx.spec.top} packages sorted by # runs that imported them`, columns: [C.runs, C.users, C.jobs, C.accounts, C.int('versions', '# Versions'), C.coreHours, C.text('package', 'Package')], rows: pkgs, chart: { label: 'package', value: 'runs' } },
      { id: 'packages_by_users', title: `Top ${ctx.spec.top} packages sorted by # users who imported them`, columns: [C.users, C.runs, C.jobs, C.accounts, C.int('versions', '# Versions'), C.coreHours, C.text('package', 'Package')], rows: byUsers, chart: { label: 'package', value: 'users' } },
      { id: 'versions_by_runs', title: `Top ${ctx.spec.top * 3} package versions sorted by # runs`, columns: [C.runs, C.users, C.text('package', 'Package'), C.text('version', 'Version')], rows: byVersion },
    ],
  };
}

export async function usersReport(ctx: ReportContext): Promise<ReportBody> {
  const more = [{ sql: ctx.gpuHours, key: 'gpu_hours' }, { sql: 'COUNT(DISTINCT r.app_name)', key: 'executables' }];
  const rows = await groupedUsage(ctx, { label: 'r.user', key: 'user', more });
  return {
    title: 'Users',
    tables: [{ id: 'by_core_hours', title: `Top ${ctx.spec.top} users sorted by core-hours`, columns: [C.coreHours, C.gpuHours, C.runs, C.jobs, C.accounts, C.execs, C.text('user', 'User')], rows, chart: { label: 'user', value: 'core_hours' } }],
  };
}

export async function accountsReport(ctx: ReportContext): Promise<ReportBody> {
  const more = [{ sql: ctx.gpuHours, key: 'gpu_hours' }, { sql: 'COUNT(DISTINCT r.app_name)', key: 'executables' }];
  const rows = await groupedUsage(ctx, { label: `COALESCE(r.account, 'unknown')`, key: 'account', more });
  return {
    title: 'Accounts',
    tables: [{ id: 'by_core_hours', title: `Top ${ctx.spec.top} accounts sorted by core-hours`, columns: [C.coreHours, C.gpuHours, C.runs, C.users, C.jobs, C.execs, C.text('account', 'Account')], rows, chart: { label: 'account', value: 'core_hours' } }],
  };
}
