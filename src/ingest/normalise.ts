/**
 * Validated record → the rows it becomes in the store (pure: no IO). Keeps the meanings of
 * XALT's loader where they are sound: objects keyed by (syshost, path), lib_type from the file name, the queue's first comma item, probability = record ×
 * pre-ingest. Differs where XALT loses information: "unknown" scheduler values become NULL,
 * the exit status and end reason are kept, pkg versions are not confused with the interpreter's.
 */
import type { LinkRecord, PkgRecord, RunRecord } from '../schema/index.js';
import { baseName } from './ingest-rules.js';
import { flagsText } from '../db/run-flags.js';
import { sha1Hex } from './sha1-hex.js';

/** A row as column → value. */
export type Row = Record<string, string | number | null>;

export interface ObjectRef {
  readonly object_key: string;
  readonly object_path: string;
  readonly syshost: string;
  readonly module_name: string | null;
  readonly lib_type: string;
}

export interface NormalRun {
  readonly kind: 'run';
  readonly isStart: boolean;
  readonly row: Row;
  readonly objects: readonly ObjectRef[];
  readonly env: readonly (readonly [string, string])[];
}

export interface NormalLink {
  readonly kind: 'link';
  readonly row: Row;
  readonly objects: readonly ObjectRef[];
  readonly functions: readonly string[];
}

export interface NormalPkg {
  readonly kind: 'pkg';
  readonly row: Row;
}

export type NormalRecord = NormalRun | NormalLink | NormalPkg;

/** What normalisation needs from outside: module attribution, naming, sampling, the clock. */
export interface NormaliseContext {
  moduleOf(path: string): string | null;
  appName(execPath: string): string;
  /** pre-ingest probability already decided for this run (1 = keep all) */
  readonly preIngestProbability: number;
  readonly ownerMismatch: boolean;
  /**
   * Who the record belongs to: the user owning its file, or the one xalt-ship vouched for
   * (a root-written file or syslog line: the record's own user). Only records of the same owner
   * may complete, replace or attach to it (store-loader.ts, foreign_uuid).
   */
  readonly owner: string;
  /** further integrity flags of a run record (e.g. from its bundle); owner_mismatch is added by `ownerMismatch` */
  readonly flags?: readonly string[];
  readonly now: number;
}

const LIB_TYPES = new Set(['a', 'o', 'so']);

/** XALT's lib_type: the last dot component of the base name without digits, if a/o/so. */
export function libType(path: string): string {
  const parts = baseName(path).split('.');
  for (let i = parts.length - 1; i > 0; i--) {
    if (!/\d/.test(parts[i]!)) return LIB_TYPES.has(parts[i]!) ? parts[i]! : '--';
  }
  return '--';
}

/** sha1(syshost \0 path): the object's key (MySQL cannot index 1024 utf8mb4 characters). */
export function objectKey(syshost: string, path: string): string {
  return sha1Hex(`${syshost}\0${path}`);
}

/**
 * Object refs are immutable and the same few thousand libraries recur in every record, so they
 * are memoised per lookup function (one per ingest) and syshost rather than re-hashed per record.
 */
const refCache = new WeakMap<(p: string) => string | null, Map<string, Map<string, ObjectRef>>>();
const MAX_CACHED_REFS = 200_000;

function refsOf(syshost: string, moduleOf: (p: string) => string | null): Map<string, ObjectRef> {
  let hosts = refCache.get(moduleOf);
  if (!hosts) { hosts = new Map(); refCache.set(moduleOf, hosts); }
  let refs = hosts.get(syshost);
  if (!refs) { refs = new Map(); hosts.set(syshost, refs); }
  return refs;
}

