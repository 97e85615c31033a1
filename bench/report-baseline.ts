/**
 * The previous query strategy for `xalt report executables`, kept as the side-by-side baseline
 * of bench/report.ts: one GROUP BY per table over the period's rows read through the
 * start_time range (every executable's measures, then the same split by MPI/non-MPI, then the
 * daily series), each sorting all of the period's runs.
 */
import type { Queryable } from '../src/db/store.js';

const W = '(CASE WHEN r.probability > 0 THEN 1e0 / r.probability ELSE 1e0 END)';
const known = (c: string) => `CASE WHEN ${c} IS NOT NULL AND ${c} NOT IN ('', 'unknown') THEN ${c} END`;
const MEASURES = `SUM(r.run_time * r.num_cores * ${W}) / 3600e0 AS core_hours, SUM(${W}) AS runs, COUNT(DISTINCT r.user) AS users,`
  + ` COUNT(DISTINCT ${known('r.account')}) AS accounts, COUNT(DISTINCT ${known('r.job_id')}) AS jobs`;
const COLUMNS = ['run_id', 'run_uuid', 'syshost', 'host', 'user', 'account', 'job_id', 'app_name', 'module_name', 'build_uuid', 'build_id',
  'start_time', 'run_time', 'probability', 'num_cores', 'num_gpus', 'exit_status', 'exit_signal', 'end_reason', 'has_end'];
const SOURCE = `(SELECT ${COLUMNS.map((c) => `r.${c}`).join(', ')} FROM xalt_run r WHERE r.start_time >= ? AND r.start_time < ? LIMIT 9223372036854775807) r`;
const MPI = 'CASE WHEN r.num_cores > 1 THEN 1 ELSE 0 END';

/** The three queries the executables report used to make; returns the number of executables. */
export async function executablesBaseline(q: Queryable, since: number, until: number): Promise<number> {
  const all = await q.all(`SELECT r.app_name AS executable, ${MEASURES} FROM ${SOURCE} GROUP BY r.app_name ORDER BY core_hours DESC, executable`, [since, until]);
  await q.all(`SELECT r.app_name AS executable, ${MPI} AS mpi, ${MEASURES} FROM ${SOURCE} GROUP BY r.app_name, ${MPI}`, [since, until]);
  await q.all(`SELECT CAST(r.start_time / 86400 AS INTEGER) AS d, SUM(r.run_time * r.num_cores * ${W}) / 3600e0 AS v FROM ${SOURCE} GROUP BY 1`, [since, until]);
  return all.length;
}
