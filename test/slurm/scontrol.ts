/**
 * What Slurm says about a job, parsed from `scontrol -o show job` (one line per job record,
 * `Key=Value` pairs). Pure: the harness runs the command, this file reads its output.
 */

/** One job record as scontrol prints it (an array job prints one record per task). */
export interface SlurmJob {
  /** JobId: the job's own id (an array task has its own, e.g. 7 for task 6_0) */
  readonly id: string;
  /** ArrayJobId and ArrayTaskId, for array tasks */
  readonly arrayJobId: string | null;
  readonly arrayTaskId: string | null;
  readonly user: string;
  /** COMPLETED, FAILED, TIMEOUT, CANCELLED, RUNNING, PENDING, COMPLETING, ... */
  readonly state: string;
  readonly reason: string;
  /** ExitCode=N:S — the batch script's exit status and the signal that ended it */
  readonly exitCode: number;
  readonly exitSignal: number;
  /** RunTime in seconds */
  readonly runTime: number;
  /** StartTime and EndTime as epoch seconds (scontrol prints local time); null when Unknown */
  readonly startTime: number | null;
  readonly endTime: number | null;
  readonly numCpus: number;
  readonly numTasks: number;
  readonly cpusPerTask: number;
  /** BatchHost: the node the batch script ran on, null before the job started */
  readonly batchHost: string | null;
  /** every pair, for whatever else a test wants to look at */
  readonly fields: Readonly<Record<string, string>>;
}

/** `[D-]HH:MM:SS` or `MM:SS` → seconds. */
export function slurmDuration(text: string): number {
  const m = /^(?:(\d+)-)?(?:(\d+):)?(\d+):(\d+)$/.exec(text);
  if (!m) throw new Error(`not a Slurm duration: ${JSON.stringify(text)}`);
  const [, d, h, min, s] = m;
  return ((Number(d ?? 0) * 24 + Number(h ?? 0)) * 60 + Number(min)) * 60 + Number(s);
}

/** `2026-12-07T17:26:16` (the local time scontrol prints) → epoch seconds; null for Unknown/None. */
function slurmTime(text: string | undefined): number | null {
  if (text === undefined || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/.test(text)) return null;
  return Math.floor(new Date(text).getTime() / 1000); // no zone: read as local time, as printed
}

/** `Key=Value Key2=Value2 ...`: values never contain spaces in the records the tests create. */
function pairs(line: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const tok of line.trim().split(/\s+/)) {
    const eq = tok.indexOf('=');
    if (eq > 0) out[tok.slice(0, eq)] = tok.slice(eq + 1);
  }
  return out;
}

function int(f: Record<string, string>, key: string): number {
  const v = Number(f[key]);
  if (!Number.isInteger(v)) throw new Error(`scontrol: ${key}=${f[key]} is not a number`);
  return v;
}

/** Parse the output of `scontrol -o show job [ID]`. */
export function parseScontrolJobs(stdout: string): SlurmJob[] {
  return stdout.split('\n').filter((l) => l.startsWith('JobId=')).map((line) => {
    const f = pairs(line);
    const [code, signal] = (f['ExitCode'] ?? '0:0').split(':').map(Number);
    const user = /^([^(]*)/.exec(f['UserId'] ?? '')?.[1] ?? '';
    return {
      id: f['JobId']!,
      arrayJobId: f['ArrayJobId'] ?? null,
      arrayTaskId: f['ArrayTaskId'] ?? null,
      user,
      state: f['JobState'] ?? '',
      reason: f['Reason'] ?? '',
      exitCode: code ?? 0,
      exitSignal: signal ?? 0,
      runTime: slurmDuration(f['RunTime'] ?? '0:0'),
      startTime: slurmTime(f['StartTime']),
      endTime: slurmTime(f['EndTime']),
      numCpus: int(f, 'NumCPUs'),
      numTasks: int(f, 'NumTasks'),
      cpusPerTask: int(f, 'CPUs/Task'),
      batchHost: f['BatchHost'] && f['BatchHost'] !== '(null)' ? f['BatchHost'] : null,
      fields: f,
    };
  });
}

/** The states a job can no longer leave. */
export const FINAL_STATES = new Set(['COMPLETED', 'FAILED', 'TIMEOUT', 'CANCELLED', 'NODE_FAIL', 'OUT_OF_MEMORY', 'PREEMPTED', 'BOOT_FAIL', 'DEADLINE']);
