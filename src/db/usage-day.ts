/**
 * Daily usage totals (`xalt_usage_day`): per UTC day, cluster, application, module, MPI or
 * not, and library set, the sums that reports add up — runs, core-seconds, GPU-seconds and
 * failed runs, each as recorded and weighted by 1/probability.
 *
 * Why: SQLite has no hash aggregation, so every sum over a whole store's runs costs a pass over
 * a million rows per measure and side. The overview and libraries reports read these rows
 * instead (tens of thousands for a 1,000,000-run store) for every full day of their period,
 * and sum the runs of the partial days at its ends directly (src/report/usage-rows.ts).
 * Distinct counts (users, accounts, jobs, hosts) cannot be added up across days, so they are
 * not here. Flagged runs (xalt_run.flagged, schema 3) are not here either: reports leave them
 * out unless asked, and then add them from the runs (src/report/usage-rows.ts).
 *
 * Kept exact by ingest: a new run adds its sums to its row; an end record completing a run
 * moves the run's old sums out and its new ones in (`UsageDeltas`); a run that becomes flagged
 * moves out. `rebuildUsageDays`
 * recomputes rows from xalt_run with the same definitions in SQL (migration, tests, bench).
 */
import { failedSql, isFailed } from './run-outcome.js';
import { USAGE_DAY_KEY } from './schema-tables.js';
import type { Dialect, Queryable, SqlValue } from './store.js';
import { keepsTupleDays, TupleDeltas } from './tuple-day.js';

/** The sums of a row, in column order. */
export const USAGE_DAY_SUMS = ['runs', 'runs_w', 'core_s', 'core_s_w', 'gpu_s', 'gpu_s_w', 'failed', 'failed_w'] as const;

const DAY = 86400;

/** The UTC day number of time `t`, as `Dialect.day` computes it (start times are not negative). */
function dayOf(t: number): number {
  return Math.floor(t / DAY);
}

/** A failed run (anything but ok in `xalt report success`), as SQL over alias `r`. */
const FAILED_SQL = failedSql('r');

/** MPI: more than one task (num_cores also counts each task's CPUs since schema 3). */
const MPI_SQL = 'r.num_tasks > 1';

/** A run's weight, 1/probability, as SQL over alias `r`. 1e0, not 1.0: MySQL makes 1.0 a DECIMAL. */
const WEIGHT_SQL = '(CASE WHEN r.probability > 0 THEN 1e0 / r.probability ELSE 1e0 END)';

/**
 * The rows of xalt_usage_day for the runs of xalt_run `r` matching `where` (a condition on
 * `r`), in USAGE_DAY_KEY then USAGE_DAY_SUMS order. Flagged runs are left out unless
 * `flagged` is 'only' (the rows the flagged runs would make, for reports that include them).
 */
export function usageDaySelect(dialect: Dialect, where: string, flagged: 'none' | 'only' = 'none'): string {
  const w = WEIGHT_SQL;
  const keys = [
    `${dialect.day('r.start_time')} AS day`, 'r.syshost AS syshost', 'r.app_name AS app_name', 'CASE WHEN r.module_name IS NULL THEN 0 ELSE 1 END AS has_module',
    `COALESCE(r.module_name, '') AS module_name`, `CASE WHEN ${MPI_SQL} THEN 1 ELSE 0 END AS mpi`, 'COALESCE(r.libset_id, 0) AS libset_id',
  ];
  const sums = [
    'COUNT(*) AS runs', `SUM(${w}) AS runs_w`, 'SUM(r.run_time * r.num_cores) AS core_s', `SUM(r.run_time * r.num_cores * ${w}) AS core_s_w`,
    'SUM(r.run_time * r.num_gpus) AS gpu_s', `SUM(r.run_time * r.num_gpus * ${w}) AS gpu_s_w`,
    `SUM(CASE WHEN ${FAILED_SQL} THEN 1 ELSE 0 END) AS failed`, `SUM(CASE WHEN ${FAILED_SQL} THEN ${w} ELSE 0 END) AS failed_w`,
  ];
  return `SELECT ${[...keys, ...sums].join(', ')} FROM xalt_run r WHERE (${where}) AND r.flagged = ${flagged === 'only' ? 1 : 0} GROUP BY ${keys.map((_, i) => i + 1).join(', ')}`;
}

/** The columns of xalt_run a run's usage row and sums depend on. */
export const USAGE_RUN_COLUMNS = [
  'start_time', 'syshost', 'app_name', 'module_name', 'num_cores', 'num_tasks', 'libset_id', 'run_time', 'num_gpus', 'probability', 'has_end', 'end_reason', 'exit_signal',
  'exit_status', 'job_state', 'flagged',
  // and what its row of distinct tuples adds (tuple-day.ts)
  'job_id', 'user', 'account', 'host',
] as const;

export type UsageRun = Readonly<Record<(typeof USAGE_RUN_COLUMNS)[number], SqlValue | undefined>>;

const num = (v: SqlValue | undefined): number => (v === null || v === undefined ? 0 : Number(v));

