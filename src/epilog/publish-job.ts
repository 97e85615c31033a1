/**
 * `xalt epilog`'s work: publish what one job left in the node-local tmpdir (pkg staging
 * files of killed Python runs, staged start records of runs that never ended) into the
 * spool, and close those runs with a `job_end` end record.
 *
 * Only files named for this job and uid are looked at; each is opened with O_NOFOLLOW and
 * must be a regular file owned by the job's uid (the tmpdir is world-writable, so anyone
 * can plant a name). A staging file is removed only after everything in it is in the
 * spool, so an interrupted or failed epilog loses nothing and the next one finishes the
 * job; names are deterministic, so re-running replaces instead of duplicating.
 */
import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readdirSync, readSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { serializeRecord } from '../schema/serialize.js';
import { pkgFields, type PkgRecord } from '../schema/pkg-record.js';
import { pkgFileName, recordDir, runFileName, type SpoolLayout } from '../schema/spool-layout.js';
import { validatePkg, validateRun } from '../schema/validate.js';
import { jobEndRecord } from './end-record.js';
import { PackageVersions } from './package-version.js';
import { dateTimeToEpoch, parseStagingName, type PkgStagingName } from './staging-name.js';
import { isPlainFileName, type Owner, type SpoolWriter } from './spool-writer.js';

/** What the epilog needs to know. */
export interface EpilogJob {
  readonly jobId: string;
  readonly uid: number;
  readonly tmpdir: string;
  readonly layout: SpoolLayout;
  /** seconds since the epoch used as the end time of the runs it closes */
  readonly now: number;
}

/** What happened, for the summary line and the exit code. */
export interface EpilogResult {
  pkgFiles: number;
  pkgRecords: number;
  startRecords: number;
  endRecords: number;
  /** files not touched: `path: reason` */
  readonly refused: string[];
  /** records or files that could not be published (left in place): `path[:line]: reason` */
  readonly errors: string[];
}

/** What publishing one staging file needs. */
interface FileContext {
  readonly owner: Owner;
  readonly versions: PackageVersions;
  readonly spool: SpoolWriter;
  readonly job: EpilogJob;
  readonly result: EpilogResult;
}

/** Staging files larger than this are not read: no real run stages that much. */
const MAX_STAGING_BYTES = 64 * 1024 * 1024;

/** The 12 hex digits of a pkg file name: the same for the same package of the same run,
 * so publishing twice (collector and epilog, or two epilogs) replaces instead of duplicating. */
export function pkgNameHex(runUuid: string, packageName: string): string {
  return createHash('sha1').update(`${runUuid}\n${packageName}`).digest('hex').slice(0, 12);
}

/** Read a staging file if it is safe to: a regular file, not a symlink, owned by `uid`. */
function readOwned(path: string, uid: number): { data: Buffer; gid: number } | string {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ELOOP' ? 'is a symlink' : `cannot open (${code})`;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return 'not a regular file';
    if (st.uid !== uid) return `owned by uid ${st.uid}, not the job's uid ${uid}`;
    if (st.size > MAX_STAGING_BYTES) return `${st.size} bytes, more than a staging file can hold`;
    const data = Buffer.alloc(st.size);
    let got = 0;
    for (let n = -1; got < st.size && n !== 0; got += n) n = readSync(fd, data, got, st.size - got, got);
    return { data: data.subarray(0, got), gid: st.gid };
  } finally {
    closeSync(fd);
  }
}

/**
 * The line to publish: as staged, or — when a killed process never filled in the version —
 * re-serialized with the version found beside the package (members in schema order).
 */
function withVersion(line: string, record: PkgRecord, versions: PackageVersions): string {
  if (record.package_version || !record.package_path) return `${line}\n`;
  const version = versions.lookup(record.package_name, record.package_path);
  if (!version) return `${line}\n`;
  const filled: Record<string, unknown> = { ...record, package_version: version };
  const ordered = [...Object.keys(pkgFields), ...Object.keys(filled)].filter((k, i, all) => k in filled && all.indexOf(k) === i);
  return serializeRecord(Object.fromEntries(ordered.map((k) => [k, filled[k]])));
}

