/**
 * The run record (`run.*.aaa|zzz.*.json`): XALT 3's members, in XALT's order, plus xalt's
 * extensions. Extensions live inside `userT` (strings) and `userDT` (numbers) because XALT's
 * loader reads those tables key by key and ignores keys it does not know.
 * See docs/internals/contracts.md.
 */
import type { FieldTable, RecordOf } from './field-types.js';

/** Version of xalt's extensions; bump when their meaning changes. */
export const SCHEMA_VERSION = 2;

/** Top-level members of a run record, in emitted order (`crc` first, always). */
export const runFields = {
  crc: { type: 'string', required: true, description: 'CRC-16/CCITT-FALSE of the record with "0xFFFF" in place, as "0xHHHH"' },
  cmdlineA: { type: 'stringArray', required: true, description: "the program's argv" },
  hash_id: { type: 'string', required: true, description: 'SHA-1 of the executable file (40 hex); "" in staging, filled in by xalt-ship' },
  libA: { type: 'pairArray', required: true, description: 'shared objects mapped in the process: [path, "0"]' },
  ptA: { type: 'processArray', description: 'process ancestry from the parent up' },
  envT: { type: 'stringTable', description: 'environment after the site allow-list' },
  userT: { type: 'stringTable', required: true, description: 'string facts about the run (see runUserT)' },
  userDT: { type: 'numberTable', required: true, description: 'numeric facts about the run (see runUserDT)' },
  xaltLinkT: { type: 'stringTable', description: "the executable's watermark, {} if none" },
  XALT_measureT: { type: 'numberTable', description: 'seconds spent building the record' },
  XALT_qaT: { type: 'stringTable', description: 'configuration fingerprint' },
} as const satisfies FieldTable;

/** Keys of `userT`, in emitted order. All values are strings. */
export const runUserT = {
  syshost: { type: 'string', required: true, description: 'cluster name' },
  run_uuid: { type: 'string', required: true, description: 'uuid of this run (v7 for xalt, v4/v7 for XALT)' },
  exec_path: { type: 'string', required: true, description: 'absolute path of the executable' },
  exec_type: { type: 'string', description: '"binary" (XALT 2 also wrote "script")' },
  cwd: { type: 'string', description: 'working directory at start' },
  currentEpoch: { type: 'string', description: 'seconds since the epoch when the record was built' },
  start_date: { type: 'string', description: 'start time as C %c in local time' },
  user: { type: 'string', required: true, description: '$USER, else the numeric uid' },
  container: { type: 'string', description: '"singularity" when run in a container' },
  execModify: { type: 'string', description: "executable's mtime as C %c" },
  scheduler: { type: 'string', description: 'SLURM, PBS, SGE, LSF, FLUX or unknown' },
  account: { type: 'string', description: 'scheduler account or unknown' },
  job_id: { type: 'string', description: 'scheduler job id or unknown' },
  queue: { type: 'string', description: 'partition/queue or unknown' },
  submit_host: { type: 'string', description: 'host the job was submitted from, or unknown' },
  // xalt extensions
  host: { type: 'string', extension: true, description: 'node host name (uname nodename)' },
  job_step: { type: 'string', extension: true, description: 'scheduler job step (SLURM_STEP_ID), or empty' },
  end_reason: { type: 'string', extension: true, description: '"" in a start record; exit, signal or job_end in an end record' },
  exec_build_id: { type: 'string', extension: true, description: "ELF build-id of the executable, hex, or empty" },
  parent_run_uuid: { type: 'string', extension: true, description: 'run uuid of the tracked process that started this one, or empty' },
  start_policy: { type: 'string', extension: true, description: 'start-record policy in force: mpi, always or staged' },
  exec_identity: { type: 'string', extension: true, description: 'the executable file as "<st_dev>:<st_ino>:<st_size>:<st_mtime>" (decimal), the key xalt-ship hashes it by; "" if unknown' },
  array_job_id: { type: 'string', extension: true, description: 'array job id (SLURM_ARRAY_JOB_ID, PBS_ARRAY_ID, LSB_JOBID of an array), or empty' },
  array_task_id: { type: 'string', extension: true, description: 'array task index (SLURM_ARRAY_TASK_ID, PBS_ARRAY_INDEX, LSB_JOBINDEX), or empty' },
  job_state: { type: 'string', extension: true, description: 'how the scheduler ended the job (TIMEOUT, CANCELLED, ...) when xalt-ship closed the run with job_end, else empty' },
} as const satisfies FieldTable;

/** Keys of `userDT`, in emitted order. All values are numbers. */
export const runUserDT = {
  Build_Epoch: { type: 'number', description: 'watermark build time (only when a watermark is present)' },
  start_time: { type: 'number', required: true, description: 'seconds since the epoch at start' },
  end_time: { type: 'number', required: true, description: '0 in a start record' },
  run_time: { type: 'number', required: true, description: '0 in a start record' },
  probability: { type: 'number', required: true, description: 'sampling probability that applied (1 when not sampled)' },
  num_tasks: { type: 'integer', description: 'MPI tasks, ≥ 1' },
  num_gpus: { type: 'integer', description: 'GPUs used' },
  exec_epoch: { type: 'number', description: 'start time truncated to seconds' },
  num_threads: { type: 'integer', description: '$OMP_NUM_THREADS or 1' },
  num_cores: { type: 'integer', description: 'cores allocated to the run: num_tasks × cpus_per_task' },
  num_nodes: { type: 'integer', description: 'nodes in the job' },
  // xalt extensions
  exit_status: { type: 'integer', extension: true, description: 'exit status (end records ending by exit), -1 if unknown' },
  signal: { type: 'integer', extension: true, description: 'signal that ended the run, 0 if none' },
  gpu_used: { type: 'integer', extension: true, description: '1 when a CUDA/ROCm library was loaded and devices were visible' },
  cpus_per_task: { type: 'integer', extension: true, description: 'CPUs per task (SLURM_CPUS_PER_TASK, PBS ncpus), ≥ 1' },
  schema_version: { type: 'integer', extension: true, description: "version of xalt's extensions" },
} as const satisfies FieldTable;

export type RunUserT = RecordOf<typeof runUserT>;
export type RunUserDT = RecordOf<typeof runUserDT>;

/** A run record as parsed from JSON (after validation). */
export type RunRecord = Omit<RecordOf<typeof runFields>, 'userT' | 'userDT'> & {
  userT: RunUserT & Record<string, string>;
  userDT: RunUserDT & Record<string, number>;
};

/** How a run ended, as stored in `userT.end_reason`. */
export const END_REASONS = ['exit', 'signal', 'job_end'] as const;
export type EndReason = (typeof END_REASONS)[number];

/** True for a start record (`aaa`): XALT marks it with end_time 0. */
export function isStartRecord(r: Pick<RunRecord, 'userDT'>): boolean {
  return !(r.userDT.end_time > 0);
}
