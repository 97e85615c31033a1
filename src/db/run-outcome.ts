/**
 * How a run ended and whether it failed: one definition, in SQL and in JavaScript, for
 * `xalt find`, `xalt report success`, the failed-run counts of the daily usage totals and the
 * tests that check them (docs/report.md, "success").
 *
 * The categories are disjoint:
 * * `never_ended` — a start record and nothing else: lost (the node failed, the epilog never
 *   ran), or still running;
 * * `job_end` — closed by xalt-ship because its job ended while it ran, and the job did not
 *   end COMPLETED: the scheduler killed it (TIMEOUT, CANCELLED, NODE_FAIL, OUT_OF_MEMORY, …)
 *   or the job state is not known;
 * * `signalled` — ended by a signal;
 * * `exit_nonzero` — exited with a status above 0;
 * * `ok` — exited with status 0, ended without a recorded status (XALT's records), or was
 *   still running when its job ended COMPLETED (a process the job script left behind, which
 *   Slurm counts as part of a successful job).
 *
 * Every category but `ok` is a failure.
 */

const OUTCOME_KEYS = ['ok', 'exit_nonzero', 'signalled', 'job_end', 'never_ended'] as const;
type OutcomeKey = (typeof OUTCOME_KEYS)[number];

/** The job state under which a run closed at job end is not a failure. */
const JOB_COMPLETED = 'COMPLETED';

/** The columns of xalt_run the outcome depends on (numbers may come as strings or bigints from drivers). */
interface EndColumns {
  readonly has_end: unknown;
  readonly end_reason: unknown;
  readonly exit_status: unknown;
  readonly exit_signal: unknown;
  readonly job_state: unknown;
}

/**
 * SQL giving a run's OutcomeKey, over xalt_run alias `r` (or another alias).
 * @example `SELECT ${outcomeSql('r')} AS oc, COUNT(*) FROM xalt_run r GROUP BY 1`
 */
export function outcomeSql(r = 'r'): string {
  return `CASE WHEN ${r}.has_end = 0 THEN 'never_ended'`
    + ` WHEN ${r}.end_reason = 'job_end' THEN CASE WHEN ${r}.job_state = '${JOB_COMPLETED}' THEN 'ok' ELSE 'job_end' END`
    + ` WHEN ${r}.end_reason = 'signal' OR COALESCE(${r}.exit_signal, 0) > 0 THEN 'signalled'`
    + ` WHEN ${r}.exit_status IS NOT NULL AND ${r}.exit_status > 0 THEN 'exit_nonzero' ELSE 'ok' END`;
}

/**
 * SQL true for a failed run, over alias `r`.
 * @example `SELECT COUNT(*) FROM xalt_run r WHERE ${failedSql('r')}`
 */
export function failedSql(r = 'r'): string {
  return `(${outcomeSql(r)}) <> 'ok'`;
}

const isNull = (v: unknown) => v === null || v === undefined;
const num = (v: unknown) => (isNull(v) ? 0 : Number(v));

/** A run's OutcomeKey: `outcomeSql` for one row. */
function outcomeKey(r: EndColumns): OutcomeKey {
  if (num(r.has_end) === 0) return 'never_ended';
  if (r.end_reason === 'job_end') return r.job_state === JOB_COMPLETED ? 'ok' : 'job_end';
  if (r.end_reason === 'signal' || num(r.exit_signal) > 0) return 'signalled';
  if (!isNull(r.exit_status) && num(r.exit_status) > 0) return 'exit_nonzero';
  return 'ok';
}

/**
 * True for a failed run: `failedSql` for one row.
 * @example isFailed({ has_end: 1, end_reason: 'job_end', exit_status: null, exit_signal: 0, job_state: 'TIMEOUT' }) // true
 */
export function isFailed(r: EndColumns): boolean {
  return outcomeKey(r) !== 'ok';
}