function objects(pairs: readonly (readonly [string, string])[] | undefined, syshost: string, ctx: NormaliseContext): ObjectRef[] {
  const out: ObjectRef[] = [];
  if (!pairs || pairs.length === 0) return out;
  const refs = refsOf(syshost, ctx.moduleOf);
  const seen = new Set<string>(); // a library listed twice is one object
  for (const pair of pairs) {
    const path = pair[0];
    if (typeof path !== 'string' || path === '' || pair[1] === 'unknown' || seen.has(path)) continue;
    seen.add(path);
    let ref = refs.get(path);
    if (!ref) {
      ref = Object.freeze({ object_key: objectKey(syshost, path), object_path: path, syshost, module_name: ctx.moduleOf(path), lib_type: libType(path) });
      if (refs.size > MAX_CACHED_REFS) refs.clear();
      refs.set(path, ref);
    }
    out.push(ref);
  }
  return out;
}

/** "" and XALT's "unknown" mean "not known": NULL in the store. */
function known(v: string | undefined): string | null {
  return v === undefined || v === '' || v === 'unknown' ? null : v;
}

/** XALT's queue is the first comma item of the partition list. */
function firstItem(v: string | undefined): string | undefined {
  if (v === undefined) return v;
  const i = v.indexOf(',');
  return i < 0 ? v : v.slice(0, i);
}

const int = (v: number | undefined, dflt: number): number => (typeof v === 'number' && Number.isFinite(v) ? Math.round(v) : dflt);

/** Slurm's step ids for its named steps (slurm.h), as `SLURM_STEP_ID` may give them: stored by name, as Slurm prints them. */
/** slurm.h's special step ids: batch and extern moved in Slurm 20.11 (0xfffffffb/c, before 0xfffffffe/f). */
const SLURM_STEP_NAMES: Readonly<Record<string, string>> = {
  4294967291: 'batch', 4294967294: 'batch', 4294967292: 'extern', 4294967295: 'extern', 4294967290: 'interactive',
};

/** The step of `userT.job_step`, named as Slurm prints it (`batch` for 4294967294); null when none. */
export function jobStep(v: string | undefined): string | null {
  const step = known(v);
  return step === null ? null : (SLURM_STEP_NAMES[step] ?? step);
}

/** The job state as Slurm names it: the first word, upper case ("CANCELLED by 1000" → CANCELLED). */
export function jobState(v: string | undefined): string | null {
  const word = known(v?.trim())?.split(/\s+/)[0];
  return word ? word.toUpperCase() : null;
}

/** Normalise a run record (start or end). */
export function normaliseRun(r: RunRecord, ctx: NormaliseContext): NormalRun {
  const u = r.userT;
  const d = r.userDT;
  const isStart = !(d.end_time > 0);
  const execPath = u.exec_path;
  const exitStatus = isStart || d['exit_status'] === undefined || d['exit_status'] < 0 ? null : int(d['exit_status'], 0);
  const tasks = int(d['num_tasks'], 1);
  // records before schema 2 carry no CPUs per task: 1, and num_cores as recorded (= tasks)
  const cpusPerTask = Math.max(1, int(d['cpus_per_task'], 1));
  const flags = ctx.ownerMismatch || ctx.flags?.length ? flagsText([...(ctx.ownerMismatch ? ['owner_mismatch'] : []), ...(ctx.flags ?? [])]) : '';
  const row: Row = {
    run_uuid: u.run_uuid,
    syshost: u.syshost,
    host: known(u['host']),
    user: u.user,
    account: known(u['account']),
    job_id: known(u['job_id']),
    job_step: jobStep(u['job_step']),
    queue: known(firstItem(u['queue'])),
    scheduler: known(u['scheduler']),
    exec_path: execPath,
    exec_name: baseName(execPath),
    app_name: ctx.appName(execPath),
    module_name: ctx.moduleOf(execPath),
    exec_type: known(u['exec_type']),
    cwd: known(u['cwd']),
    cmdline: JSON.stringify(r.cmdlineA ?? []),
    hash_id: known(r.hash_id),
    build_uuid: known(r.xaltLinkT?.['Build_UUID']),
    build_id: known(u['exec_build_id']),
    start_time: d.start_time,
    end_time: isStart ? 0 : d.end_time,
    run_time: isStart ? 0 : d.run_time,
    probability: (typeof d.probability === 'number' && d.probability > 0 ? d.probability : 1) * ctx.preIngestProbability,
    num_tasks: tasks,
    num_cores: int(d['num_cores'], tasks * cpusPerTask),
    num_nodes: int(d['num_nodes'], 1),
    num_threads: int(d['num_threads'], 1),
    // GPUs count only for a run that used them (gpu_used, where the record says): not merely visible
    num_gpus: d['gpu_used'] === 0 ? 0 : int(d['num_gpus'], 0),
    exit_status: exitStatus,
    exit_signal: isStart ? null : int(d['signal'], 0),
    // XALT's end records carry no end reason: its end record is written by myfini, at exit
    end_reason: isStart ? null : (known(u['end_reason']) ?? 'exit'),
    has_start: isStart ? 1 : 0,
    has_end: isStart ? 0 : 1,
    parent_run_uuid: known(u['parent_run_uuid']),
    container: known(u['container']),
    owner_mismatch: ctx.ownerMismatch ? 1 : 0,
    ingested_at: ctx.now,
    owner_user: ctx.owner,
    array_job_id: known(u['array_job_id']),
    array_task_id: known(u['array_task_id']),
    cpus_per_task: cpusPerTask,
    job_state: isStart ? null : jobState(u['job_state']),
    flags,
    flagged: flags === '' ? 0 : 1,
  };
  const env: (readonly [string, string])[] = r.envT ? Object.entries(r.envT) : [];
  return { kind: 'run', isStart, row, objects: objects(r.libA, u.syshost, ctx), env };
}

