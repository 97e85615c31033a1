/**
 * What failed runs cost, for `xalt report success`: core-hours lost to failed runs (the
 * core-hours the failed runs used: their work is presumed lost) per executable, per module
 * (report-success.ts's pass per label) and per library version — the object a run loaded, so
 * `libmpi.so.40` of one MPI build and of another are told apart.
 *
 * Per library, the runs per library set (src/db/libset.ts) come from the daily totals and the
 * failed runs per set from one pass over the failed runs; each set is then expanded once into
 * its objects here, as the libraries report does: a run counts once for each object it loaded.
 */
import { failedSql } from '../db/run-outcome.js';
import { libsetObjects } from '../db/libset.js';
import type { Row } from '../document/document.js';
import type { ReportContext, SqlRow } from './report-context.js';
import { topRows } from './report-executables.js';
import { usageColumns, usageRows } from './usage-rows.js';

/** Add the failure rate; keep the rows with a failed run. */
function withFailureRate(rows: readonly SqlRow[]): Row[] {
  return rows.filter((r) => Number(r['failed']) > 0).map((r) => ({ ...r, failed_pct: Number(r['runs']) ? (100 * Number(r['failed'])) / Number(r['runs']) : 0 }));
}

/**
 * The top `n` rows by core-hours lost, with the failure rate; rows without a failed run left out.
 * Rows: `{ [key]: label, runs, failed, lost_core_hours }` (per executable and module they come
 * from report-success.ts's pass per label).
 */
export function topLosses(rows: readonly SqlRow[], key: string, n: number): Row[] {
  return topRows(withFailureRate(rows) as SqlRow[], 'lost_core_hours', key, n);
}

/**
 * Per library set: runs (from the daily totals), and failed runs and their core-hours (from the
 * failed runs only: a minority, so the GROUP BY sorts few rows).
 */
async function setLosses(ctx: ReportContext): Promise<SqlRow[]> {
  const u = usageRows(ctx);
  const c = usageColumns(ctx);
  const runs = await ctx.rows(`SELECT u.libset_id AS libset, SUM(${c.runs}) AS runs FROM ${u.sql} WHERE u.libset_id <> 0 GROUP BY u.libset_id`, u.params, ['runs']);
  // grouping by set gains nothing from the job_id order: walk that index only for most of the store
  const src = await ctx.sourceBy('job_id', `r.libset_id IS NOT NULL AND ${failedSql('r')}`, 0.5);
  const failed = await ctx.rows(`SELECT r.libset_id AS libset, SUM(${ctx.w}) AS failed, SUM(r.run_time * r.num_cores * ${ctx.w}) / 3600e0 AS lost_core_hours FROM ${src.sql} GROUP BY r.libset_id`,
    src.params, ['failed', 'lost_core_hours']);
  const lost = new Map(failed.map((f) => [Number(f['libset']), f]));
  return runs.map((r) => ({ libset: r['libset']!, runs: r['runs']!, failed: lost.get(Number(r['libset']))?.['failed'] ?? 0, lost_core_hours: lost.get(Number(r['libset']))?.['lost_core_hours'] ?? 0 }));
}

/** Per shared object (library version) the failed runs loaded: the same measures, with the object's module. */
export async function lossesByLibrary(ctx: ReportContext): Promise<Row[]> {
  const perSet = await setLosses(ctx);
  // every set's runs count towards its objects' failure rates, not only the sets with a failure
  if (!perSet.some((s) => Number(s['failed']) > 0)) return [];
  const ids = perSet.map((s) => Number(s['libset']));
  const sets = new Map<number, number[]>();
  for (let at = 0; at < ids.length; at += 400) {
    const part = ids.slice(at, at + 400);
    const found = await ctx.q.all<{ libset_id: unknown; obj_ids: string }>(`SELECT libset_id, obj_ids FROM xalt_libset WHERE libset_id IN (${part.map(() => '?').join(', ')})`, part);
    for (const f of found) sets.set(Number(f.libset_id), libsetObjects(f.obj_ids));
  }
  const byObject = new Map<number, { runs: number; failed: number; lost: number }>();
  for (const s of perSet) {
    for (const o of sets.get(Number(s['libset'])) ?? []) {
      const a = byObject.get(o) ?? { runs: 0, failed: 0, lost: 0 };
      a.runs += Number(s['runs']);
      a.failed += Number(s['failed']);
      a.lost += Number(s['lost_core_hours']);
      byObject.set(o, a);
    }
  }
  const objIds = [...byObject].filter(([, a]) => a.failed > 0).map(([id]) => id);
  const names = new Map<number, { path: string; module: string | null }>();
  for (let at = 0; at < objIds.length; at += 400) {
    const part = objIds.slice(at, at + 400);
    const found = await ctx.q.all<{ obj_id: unknown; object_path: string; module_name: string | null }>(`SELECT obj_id, object_path, module_name FROM xalt_object WHERE obj_id IN (${part.map(() => '?').join(', ')})`, part);
    for (const f of found) names.set(Number(f.obj_id), { path: f.object_path, module: f.module_name ?? null });
  }
  const rows = objIds.map((id) => [id, byObject.get(id)!] as const).map(([id, a]) => ({ library: names.get(id)?.path ?? null, module: names.get(id)?.module ?? null, runs: a.runs, failed: a.failed, lost_core_hours: a.lost }));
  return topLosses(rows, 'library', ctx.spec.top);
}
