/**
 * Bounds on every number and every size in a record (pure). A record can be well formed and
 * still hold values no real run has: a probability of 1e-320 (its weight 1/p is Infinity), a
 * start time of 1e308, 200,000 libraries. Such values must never reach the store — one of
 * them used to fail the whole batch it was loaded with, on every ingest — nor the reports.
 * Ingest quarantines a record that breaks a bound, with the bound it broke, and loads the rest.
 */
import type { LinkRecord } from './link-record.js';
import type { PkgRecord } from './pkg-record.js';
import type { RunRecord } from './run-record.js';
import type { RecordKind } from './validate.js';

/** Earliest time any record can carry: 2000-01-01T00:00:00Z. */
export const EARLIEST_TIME = 946_684_800;
/** How far ahead of the ingest host's clock a node's clock may be. */
export const CLOCK_SKEW_SECONDS = 3600;
/** Longest run time accepted: ten years. */
export const MAX_RUN_TIME = 10 * 365.25 * 86_400;
/** Smallest sampling probability: its weight 1/p stays finite and meaningful. */
export const MIN_PROBABILITY = 1e-9;
/** Largest task, core, node, thread or GPU count. */
export const MAX_COUNT = 100_000_000;
/** Longest single string (Linux's MAX_ARG_STRLEN is 128 KiB). */
export const MAX_STRING = 131_072;
/** Most entries in one list or table (libraries, arguments, environment, ancestry, link inputs). */
export const MAX_ENTRIES = 65_536;

/** The collected problems, as `path: message`. */
type Issues = string[];

function time(issues: Issues, path: string, v: number | undefined, now: number, zeroOk: boolean): void {
  if (v === undefined || (zeroOk && v === 0)) return;
  if (!(v >= EARLIEST_TIME && v <= now + CLOCK_SKEW_SECONDS)) {
    issues.push(`${path}: ${v} is not a time between 2000-01-01 and an hour from now`);
  }
}

function range(issues: Issues, path: string, v: number | undefined, lo: number, hi: number): void {
  if (v !== undefined && !(v >= lo && v <= hi)) issues.push(`${path}: ${v} is outside ${lo}..${hi}`);
}

function sizes(issues: Issues, path: string, v: unknown): void {
  if (typeof v === 'string') {
    if (v.length > MAX_STRING) issues.push(`${path}: a string of ${v.length} characters (at most ${MAX_STRING})`);
  } else if (Array.isArray(v)) {
    if (v.length > MAX_ENTRIES) issues.push(`${path}: ${v.length} entries (at most ${MAX_ENTRIES})`);
    else for (let i = 0; i < v.length && issues.length < 5; i++) sizes(issues, `${path}[${i}]`, v[i]);
  } else if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v);
    if (keys.length > MAX_ENTRIES) issues.push(`${path}: ${keys.length} entries (at most ${MAX_ENTRIES})`);
    else for (const k of keys) { if (issues.length >= 5) break; sizes(issues, `${path}.${k}`, (v as Record<string, unknown>)[k]); }
  }
}

function runBounds(r: RunRecord, now: number, issues: Issues): void {
  const d = r.userDT;
  time(issues, 'userDT.start_time', d.start_time, now, false);
  time(issues, 'userDT.end_time', d.end_time, now, true);
  time(issues, 'userDT.exec_epoch', d.exec_epoch, now, true);
  time(issues, 'userDT.Build_Epoch', d.Build_Epoch, now, true);
  range(issues, 'userDT.run_time', d.run_time, 0, MAX_RUN_TIME);
  if (!(d.probability >= MIN_PROBABILITY && d.probability <= 1)) issues.push(`userDT.probability: ${d.probability} is outside ${MIN_PROBABILITY}..1`);
  for (const k of ['num_tasks', 'num_cores', 'num_threads', 'num_nodes', 'num_gpus', 'cpus_per_task'] as const) range(issues, `userDT.${k}`, d[k], 0, MAX_COUNT);
  range(issues, 'userDT.exit_status', d.exit_status, -1, 255);
  range(issues, 'userDT.signal', d.signal, 0, 128);
  range(issues, 'userDT.gpu_used', d.gpu_used, 0, 1);
  range(issues, 'userDT.schema_version', d.schema_version, 0, 1000);
}

/**
 * What is implausible about a validated record, as `path: message` (empty when nothing).
 * `now` is the ingest host's clock, epoch seconds; `textLength`, the length of the record's text
 * when known, spares the walk over every string of a record too short to break a size bound.
 * @example implausible('run', rec, Date.now() / 1000) // ['userDT.probability: 1e-320 is outside 1e-9..1']
 */
export function implausible(kind: RecordKind, rec: RunRecord | LinkRecord | PkgRecord, now: number, textLength = Infinity): string[] {
  const issues: Issues = [];
  if (kind === 'run') runBounds(rec as RunRecord, now, issues);
  if (kind === 'link') {
    const epoch = Number((rec as LinkRecord).resultT.build_epoch);
    if (!Number.isFinite(epoch)) issues.push(`resultT.build_epoch: ${JSON.stringify((rec as LinkRecord).resultT.build_epoch)} is not a number`);
    else time(issues, 'resultT.build_epoch', epoch, now, false);
  }
  if (kind === 'pkg') {
    const t = (rec as PkgRecord).import_time;
    if (t !== undefined && t !== '' && !(Number(t) >= EARLIEST_TIME && Number(t) <= now + CLOCK_SKEW_SECONDS)) issues.push(`import_time: ${JSON.stringify(t)} is not a time between 2000-01-01 and an hour from now`);
  }
  // A record text no longer than MAX_STRING can hold no longer string, nor more than
  // MAX_ENTRIES entries in a list (each takes at least two characters): no need to walk it.
  if (textLength > MAX_STRING) {
    for (const [k, v] of Object.entries(rec)) {
      if (issues.length >= 5) break;
      sizes(issues, k, v);
    }
  }
  return issues;
}