/** The compiler's path from `link_path`, which MPI wrappers write as `<compiler>:<path>`. */
function compilerPath(linkPath: string | undefined): string {
  if (!linkPath) return '';
  const i = linkPath.indexOf(':/');
  return i >= 0 && !linkPath.startsWith('/') ? linkPath.slice(i + 1) : linkPath;
}

/** Normalise a link record. */
export function normaliseLink(l: LinkRecord, ctx: NormaliseContext): NormalLink {
  const t = l.resultT;
  const row: Row = {
    uuid: t.uuid,
    hash_id: known(t['hash_id']),
    build_id: known(t['build_id']),
    build_epoch: Number(t.build_epoch) || 0,
    link_program: t.link_program,
    link_path: known(t['link_path']),
    link_module_name: ctx.moduleOf(compilerPath(t['link_path'])),
    link_line: JSON.stringify(l.link_line ?? []),
    cwd: known(t['wd']),
    build_user: t.build_user,
    build_syshost: t.build_syshost,
    build_host: known(t['build_host']),
    exec_path: t.exec_path,
    link_source: known(t['link_source']),
    shared: t['shared'] === 'yes' ? 1 : 0,
    owner_mismatch: ctx.ownerMismatch ? 1 : 0,
    ingested_at: ctx.now,
    owner_user: ctx.owner,
  };
  const functions = [...new Set((l.function ?? []).filter((f) => typeof f === 'string' && f !== ''))];
  return { kind: 'link', row, objects: objects(l.linkA, t.build_syshost, ctx), functions };
}

/**
 * Normalise a pkg record. XALT's records (no `program_version`) hold the interpreter's version
 * in `package_version`: it goes to program_version and the package version stays unknown.
 */
export function normalisePkg(p: PkgRecord, ctx: Pick<NormaliseContext, 'ownerMismatch' | 'owner'>): NormalPkg {
  const isXalt = p.program_version === undefined;
  const row: Row = {
    run_uuid: p.xalt_run_uuid,
    program: p.program,
    pkg_name: p.package_name,
    pkg_version: isXalt ? null : known(p.package_version),
    pkg_path: known(p.package_path),
    program_version: isXalt ? known(p.package_version) : known(p.program_version),
    owner_mismatch: ctx.ownerMismatch ? 1 : 0,
    owner_user: ctx.owner,
  };
  return { kind: 'pkg', row };
}
