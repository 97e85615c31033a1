/**
 * Names of node-local staging files (docs/internals/contracts.md): which job, user and run
 * a file belongs to, parsed strictly so that one job's epilog never takes another job's
 * files (job "12" must not match a file of job "12.5").
 */
import { UUID_RE } from '../schema/uuid7.js';

/** A pkg staging file: `xalt_pkg.<uid>.<job_id>.<run_uuid>.<pid>.<syshost>.<date_time>.<user>.jsonl` */
export interface PkgStagingName {
  readonly kind: 'pkg';
  readonly runUuid: string;
  readonly pid: number;
  readonly syshost: string;
  /** `YYYY_MM_DD_HH_MM_SS_ffff`, the run's start in local time (XALT_DATE_TIME) */
  readonly dateTime: string;
  readonly user: string;
}

/** A staged start record: `xalt_start.<uid>.<job_id>.<run_uuid>.json` */
export interface StartStagingName {
  readonly kind: 'start';
  readonly runUuid: string;
}

/** A half-written rewrite of a pkg staging file (`….jsonl.new`), left by a killed process. */
export interface LeftoverRewriteName {
  readonly kind: 'rewrite';
  readonly runUuid: string;
}

export type StagingName = PkgStagingName | StartStagingName | LeftoverRewriteName;

const PKG_REST = /^(\d+)\.(.+)\.(\d{4}_\d\d_\d\d_\d\d_\d\d_\d\d_\d+)\.([^/]+)\.jsonl(\.new)?$/;

/**
 * What a directory entry is, if it is a staging file of job `jobId` of user `uid`.
 * @example parseStagingName('xalt_start.1001.42.<uuid>.json', 1001, '42') // { kind: 'start', runUuid }
 */
export function parseStagingName(name: string, uid: number, jobId: string): StagingName | undefined {
  for (const kind of ['pkg', 'start'] as const) {
    const prefix = `xalt_${kind}.${uid}.${jobId}.`;
    if (!name.startsWith(prefix)) continue;
    const runUuid = name.slice(prefix.length, prefix.length + 36);
    const rest = name.slice(prefix.length + 37);
    if (!UUID_RE.test(runUuid) || name[prefix.length + 36] !== '.') return undefined;
    if (kind === 'start') return rest === 'json' ? { kind, runUuid } : undefined;
    const m = PKG_REST.exec(rest);
    if (!m) return undefined;
    if (m[5]) return { kind: 'rewrite', runUuid };
    return { kind, runUuid, pid: Number(m[1]), syshost: m[2]!, dateTime: m[3]!, user: m[4]! };
  }
  return undefined;
}

/**
 * Epoch seconds of a `YYYY_MM_DD_HH_MM_SS_ffff` local time, nudged half a unit of the last
 * digit into the interval so that `fileTimeStamp()` prints the same digits back (a float
 * like 0.123 may otherwise come back as 0.1229…).
 */
export function dateTimeToEpoch(dateTime: string): number {
  const [y, mo, d, h, mi, s, frac = '0'] = dateTime.split('_');
  const whole = new Date(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)).getTime() / 1000;
  const fraction = (Number(frac.slice(0, 4).padEnd(4, '0')) + 0.5) / 10000;
  return whole + fraction;
}
