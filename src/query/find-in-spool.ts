/**
 * `xalt find --spool DIR`: the same answers straight from a record tree, with no database.
 * What NCSA's find script meant to do (reference/ncsa-fork.md §1.5), done so it stays fast:
 * only the month directories in the date range are listed; file names alone decide user,
 * syshost, uuid and date; records are read newest first and reading stops once the limit is
 * reached; start, end, pkg and link records are joined by uuid.
 *
 * Pure: file access goes through `SpoolFs`, which the command supplies.
 */
import { UserError } from '../errors.js';
import { jobState, jobStep } from '../ingest/normalise.js';
import type { LinkRecord } from '../schema/link-record.js';
import type { PkgRecord } from '../schema/pkg-record.js';
import type { RunRecord } from '../schema/run-record.js';
import { parseRecordFileName, type RecordFileName } from '../schema/spool-layout.js';
import { validateRecord } from '../schema/validate.js';
import type { FindFilter } from './find-filter.js';
import { baseName } from './library-objects.js';
import { globRegExp } from './run-selection.js';
import { jobMatches, parseJobSpec, type JobSpec } from './job-spec.js';
import type { FindResult } from './find-in-store.js';
import { isFailure, outcomeOf, resultOf, uniqueSorted, type FoundBuild, type FoundPackage, type FoundRun } from './found-run.js';

/** The file operations the spool search needs. */
export interface SpoolFs {
  list(dir: string): readonly { readonly name: string; readonly dir: boolean }[];
  read(path: string): string;
}

interface RunFiles { uuid: string; stamp: string; start?: string; end?: string }

/** A day of slack around the period: file-name stamps and month directories are in the writer's local time. */
const SLACK = 86400;

/** Epoch seconds of a file-name stamp read as UTC (off by the writer's UTC offset, hence SLACK). */
function stampEpoch(stamp: string): number {
  const [y, mo, d, h, mi, s] = stamp.split('_').map(Number) as number[];
  return Date.UTC(y!, mo! - 1, d!, h!, mi!, s!) / 1000;
}

