/**
 * `xalt find --spool DIR`: the same answers straight from a record tree, with no database.
 * What NCSA's find script meant to do (it walked and parsed the whole tree), done so it stays fast:
 * only the month directories in the date range are listed; file names alone decide user,
 * syshost, uuid and date; records are read newest first and reading stops once the limit is
 * reached; start, end, pkg and link records are joined by uuid.
 *
 * Pure: file access goes through `SpoolFs`, which the command supplies.
 */
import { UserError } from '../errors.js';
import { normaliseLink, normalisePkg, normaliseRun, type NormaliseContext } from '../ingest/normalise.js';
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
import { foundRun, resultOf, uniqueSorted, type FoundBuild, type FoundLibrary, type FoundPackage, type FoundRun, type RunRow } from './found-run.js';

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

/** How normalisation names things here: the site's application rules; no module (that needs ingest's reverse map). */
export interface SpoolNaming {
  appName(execPath: string): string;
}

const noModule = (): null => null;

/** The context ingest normalises a record in, for one read straight from the spool (nothing is sampled or stored). */
function normaliseContext(naming: SpoolNaming, owner: string): NormaliseContext {
  return { moduleOf: noModule, appName: (p) => naming.appName(p), preIngestProbability: 1, ownerMismatch: false, owner, now: 0 };
}

function linkBuild(l: LinkRecord, matched_by: FoundBuild['matched_by'], naming: SpoolNaming): FoundBuild {
  const row = normaliseLink(l, normaliseContext(naming, l.resultT.build_user)).row;
  return {
    uuid: String(row['uuid']), matched_by, link_program: str(row['link_program']), link_path: str(row['link_path']), build_user: str(row['build_user']),
    build_syshost: str(row['build_syshost']), build_epoch: Number(row['build_epoch']), link_modules: [],
  };
}

const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const byPath = (a: FoundLibrary, b: FoundLibrary) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/** The run as the store would hold it after ingest (the same normalisation), without packages or build yet. */
function toFoundRun(rec: RunRecord, naming: SpoolNaming): FoundRun {
  const n = normaliseRun(rec, normaliseContext(naming, rec.userT.user));
  const libraries = n.objects.map((o) => ({ path: o.object_path, module: o.module_name })).sort(byPath);
  const env = Object.fromEntries([...n.env].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return foundRun(n.row as RunRow, libraries, env, [], null);
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

/**
 * Find runs in the record tree under `prefix`, newest first, at most `limit` (null: all of them). Each record goes
 * through ingest's normalisation (`naming`: the site's application rules), so a run is shown
 * as `xalt find` shows it from the store after ingest.
 */
export function findInSpool(fs: SpoolFs, prefix: string, filter: FindFilter, limit: number | null, naming: SpoolNaming): FindResult & { warnings: readonly string[] } {
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
    const bare = toFoundRun(rec, naming);
    if (!contentMatches(bare, filter, test)) continue;
    const pkgs = (idx.pkgs.get(c.uuid) ?? []).map((p) => reader.read<PkgRecord>('pkg', p)).filter((p): p is PkgRecord => !!p)
      .map((p) => normalisePkg(p, { ownerMismatch: false, owner: p.xalt_run_uuid }).row)
      .map((r) => ({ program: String(r['program']), name: String(r['pkg_name']), version: str(r['pkg_version']), path: str(r['pkg_path']) }));
    if (filter.package !== undefined && !pkgs.some((p) => p.name === filter.package)) continue;
    const wm = rec.xaltLinkT?.['Build_UUID'];
    const link = (wm && linkByUuid(wm)) || (rec.userT.exec_build_id ? linkByBuildId(rec.userT.exec_build_id) : undefined);
    const build = link ? linkBuild(link, wm && link.resultT.uuid === wm ? 'uuid' : 'build_id', naming) : null;
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
