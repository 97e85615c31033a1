/**
 * The filters `xalt find` combines, and their translation to SQL over xalt_run. Every value
 * is bound as a parameter; patterns use `*` as the only wildcard. Users, jobs, accounts,
 * executables and modules take comma lists (any of them matches).
 */
import { failedSql, outcomeSql } from '../db/run-outcome.js';
import type { SqlValue } from '../db/store.js';
import { jobWhere, parseJobSpec } from './job-spec.js';
import { inList, selectionWhere, type RunSelection, type SqlWhere } from './run-selection.js';
import type { Period } from './time-bound.js';


/**
 * How a run ended, as `--outcome` names it: the disjoint categories of src/db/run-outcome.ts
 * (`exit` is its `exit_nonzero`, `signal` its `signalled`).
 */
export const FIND_OUTCOMES = ['ok', 'exit', 'signal', 'job_end', 'never_ended'] as const;
export type FindOutcome = (typeof FIND_OUTCOMES)[number];

/** `--outcome` name → the category outcomeSql gives. */
const OUTCOME_CATEGORY: Readonly<Record<FindOutcome, string>> = { ok: 'ok', exit: 'exit_nonzero', signal: 'signalled', job_end: 'job_end', never_ended: 'never_ended' };

export interface FindFilter extends Period, RunSelection {
  /** jobs as Slurm names them: `110` (and every task of array 110), `110_2`, `1002.0`, `1002.batch` (see job-spec.ts) */
  readonly job?: readonly string[];
  /** a run uuid or a prefix of one */
  readonly uuid?: string;
  readonly package?: string;
  readonly host?: string;
  readonly syshost?: string;
  /** queues (Slurm partitions) */
  readonly queue?: readonly string[];
  /** how the runs ended (any of these) */
  readonly outcome?: readonly FindOutcome[];
  /** the path of a shared object the run loaded, or (without a `/`) its file name; `*` wildcards */
  readonly library?: string;
  /** the xalt_object ids `library` matches, found before the search (find-in-store.ts) */
  readonly libraryObjects?: readonly number[];
  readonly failed?: boolean;
  /** include runs with integrity flags (left out by default) */
  readonly includeFlagged?: boolean;
}

/** SQL matching the run's failure, in terms of xalt_run alias `r` (src/db/run-outcome.ts). */
const FAILED_SQL = `(${failedSql('r')})`;

/** Runs that loaded one of `objects` (none: no run). */
function loadedSql(objects: readonly number[]): string {
  if (objects.length === 0) return '1 = 0';
  // ids are numbers from the store, not user text: inlined, so a list of thousands needs no parameters
  return `EXISTS (SELECT 1 FROM join_run_object j WHERE j.run_id = r.run_id AND j.obj_id IN (${objects.map((id) => String(Math.trunc(id))).join(', ')}))`;
}

/**
 * Translate a filter into a WHERE clause over `xalt_run r`. `flagged`: leave flagged runs out
 * unless the filter includes them (the default), select only the flagged ones (to count what
 * was left out), or select runs flagged or not (`any`: the caller sorts them out).
 */
export function findWhere(f: FindFilter, flagged: 'filter' | 'only' | 'any' = 'filter'): SqlWhere {
  const parts: string[] = [];
  const params: SqlValue[] = [];
  const add = (w: SqlWhere) => {
    if (!w.sql) return;
    parts.push(w.sql);
    params.push(...w.params);
  };
  const eq = (col: string, v: string | undefined) => {
    if (v === undefined) return;
    parts.push(`${col} = ?`);
    params.push(v);
  };
  add(selectionWhere({ user: f.user }));
  if (f.job?.length) {
    const jobs = f.job.map((j) => jobWhere(parseJobSpec(j)));
    add({ sql: jobs.length === 1 ? jobs[0]!.sql : `(${jobs.map((j) => j.sql).join(' OR ')})`, params: jobs.flatMap((j) => j.params) });
  }
  eq('r.host', f.host);
  eq('r.syshost', f.syshost);
  if (f.uuid !== undefined) {
    // a range instead of LIKE so SQLite can use the unique index; '~' sorts after hex and '-'
    const p = f.uuid.toLowerCase();
    parts.push('r.run_uuid >= ? AND r.run_uuid < ?');
    params.push(p, `${p}~`);
  }
  add(selectionWhere({ account: f.account, exec: f.exec, module: f.module }));
  if (f.queue?.length) parts.push(inList('r.queue', f.queue, params));
  if (f.package !== undefined) {
    parts.push('EXISTS (SELECT 1 FROM xalt_pkg p WHERE p.run_uuid = r.run_uuid AND p.pkg_name = ?)');
    params.push(f.package);
  }
  if (f.libraryObjects !== undefined) parts.push(loadedSql(f.libraryObjects));
  if (f.since !== undefined) {
    parts.push('r.start_time >= ?');
    params.push(f.since);
  }
  if (f.until !== undefined) {
    parts.push('r.start_time < ?');
    params.push(f.until);
  }
  if (f.failed) parts.push(FAILED_SQL);
  if (f.outcome?.length) parts.push(inList(`(${outcomeSql('r')})`, f.outcome.map((o) => OUTCOME_CATEGORY[o]), params));
  if (flagged === 'only') parts.push('r.flagged = 1');
  else if (flagged === 'filter' && !f.includeFlagged) parts.push('r.flagged = 0');
  return { sql: parts.length ? parts.join(' AND ') : '1 = 1', params };
}