function yyyymm(epoch: number): string {
  const d = new Date(epoch * 1000);
  return `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** Directories that can hold records: month directories in range, else the whole (hash/flat) tree. */
function recordDirs(fs: SpoolFs, prefix: string, f: FindFilter): string[] {
  const top = fs.list(prefix);
  const months = top.filter((e) => e.dir && /^\d{6}$/.test(e.name)).map((e) => e.name);
  const lo = f.since !== undefined ? yyyymm(f.since - SLACK) : '000000';
  const hi = f.until !== undefined ? yyyymm(f.until + SLACK) : '999999';
  const roots = months.length ? months.filter((m) => m >= lo && m <= hi).map((m) => `${prefix}/${m}`) : [prefix];
  const dirs: string[] = months.length ? [] : [prefix];
  for (const root of roots) {
    if (months.length) dirs.push(root);
    for (const e of fs.list(root)) if (e.dir && /^\d+$/.test(e.name)) dirs.push(`${root}/${e.name}`);
  }
  return dirs;
}

interface Index {
  runs: Map<string, RunFiles>;
  pkgs: Map<string, string[]>;
  links: Map<string, string>;
}

function nameMatches(n: RecordFileName, f: FindFilter): boolean {
  if (f.user !== undefined && !f.user.includes(n.user)) return false;
  if (f.syshost !== undefined && n.syshost !== f.syshost) return false;
  if (f.uuid !== undefined && !n.uuid.startsWith(f.uuid.toLowerCase())) return false;
  const t = stampEpoch(n.stamp);
  if (f.since !== undefined && t < f.since - SLACK) return false;
  if (f.until !== undefined && t >= f.until + SLACK) return false;
  return true;
}

function indexFiles(fs: SpoolFs, dirs: readonly string[], f: FindFilter): Index {
  const idx: Index = { runs: new Map(), pkgs: new Map(), links: new Map() };
  for (const dir of dirs) {
    for (const e of fs.list(dir)) {
      if (e.dir) continue;
      const n = parseRecordFileName(e.name);
      if (!n) continue;
      const path = `${dir}/${e.name}`;
      if (n.kind === 'link') idx.links.set(n.uuid, path);
      else if (n.kind === 'pkg') idx.pkgs.set(n.uuid, [...(idx.pkgs.get(n.uuid) ?? []), path]);
      else if (nameMatches(n, f)) {
        const rf = idx.runs.get(n.uuid) ?? { uuid: n.uuid, stamp: n.stamp };
        if (n.isStart) rf.start = path;
        else rf.end = path;
        idx.runs.set(n.uuid, rf);
      }
    }
  }
  return idx;
}

/** Reads and validates records, collecting one warning per unusable file. */
class RecordReader {
  readonly warnings: string[] = [];
  constructor(private readonly fs: SpoolFs) {}
  read<T>(kind: 'run' | 'link' | 'pkg', path: string): T | undefined {
    let parsed: unknown;
    try {
      parsed = JSON.parse(this.fs.read(path));
    } catch (err) {
      this.warnings.push(`${path}: ${err instanceof SyntaxError ? `not JSON (${err.message})` : (err as Error).message}`);
      return undefined;
    }
    const v = validateRecord(kind, parsed);
    if (!v.record) this.warnings.push(`${path}: ${v.issues[0] ?? 'invalid record'}${v.issues.length > 1 ? ` (and ${v.issues.length - 1} more)` : ''}`);
    return v.record as T | undefined;
  }
}

function linkBuild(l: LinkRecord, matched_by: FoundBuild['matched_by']): FoundBuild {
  const t = l.resultT;
  return {
    uuid: t.uuid, matched_by, link_program: t.link_program ?? null, link_path: t.link_path ?? null, build_user: t.build_user ?? null,
    build_syshost: t.build_syshost ?? null, build_epoch: Number(t.build_epoch), link_modules: [],
  };
}

function toFoundRun(rec: RunRecord, hasEnd: boolean, packages: FoundPackage[], build: FoundBuild | null): FoundRun {
  const u = rec.userT;
  const d = rec.userDT;
  const known = (s: string | undefined) => (s === undefined || s === '' || s === 'unknown' ? null : s);
  const exit_status = typeof d.exit_status === 'number' && d.exit_status >= 0 ? d.exit_status : null;
  const exit_signal = typeof d.signal === 'number' && d.signal > 0 ? d.signal : null;
  const endFacts = { has_end: hasEnd, end_reason: known(u.end_reason), exit_status, exit_signal, job_state: hasEnd ? jobState(u.job_state) : null };
  const outcome = outcomeOf(endFacts);
  const execName = u.exec_path.slice(u.exec_path.lastIndexOf('/') + 1);
  const tasks = d.num_tasks ?? 1;
  const cpus = typeof d.cpus_per_task === 'number' && d.cpus_per_task >= 1 ? d.cpus_per_task : 1;
  return {
    run_uuid: u.run_uuid, syshost: u.syshost, host: known(u.host), user: u.user, account: known(u.account), job_id: known(u.job_id),
    job_step: jobStep(u.job_step), array_job_id: known(u.array_job_id), array_task_id: known(u.array_task_id), job_state: endFacts.job_state, queue: known(u.queue), exec_path: u.exec_path, exec_name: execName, app_name: execName,
    module_name: null, cwd: known(u.cwd), cmdline: rec.cmdlineA, start_time: d.start_time,
    end_time: hasEnd && d.end_time > 0 ? d.end_time : null, run_time: hasEnd ? d.run_time : null,
    outcome, exit_status, exit_signal, failed: isFailure(endFacts), probability: d.probability,
    num_tasks: tasks, cpus_per_task: cpus, num_cores: d.num_cores ?? tasks * cpus, num_nodes: d.num_nodes ?? 1, num_threads: d.num_threads ?? 1,
    num_gpus: d.gpu_used === 0 ? 0 : (d.num_gpus ?? 0), parent_run_uuid: known(u.parent_run_uuid), flags: [], flagged: false, modules: [],
    libraries: rec.libA.map(([path]) => ({ path, module: null })), env: rec.envT ?? {}, build, packages,
  };
}

/** The filters that need the run record's content, compiled once (packages are checked by the caller). */
interface ContentTest {
  readonly exec: readonly RegExp[];
  readonly jobs: readonly JobSpec[];
  readonly library: RegExp | undefined;
}

function contentTest(f: FindFilter): ContentTest {
  return {
    exec: (f.exec ?? []).map(globRegExp),
    jobs: (f.job ?? []).map(parseJobSpec),
    library: f.library === undefined ? undefined : globRegExp(f.library),
  };
}

function contentMatches(r: FoundRun, f: FindFilter, t: ContentTest): boolean {
  if (t.jobs.length && !t.jobs.some((j) => jobMatches(j, r))) return false;
  if (f.host !== undefined && r.host !== f.host) return false;
  if (f.account !== undefined && (r.account === null || !f.account.includes(r.account))) return false;
  if (f.queue !== undefined && (r.queue === null || !f.queue.includes(r.queue))) return false;
  if (f.since !== undefined && r.start_time < f.since) return false;
  if (f.until !== undefined && r.start_time >= f.until) return false;
  if (f.failed && !r.failed) return false;
  if (f.outcome !== undefined && !f.outcome.includes(resultOf(r))) return false;
  if (t.exec.length && !f.exec!.some((e, i) => t.exec[i]!.test(e.includes('/') ? r.exec_path : r.exec_name))) return false;
  const lib = t.library;
  if (lib !== undefined && !r.libraries.some((l) => lib.test(f.library!.includes('/') ? l.path : baseName(l.path)))) return false;
  return true;
}

/** Find runs in the record tree under `prefix`, newest first, at most `limit` (null: all of them). */
export function findInSpool(fs: SpoolFs, prefix: string, filter: FindFilter, limit: number | null): FindResult & { warnings: readonly string[] } {
  if (filter.module !== undefined) {
    throw new UserError('XALT_USAGE', '--module cannot be used with --spool: module names are attached at ingest, from the reverse map', 'search the store instead (drop --spool), or use --exec with a path pattern such as "/sw/lammps/*"');
  }
  const idx = indexFiles(fs, recordDirs(fs, prefix, filter), filter);
  const reader = new RecordReader(fs);
  const linkCache = new Map<string, LinkRecord | undefined>();
  const linkByUuid = (uuid: string) => {
    if (!linkCache.has(uuid)) linkCache.set(uuid, idx.links.has(uuid) ? reader.read<LinkRecord>('link', idx.links.get(uuid)!) : undefined);
    return linkCache.get(uuid);
  };
  let byBuildId: Map<string, LinkRecord> | undefined;
  const linkByBuildId = (id: string) => {
    byBuildId ??= new Map([...idx.links.keys()].map((u) => linkByUuid(u)).filter((l): l is LinkRecord => !!l?.resultT.build_id).map((l) => [l.resultT.build_id!, l]));
    return byBuildId.get(id);
  };
  const test = contentTest(filter);
  const candidates = [...idx.runs.values()].sort((a, b) => (a.stamp < b.stamp ? 1 : a.stamp > b.stamp ? -1 : a.uuid < b.uuid ? 1 : -1));
  const found: FoundRun[] = [];
  for (const c of candidates) {
    const rec = (c.end && reader.read<RunRecord>('run', c.end)) || (c.start && reader.read<RunRecord>('run', c.start));
    if (!rec) continue;
    // cheap filters first: packages and links are read only for runs that pass them
    const bare = toFoundRun(rec, rec.userDT.end_time > 0, [], null);
    if (!contentMatches(bare, filter, test)) continue;
    const pkgs = (idx.pkgs.get(c.uuid) ?? []).map((p) => reader.read<PkgRecord>('pkg', p)).filter((p): p is PkgRecord => !!p)
      .map((p) => ({ program: p.program, name: p.package_name, version: p.package_version ?? null, path: p.package_path ?? null }));
    if (filter.package !== undefined && !pkgs.some((p) => p.name === filter.package)) continue;
    const wm = rec.xaltLinkT?.['Build_UUID'];
    const link = (wm && linkByUuid(wm)) || (rec.userT.exec_build_id ? linkByBuildId(rec.userT.exec_build_id) : undefined);
    const build = link ? linkBuild(link, wm && link.resultT.uuid === wm ? 'uuid' : 'build_id') : null;
    found.push({ ...bare, packages: uniqueSortedPkgs(pkgs), build });
    if (limit !== null && found.length > limit) break;
  }
  found.sort((a, b) => b.start_time - a.start_time);
  const warnings = reader.warnings.length > 5 ? [...reader.warnings.slice(0, 5), `${reader.warnings.length - 5} more unusable record files`] : reader.warnings;
  return { runs: limit === null ? found : found.slice(0, limit), truncated: limit !== null && found.length > limit, warnings };
}

function uniqueSortedPkgs(pkgs: FoundPackage[]): FoundPackage[] {
  const names = uniqueSorted(pkgs.map((p) => p.name));
  return names.map((n) => pkgs.find((p) => p.name === n)!);
}
