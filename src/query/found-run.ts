/**
 * What `xalt find` knows about one run, whether it came from the store or straight from a
 * record tree: the run itself, how it ended, what it loaded, how its binary was built and
 * which Python packages it imported.
 */
import { isFailed } from '../db/run-outcome.js';

/** How a run ended, from the most to the least certain. */
export type Outcome =
  | 'exit' // ended by exit(); exit_status says how
  | 'signal' // killed by a signal
  | 'job_end' // closed by xalt-ship at the job's end: the job ended (or was killed) while it ran
  | 'never_ended' // a start record and nothing else: still running, or lost
  | 'ended'; // an end record without exit status (XALT's records)

export interface FoundLibrary {
  readonly path: string;
  readonly module: string | null;
}

export interface FoundBuild {
  readonly uuid: string;
  /** how the run was joined to its link: watermark uuid or ELF build-id */
  readonly matched_by: 'uuid' | 'build_id';
  readonly link_program: string | null;
  readonly link_path: string | null;
  readonly build_user: string | null;
  readonly build_syshost: string | null;
  readonly build_epoch: number;
  /** the compiler's module and the modules of the libraries linked in */
  readonly link_modules: readonly string[];
}

export interface FoundPackage {
  readonly program: string;
  readonly name: string;
  readonly version: string | null;
  readonly path: string | null;
}

export interface FoundRun {
  readonly run_uuid: string;
  readonly syshost: string;
  readonly host: string | null;
  readonly user: string;
  readonly account: string | null;
  readonly job_id: string | null;
  readonly job_step: string | null;
  /** the array job and task, when the run was in a task of an array job */
  readonly array_job_id: string | null;
  readonly array_task_id: string | null;
  /** how the scheduler ended the job, for a run closed at job end (TIMEOUT, CANCELLED, COMPLETED, …) */
  readonly job_state: string | null;
  readonly queue: string | null;
  readonly exec_path: string;
  readonly exec_name: string;
  readonly app_name: string;
  readonly module_name: string | null;
  readonly cwd: string | null;
  readonly cmdline: readonly string[];
  readonly start_time: number;
  /** null while no end is known */
  readonly end_time: number | null;
  readonly run_time: number | null;
  readonly outcome: Outcome;
  readonly exit_status: number | null;
  readonly exit_signal: number | null;
  readonly failed: boolean;
  readonly probability: number;
  readonly num_tasks: number;
  readonly cpus_per_task: number;
  /** CPUs allocated to the run: num_tasks × cpus_per_task */
  readonly num_cores: number;
  readonly num_nodes: number;
  readonly num_threads: number;
  readonly num_gpus: number;
  readonly parent_run_uuid: string | null;
  /** integrity flags (e.g. owner_mismatch), sorted; a flagged run is left out of reports by default */
  readonly flags: readonly string[];
  readonly flagged: boolean;
  /** the executable's module and every module a loaded library came from, sorted */
  readonly modules: readonly string[];
  readonly libraries: readonly FoundLibrary[];
  readonly env: Readonly<Record<string, string>>;
  readonly build: FoundBuild | null;
  readonly packages: readonly FoundPackage[];
}

/** The facts `outcomeOf` and `isFailure` decide from (columns of xalt_run, or the merged records). */
export interface EndFacts {
  readonly has_end: boolean;
  readonly end_reason: string | null;
  readonly exit_status: number | null;
  readonly exit_signal: number | null;
  readonly job_state?: string | null;
}

/** How a run ended. */
export function outcomeOf(f: EndFacts): Outcome {
  if (!f.has_end) return 'never_ended';
  if (f.end_reason === 'job_end') return 'job_end';
  if (f.end_reason === 'signal' || (f.exit_signal ?? 0) > 0) return 'signal';
  if (f.end_reason === 'exit' || (f.exit_status !== null && f.exit_status >= 0)) return 'exit';
  return 'ended';
}

/**
 * A failure: non-zero exit, a signal, still running when a job that did not complete ended,
 * or never ended (src/db/run-outcome.ts has the definition every part uses).
 */
export function isFailure(f: EndFacts): boolean {
  return isFailed({ ...f, has_end: f.has_end ? 1 : 0, job_state: f.job_state ?? null });
}

/** Keep the order, drop repeats and empties. */
export function uniqueSorted(values: readonly (string | null | undefined)[]): string[] {
  return [...new Set(values.filter((v): v is string => typeof v === 'string' && v !== ''))].sort();
}

/**
 * The run's result as `xalt find --outcome` and the `result` column name it: `ok`, or the kind
 * of failure — `exit` (a non-zero status), `signal`, `job_end` (running when a job that did
 * not complete ended), `never_ended`. The categories of src/db/run-outcome.ts.
 */
export function resultOf(r: Pick<FoundRun, 'failed' | 'outcome'>): 'ok' | 'exit' | 'signal' | 'job_end' | 'never_ended' {
  if (!r.failed) return 'ok';
  if (r.outcome === 'never_ended' || r.outcome === 'job_end' || r.outcome === 'signal') return r.outcome;
  return 'exit';
}
