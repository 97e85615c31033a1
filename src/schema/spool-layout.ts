/**
 * Where a record lives in a spool and what its file is called (XALT 3's names and
 * layout, docs/internals/contracts.md). The C collector, the Python hook and this module must
 * agree; tests check them against each other.
 */

/** Spool layouts. `month/hash` is xalt's default; `hash`, `flat` and `home` are XALT's. */
export const SPOOL_LAYOUTS = ['month/hash', 'hash', 'flat', 'home'] as const;
export type SpoolLayout = (typeof SPOOL_LAYOUTS)[number];

/** XALT's number of hash directories. */
export const HASH_PRIME = 997;

/** XALT's hash directory of a uuid: int(last 7 hex digits) mod 997, zero padded to 3. */
export function hashDir(uuid: string, prime: number = HASH_PRIME): string {
  const n = parseInt(uuid.slice(29, 36), 16) % prime;
  return String(n).padStart(String(prime).length, '0');
}

/** Local-time date parts of an epoch in seconds. */
function localParts(epochSeconds: number) {
  const d = new Date(epochSeconds * 1000);
  const p2 = (n: number) => String(n).padStart(2, '0');
  return {
    yyyymm: `${d.getFullYear()}${p2(d.getMonth() + 1)}`,
    stamp: `${d.getFullYear()}_${p2(d.getMonth() + 1)}_${p2(d.getDate())}_${p2(d.getHours())}_${p2(d.getMinutes())}_${p2(d.getSeconds())}`,
    frac4: String(Math.floor((epochSeconds % 1) * 10000)).padStart(4, '0'),
  };
}

/** `YYYY_MM_DD_HH_MM_SS_ffff` in local time, as in XALT file names. */
export function fileTimeStamp(epochSeconds: number): string {
  const p = localParts(epochSeconds);
  return `${p.stamp}_${p.frac4}`;
}

/** `YYYYMM` of an epoch in local time: the month directory of a record. */
export function monthDir(epochSeconds: number): string {
  return localParts(epochSeconds).yyyymm;
}

/** Directory (relative to the spool prefix) of a record: '' for flat and home layouts. */
export function recordDir(layout: SpoolLayout, startEpoch: number, uuid: string): string {
  switch (layout) {
    case 'month/hash':
      return `${monthDir(startEpoch)}/${hashDir(uuid)}`;
    case 'hash':
      return hashDir(uuid);
    case 'flat':
    case 'home':
      return '';
  }
}

/** `run.<syshost>.<stamp>.<user>.<aaa|zzz>.<uuid>.json` */
export function runFileName(syshost: string, startEpoch: number, user: string, isStart: boolean, runUuid: string): string {
  return `run.${syshost}.${fileTimeStamp(startEpoch)}.${user}.${isStart ? 'aaa' : 'zzz'}.${runUuid}.json`;
}

/** `link.<syshost>.<stamp>.<user>.<build_uuid>.json` (stamp from the build epoch) */
export function linkFileName(syshost: string, buildEpoch: number, user: string, buildUuid: string): string {
  return `link.${syshost}.${fileTimeStamp(buildEpoch)}.${user}.${buildUuid}.json`;
}

/** `pkg.<syshost>.<stamp>.<user>.<run_uuid>.<12 hex>.json` (stamp from the run's start) */
export function pkgFileName(syshost: string, runStartEpoch: number, user: string, runUuid: string, unique12hex: string): string {
  return `pkg.${syshost}.${fileTimeStamp(runStartEpoch)}.${user}.${runUuid}.${unique12hex}.json`;
}

/** What a record file name says about itself, or undefined if it is not one of ours/XALT's. */
export interface RecordFileName {
  kind: 'run' | 'link' | 'pkg';
  syshost: string;
  stamp: string;
  user: string;
  /** run uuid (run, pkg) or build uuid (link) */
  uuid: string;
  /** run records only */
  isStart?: boolean;
}

const RUN_NAME = /^run\.(.+)\.(\d{4}_\d\d_\d\d_\d\d_\d\d_\d\d(?:_\d+)?)\.(.+)\.(aaa|zzz)\.([0-9a-f-]{36})\.json$/;
const LINK_NAME = /^link\.(.+)\.(\d{4}_\d\d_\d\d_\d\d_\d\d_\d\d(?:_\d+)?)\.(.+)\.([0-9a-f-]{36})\.json$/;
const PKG_NAME = /^pkg\.(.+)\.(\d{4}_\d\d_\d\d_\d\d_\d\d_\d\d(?:_\d+)?)\.(.+)\.([0-9a-f-]{36})\.([0-9a-f]+)\.json$/;

/** Parse a record file's base name. */
export function parseRecordFileName(name: string): RecordFileName | undefined {
  let m = RUN_NAME.exec(name);
  if (m) return { kind: 'run', syshost: m[1]!, stamp: m[2]!, user: m[3]!, isStart: m[4] === 'aaa', uuid: m[5]! };
  m = LINK_NAME.exec(name);
  if (m) return { kind: 'link', syshost: m[1]!, stamp: m[2]!, user: m[3]!, uuid: m[4]! };
  m = PKG_NAME.exec(name);
  if (m) return { kind: 'pkg', syshost: m[1]!, stamp: m[2]!, user: m[3]!, uuid: m[4]! };
  return undefined;
}
