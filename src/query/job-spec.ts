/**
 * `xalt find --job`: jobs named the way Slurm names them (squeue, sacct, scontrol), and the
 * way `xalt find` prints them:
 *
 * | text | finds |
 * |---|---|
 * | `110` | job 110, and every task of array job 110 |
 * | `110_2` | task 2 of array job 110 |
 * | `1002.0`, `1002.batch` | step 0 / the batch step of job 1002 (or of every task of array 1002) |
 * | `110_2.batch` | the batch step of task 2 of array job 110 |
 *
 * Whatever the form, a run whose recorded job id is exactly the text matches too, so job ids
 * of other schedulers (PBS's `1234.server`, `1234[2].server`) are found as recorded (pure).
 */
import type { SqlValue } from '../db/store.js';
import type { SqlWhere } from './run-selection.js';

export interface JobSpec {
  /** the text as given: matched against the recorded job id as it is */
  readonly text: string;
  /** the job id, or the array job id, in a Slurm-style name */
  readonly job?: string;
  /** the array task index (`110_2`) */
  readonly task?: string;
  /** the step (`1002.0`, `1002.batch`) */
  readonly step?: string;
}

/** job[_task][.step]: ids are numbers; steps are numbers or Slurm's step names */
const SLURM_NAME = /^(\d+)(?:_(\d+))?(?:\.(\d+|batch|extern|interactive))?$/;

/**
 * Read a job name. Never fails: text that is no Slurm name is matched as a recorded job id only.
 * @example parseJobSpec('110_2.batch') // { text: '110_2.batch', job: '110', task: '2', step: 'batch' }
 */
export function parseJobSpec(text: string): JobSpec {
  const m = SLURM_NAME.exec(text.trim());
  if (!m) return { text };
  return { text, job: m[1]!, ...(m[2] !== undefined ? { task: m[2] } : {}), ...(m[3] !== undefined ? { step: m[3] } : {}) };
}

/** The run facts a job name is matched against. */
export interface JobFacts {
  readonly job_id: string | null;
  readonly job_step: string | null;
  readonly array_job_id: string | null;
  readonly array_task_id: string | null;
}

/** True when the run belongs to the job, task or step `spec` names. */
export function jobMatches(spec: JobSpec, r: JobFacts): boolean {
  if (r.job_id === spec.text) return true;
  if (spec.job === undefined) return false;
  if (spec.step !== undefined && r.job_step !== spec.step) return false;
  if (spec.task !== undefined) return r.array_job_id === spec.job && r.array_task_id === spec.task;
  return r.job_id === spec.job || r.array_job_id === spec.job;
}

/**
 * SQL over xalt_run `r` for `jobMatches`, as a disjunction of conjunctions each led by an
 * indexed equality (job_id; array_job_id, array_task_id), so the database looks each one up.
 */
export function jobWhere(spec: JobSpec): SqlWhere {
  const alternatives: string[] = ['r.job_id = ?'];
  const params: SqlValue[] = [spec.text];
  const step = spec.step !== undefined ? ' AND r.job_step = ?' : '';
  const stepParam = spec.step !== undefined ? [spec.step] : [];
  if (spec.task !== undefined) {
    alternatives.push(`(r.array_job_id = ? AND r.array_task_id = ?${step})`);
    params.push(spec.job!, spec.task, ...stepParam);
  } else if (spec.job !== undefined) {
    if (spec.step !== undefined || spec.job !== spec.text) {
      alternatives.push(`(r.job_id = ?${step})`);
      params.push(spec.job, ...stepParam);
    }
    alternatives.push(`(r.array_job_id = ?${step})`);
    params.push(spec.job, ...stepParam);
  }
  return { sql: `(${alternatives.join(' OR ')})`, params };
}

/**
 * How Slurm prints the run's job: `110_2` for an array task, `1002` otherwise, with `.step`
 * when the run belongs to a step (`1002.0`, `110_2.batch`); null outside a job.
 * @example slurmJobName({ job_id: '112', job_step: 'batch', array_job_id: '110', array_task_id: '2' }) // '110_2.batch'
 */
export function slurmJobName(r: JobFacts): string | null {
  const job = r.array_job_id !== null && r.array_task_id !== null ? `${r.array_job_id}_${r.array_task_id}` : r.job_id;
  if (job === null) return null;
  return r.job_step !== null ? `${job}.${r.job_step}` : job;
}