/** Publish every line of one pkg staging file; true when all of them reached the spool. */
function publishPkgFile(path: string, name: PkgStagingName, data: Buffer, ctx: FileContext): boolean {
  const { owner, spool, job, result } = ctx;
  const startEpoch = dateTimeToEpoch(name.dateTime);
  const dir = recordDir(job.layout, startEpoch, name.runUuid);
  let ok = true;
  const lines = data.toString('utf8').split('\n');
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const where = `${path}:${i + 1}`;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      result.errors.push(`${where}: not a JSON record (truncated?)`);
      ok = false;
      return;
    }
    const { record, issues } = validatePkg(parsed);
    if (!record) {
      result.errors.push(`${where}: ${issues.join('; ')}`);
      ok = false;
    } else if (record.xalt_run_uuid !== name.runUuid) {
      result.errors.push(`${where}: xalt_run_uuid ${record.xalt_run_uuid} is not the file's run ${name.runUuid}`);
      ok = false;
    } else {
      const file = pkgFileName(name.syshost, startEpoch, name.user, name.runUuid, pkgNameHex(name.runUuid, record.package_name));
      spool.write(dir, file, withVersion(line, record, ctx.versions), owner);
      result.pkgRecords++;
    }
  });
  if (ok) result.pkgFiles++;
  return ok;
}

/** Publish a staged start record as `aaa` and close the run with a `zzz`; true when done. */
function publishStartFile(path: string, runUuid: string, data: Buffer, ctx: FileContext): boolean {
  const { owner, spool, job, result } = ctx;
  let parsed: unknown;
  try {
    parsed = JSON.parse(data.toString('utf8'));
  } catch {
    result.errors.push(`${path}: not a JSON record (truncated?)`);
    return false;
  }
  const { record, issues } = validateRun(parsed);
  if (!record) {
    result.errors.push(`${path}: ${issues.join('; ')}`);
    return false;
  }
  if (record.userT.run_uuid !== runUuid) {
    result.errors.push(`${path}: userT.run_uuid ${record.userT.run_uuid} is not the file's run ${runUuid}`);
    return false;
  }
  const { syshost, user } = record.userT;
  if (!isPlainFileName(syshost) || !isPlainFileName(user)) {
    result.errors.push(`${path}: userT.syshost ${JSON.stringify(syshost)} or userT.user ${JSON.stringify(user)} cannot be part of a file name`);
    return false;
  }
  const start = record.userDT.start_time;
  const dir = recordDir(job.layout, start, runUuid);
  spool.write(dir, runFileName(syshost, start, user, true, runUuid), data, owner);
  result.startRecords++;
  const endName = runFileName(syshost, start, user, false, runUuid);
  // The collector may have written the end record and died before unlinking the staged
  // start; and a second epilog must not move an end time it already wrote.
  if (!spool.exists(dir, endName)) {
    spool.write(dir, endName, serializeRecord(jobEndRecord(record, job.now)), owner);
    result.endRecords++;
  }
  return true;
}


/**
 * Publish one job's leftovers from `job.tmpdir` through `spool`.
 * @example publishJob({ jobId: '42', uid: 1001, tmpdir: '/dev/shm', layout: 'month/hash', now: Date.now() / 1000 }, writer)
 */
export function publishJob(job: EpilogJob, spool: SpoolWriter): EpilogResult {
  const result: EpilogResult = { pkgFiles: 0, pkgRecords: 0, startRecords: 0, endRecords: 0, refused: [], errors: [] };
  const versions = new PackageVersions(job.uid);
  // xalt_start.* sorts after xalt_pkg.*: reversed, a run's start and end records reach the
  // spool before its packages, so a concurrent ingest meets the run first.
  for (const entry of readdirSync(job.tmpdir).sort().reverse()) {
    const name = parseStagingName(entry, job.uid, job.jobId);
    if (!name) continue;
    const path = join(job.tmpdir, entry);
    const read = readOwned(path, job.uid);
    if (typeof read === 'string') {
      result.refused.push(`${path}: ${read}`);
      continue;
    }
    const ctx: FileContext = { owner: { uid: job.uid, gid: read.gid }, versions, spool, job, result };
    try {
      const done =
        name.kind === 'rewrite' ? true
        : name.kind === 'pkg' ? publishPkgFile(path, name, read.data, ctx)
        : publishStartFile(path, name.runUuid, read.data, ctx);
      // In the sticky tmpdir only the job's user (or root) can have replaced what we read,
      // so the name still holds the job's file, or a link of theirs: either may go.
      if (done) unlinkSync(path);
    } catch (err) {
      result.errors.push(`${path}: ${(err as Error).message}`);
    }
  }
  return result;
}
