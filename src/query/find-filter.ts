/**
 * The filters `xalt find` combines, and their translation to SQL over xalt_run. Every value
 * is bound as a parameter; patterns use `*` as the only wildcard.
 */
import { failedSql } from '../db/run-outcome.js';
import type { SqlValue } from '../db/store.js';
import { jobWhere, parseJobSpec } from './job-spec.js';
import type { Period } from './time-bound.js';

export interface FindFilter extends Period {
  readonly user?: string;
  /** a job as Slurm names it: `110` (and every task of array 110), `110_2`, `1002.0`, `1002.batch` (see job-spec.ts) */
  readonly job?: string;
  /** a run uuid or a prefix of one */
  readonly uuid?: string;
  /** executable name (exec_name or app_name) or, with a `/`, path; `*` wildcards */
  readonly exec?: string;
  /** a module name or its prefix up to a `/` (`gcc` matches `gcc/12.2`) */
  readonly module?: string;
  readonly package?: string;
  readonly host?: string;
  readonly syshost?: string;
  readonly failed?: boolean;
  /** include runs with integrity flags (left out by default) */
  readonly includeFlagged?: boolean;
}

/** A WHERE clause (without the keyword) and its parameters. */
export interface SqlWhere {
  readonly sql: string;
  readonly params: readonly SqlValue[];
}

/** `*` glob → LIKE pattern, escaping LIKE's own wildcards with `!` (works in both databases). */
export function globToLike(glob: string): string {
  return glob.replace(/[!%_]/g, (c) => `!${c}`).replace(/\*/g, '%');
}

/** SQL matching the run's failure, in terms of xalt_run alias `r` (src/db/run-outcome.ts). */
const FAILED_SQL = `(${failedSql('r')})`;

function matchName(col: string, value: string, params: SqlValue[]): string {
  if (value.includes('*')) {
    params.push(globToLike(value));
    return `${col} LIKE ? ESCAPE '!'`;
  }
  params.push(value);
  return `${col} = ?`;
}

function moduleMatch(col: string, module: string, params: SqlValue[]): string {
  params.push(module, `${globToLike(module)}/%`);
  return `(${col} = ? OR ${col} LIKE ? ESCAPE '!')`;
}

/**
 * Translate a filter into a WHERE clause over `xalt_run r`. `flagged`: leave flagged runs out
 * unless the filter includes them (the default), or select only the flagged ones (to count
 * what was left out).
 */
export function findWhere(f: FindFilter, flagged: 'filter' | 'only' = 'filter'): SqlWhere {
  const parts: string[] = [];
  const params: SqlValue[] = [];
  const eq = (col: string, v: string | undefined) => {
    if (v === undefined) return;
    parts.push(`${col} = ?`);
    params.push(v);
  };
  eq('r.user', f.user);
  if (f.job !== undefined) {
    const job = jobWhere(parseJobSpec(f.job));
    parts.push(job.sql);
    params.push(...job.params);
  }
  eq('r.host', f.host);
  eq('r.syshost', f.syshost);
  if (f.uuid !== undefined) {
    // a range instead of LIKE so SQLite can use the unique index; '~' sorts after hex and '-'
    const p = f.uuid.toLowerCase();
    parts.push('r.run_uuid >= ? AND r.run_uuid < ?');
    params.push(p, `${p}~`);
  }
  if (f.exec !== undefined) {
    if (f.exec.includes('/')) parts.push(matchName('r.exec_path', f.exec, params));
    else parts.push(`(${matchName('r.exec_name', f.exec, params)} OR ${matchName('r.app_name', f.exec, params)})`);
  }
  if (f.module !== undefined) {
    const own = moduleMatch('r.module_name', f.module, params);
    const lib = moduleMatch('o.module_name', f.module, params);
    parts.push(`(${own} OR EXISTS (SELECT 1 FROM join_run_object j JOIN xalt_object o ON o.obj_id = j.obj_id WHERE j.run_id = r.run_id AND ${lib}))`);
  }
  if (f.package !== undefined) {
    parts.push('EXISTS (SELECT 1 FROM xalt_pkg p WHERE p.run_uuid = r.run_uuid AND p.pkg_name = ?)');
    params.push(f.package);
  }
  if (f.since !== undefined) {
    parts.push('r.start_time >= ?');
    params.push(f.since);
  }
  if (f.until !== undefined) {
    parts.push('r.start_time < ?');
    params.push(f.until);
  }
  if (f.failed) parts.push(FAILED_SQL);
  if (flagged === 'only') parts.push('r.flagged = 1');
  else if (!f.includeFlagged) parts.push('r.flagged = 0');
  return { sql: parts.length ? parts.join(' AND ') : '1 = 1', params };
}