/** The key values and sums one run adds to its xalt_usage_day row: the SQL above, for one run. */
function runUsage(r: UsageRun): { key: SqlValue[]; sums: number[] } {
  const p = num(r.probability);
  const w = p > 0 ? 1e0 / p : 1e0;
  // the products in the SQL's order ((run_time × num_cores) × w), so each run's terms are the same doubles
  const core = num(r.run_time) * num(r.num_cores);
  const gpu = num(r.run_time) * num(r.num_gpus);
  const bad = isFailed(r);
  const module = r.module_name === null || r.module_name === undefined ? null : String(r.module_name);
  return {
    key: [dayOf(num(r.start_time)), String(r.syshost), String(r.app_name), module === null ? 0 : 1, module ?? '', num(r.num_tasks) > 1 ? 1 : 0, num(r.libset_id)],
    sums: [1, w, core, core * w, gpu, gpu * w, bad ? 1 : 0, bad ? w : 0],
  };
}

const upserts = new Map<string, string>();

/** The statement adding `n` rows of sums to xalt_usage_day (cached: ingest sends it every batch). */
function upsertSql(dialect: Dialect, n: number): string {
  const id = `${dialect.name}:${n}`;
  let sql = upserts.get(id);
  if (!sql) {
    const q = dialect.quote;
    const cols = [...USAGE_DAY_KEY, ...USAGE_DAY_SUMS];
    // PostgreSQL: the row's sum is qualified (excluded.runs alone would be ambiguous for it)
    const set = USAGE_DAY_SUMS.map((c) => `${q(c)} = xalt_usage_day.${q(c)} + ${dialect.excluded(q(c))}`);
    const row = `(${cols.map(() => '?').join(', ')})`;
    sql = `INSERT INTO xalt_usage_day (${cols.map(q).join(', ')}) VALUES ${Array(n).fill(row).join(', ')} ${dialect.upsert([...USAGE_DAY_KEY], set)}`;
    upserts.set(id, sql);
  }
  return sql;
}

/**
 * Changes to xalt_usage_day gathered over a batch: `add(run, +1)` for a new run, `add(old, -1)`
 * and `add(new, +1)` for a run an end record completed. `flush` applies them as one upsert per
 * row touched, in key order (concurrent ingesters on MySQL then lock rows in the same order).
 * The same calls keep the daily distinct tuples (tuple-day.ts) on the stores whose reports read
 * them: every change to a run's usage is one to its tuple.
 */
export class UsageDeltas {
  private readonly rows = new Map<string, { key: SqlValue[]; sums: number[] }>();
  private readonly tuples: TupleDeltas | undefined;

  constructor(dialect: Dialect) {
    this.tuples = keepsTupleDays(dialect) ? new TupleDeltas() : undefined;
  }

  /** Add (+1) or remove (-1) a run's sums; a flagged run has none in the daily totals. */
  add(run: UsageRun, sign: 1 | -1): void {
    if (num(run.flagged) !== 0) return;
    this.tuples?.add(run, sign);
    const u = runUsage(run);
    const id = u.key.join('\u0000');
    const row = this.rows.get(id);
    if (row) u.sums.forEach((x, i) => { row.sums[i]! += sign * x; });
    else this.rows.set(id, { key: u.key, sums: u.sums.map((x) => sign * x) });
  }

  async flush(q: Queryable): Promise<void> {
    const rows = [...this.rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r).filter((r) => r.sums.some((x) => x !== 0));
    this.rows.clear();
    for (let at = 0; at < rows.length; at += 200) {
      const part = rows.slice(at, at + 200);
      await q.run(upsertSql(q.dialect, part.length), part.flatMap((r) => [...r.key, ...r.sums]));
    }
    const quote = q.dialect.quote;
    // a row whose last run moved to another row (its library set grew) is left with nothing
    const emptied = rows.filter((r) => r.sums[0]! < 0);
    for (const r of emptied) {
      await q.run(`DELETE FROM xalt_usage_day WHERE ${USAGE_DAY_KEY.map((c) => `${quote(c)} = ?`).join(' AND ')} AND runs = 0`, r.key);
    }
    await this.tuples?.flush(q);
  }
}

/**
 * Recompute xalt_usage_day from xalt_run: every row, or (with `runIds`) the rows of the days
 * and clusters those runs started on.
 */
export async function rebuildUsageDays(q: Queryable, runIds?: readonly number[]): Promise<void> {
  const insert = `INSERT INTO xalt_usage_day (${[...USAGE_DAY_KEY, ...USAGE_DAY_SUMS].map(q.dialect.quote).join(', ')}) `;
  if (runIds === undefined) {
    await q.run('DELETE FROM xalt_usage_day');
    await q.run(insert + usageDaySelect(q.dialect, '1 = 1'));
    return;
  }
  const days = new Map<string, { day: number; syshost: string }>();
  for (let at = 0; at < runIds.length; at += 500) {
    const part = runIds.slice(at, at + 500);
    const rows = await q.all<{ start_time: number; syshost: string }>(`SELECT start_time, syshost FROM xalt_run WHERE run_id IN (${part.map(() => '?').join(', ')})`, part);
    for (const r of rows) days.set(`${dayOf(Number(r.start_time))}\u0000${r.syshost}`, { day: dayOf(Number(r.start_time)), syshost: r.syshost });
  }
  for (const { day, syshost } of days.values()) {
    await q.run('DELETE FROM xalt_usage_day WHERE day = ? AND syshost = ?', [day, syshost]);
    await q.run(insert + usageDaySelect(q.dialect, 'r.start_time >= ? AND r.start_time < ? AND r.syshost = ?'), [day * DAY, (day + 1) * DAY, syshost]);
  }
}
