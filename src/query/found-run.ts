/**
 * What `xalt find` knows about one run, whether it came from the store or straight from a
 * record tree: the run itself, how it ended, what it loaded, how its binary was built and
 * which Python packages it imported.
 */
import { flagList } from '../db/run-flags.js';
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

/** A row of `xalt_run`, column → value. */
export type RunRow = Readonly<Record<string, unknown>> & { readonly run_uuid: string };

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

function parseCmdline(v: unknown): string[] {
  if (typeof v !== 'string') return [];
  try {
    const a = JSON.parse(v) as unknown;
    return Array.isArray(a) ? a.map(String) : [v];
  } catch {
    return [v];
  }
}

/**
 * A run as `xalt find` shows it, from its `xalt_run` row — as the store holds it, or as ingest's
 * normalisation makes it from a record (find --spool): one mapping, so both searches name,
 * count and judge a run the same way.
 */
export function foundRun(r: RunRow, libs: readonly FoundLibrary[], env: Record<string, string>, packages: readonly FoundPackage[], build: FoundBuild | null): FoundRun {
  const hasEnd = Number(r['has_end']) === 1;
  const exit_status = num(r['exit_status']);
  const exit_signal = num(r['exit_signal']);
  const outcome = outcomeOf({ has_end: hasEnd, end_reason: str(r['end_reason']), exit_status, exit_signal });
  const endTime = Number(r['end_time']);
  const jobState = str(r['job_state']);
  const flags = flagList(str(r['flags']));
  return {
    run_uuid: r.run_uuid, syshost: String(r['syshost']), host: str(r['host']), user: String(r['user']),
    account: str(r['account']), job_id: str(r['job_id']), job_step: str(r['job_step']),
    array_job_id: str(r['array_job_id']), array_task_id: str(r['array_task_id']), job_state: jobState, queue: str(r['queue']),
    exec_path: String(r['exec_path']), exec_name: String(r['exec_name']), app_name: String(r['app_name']),
    module_name: str(r['module_name']), cwd: str(r['cwd']), cmdline: parseCmdline(r['cmdline']),
    start_time: Number(r['start_time']), end_time: endTime > 0 ? endTime : null, run_time: hasEnd ? Number(r['run_time']) : null,
    outcome, exit_status, exit_signal, failed: isFailure({ has_end: hasEnd, end_reason: str(r['end_reason']), exit_status, exit_signal, job_state: jobState }),
    probability: Number(r['probability']), num_tasks: Number(r['num_tasks']), cpus_per_task: Number(r['cpus_per_task']), num_cores: Number(r['num_cores']),
    num_nodes: Number(r['num_nodes']), num_threads: Number(r['num_threads']), num_gpus: Number(r['num_gpus']),
    parent_run_uuid: str(r['parent_run_uuid']), flags, flagged: flags.length > 0,
    modules: uniqueSorted([str(r['module_name']), ...libs.map((l) => l.module)]),
    libraries: libs, env, build, packages,
  };
}
