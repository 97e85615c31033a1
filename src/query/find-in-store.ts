/**
 * `xalt find` against the store: select the runs (newest first), then fetch what hangs off
 * that page of runs — libraries, environment, packages, links — in a few batched queries
 * instead of one per run.
 */
import type { Queryable, SqlValue } from '../db/store.js';
import { findWhere, type FindFilter } from './find-filter.js';
import type { SqlWhere } from './run-selection.js';
import { matchingObjects } from './library-objects.js';
import { foundRun, uniqueSorted, type FoundBuild, type FoundRun } from './found-run.js';

export interface FindResult {
  readonly runs: readonly FoundRun[];
  /** more runs matched than the limit allowed */
  readonly truncated: boolean;
  /** flagged runs that matched the other filters but were left out (0 when the filter includes them) */
  readonly flaggedLeftOut?: number;
}

type RunRow = Record<string, unknown> & { run_id: number; run_uuid: string };

const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

function placeholders(n: number): string {
  return Array.from({ length: n }, () => '?').join(', ');
}

/** Run `sql(ph)` for chunks of `values` (databases cap the number of bound parameters). */
async function allIn<T, V extends SqlValue>(q: Queryable, values: readonly V[], sql: (ph: string) => string): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < values.length; i += 500) {
    const chunk = values.slice(i, i + 500);
    // a loop, not push(...rows): a run with 200,000 libraries is more arguments than a call takes
    for (const row of await q.all<T>(sql(placeholders(chunk.length)), chunk)) out.push(row);
  }
  return out;
}

function groupBy<T>(rows: readonly T[], key: (r: T) => string | number): Map<string | number, T[]> {
  const m = new Map<string | number, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = m.get(k);
    if (list) list.push(r);
    else m.set(k, [r]);
  }
  return m;
}

async function librariesOf(q: Queryable, ids: readonly number[]) {
  const rows = await allIn<{ run_id: number; object_path: string; module_name: string | null }, number>(q, ids, (ph) => `SELECT j.run_id, o.object_path, o.module_name FROM join_run_object j JOIN xalt_object o ON o.obj_id = j.obj_id WHERE j.run_id IN (${ph}) ORDER BY o.object_path`);
  return groupBy(rows, (r) => Number(r.run_id));
}

async function envOf(q: Queryable, ids: readonly number[]) {
  const rows = await allIn<{ run_id: number; env_name: string; env_value: string | null }, number>(q, ids, (ph) => `SELECT e.run_id, n.env_name, e.env_value FROM join_run_env e JOIN xalt_env_name n ON n.env_id = e.env_id WHERE e.run_id IN (${ph}) ORDER BY n.env_name`);
  return groupBy(rows, (r) => Number(r.run_id));
}

async function packagesOf(q: Queryable, uuids: readonly string[]) {
  const rows = await allIn<{ run_uuid: string; program: string; pkg_name: string; pkg_version: string | null; pkg_path: string | null }, string>(q, uuids, (ph) => `SELECT run_uuid, program, pkg_name, pkg_version, pkg_path FROM xalt_pkg WHERE run_uuid IN (${ph}) ORDER BY pkg_name`);
  return groupBy(rows, (r) => r.run_uuid);
}

interface LinkRow { link_id: number; uuid: string; build_id: string | null; link_program: string | null; link_path: string | null; link_module_name: string | null; build_user: string | null; build_syshost: string | null; build_epoch: number }

/** Links for the runs, by watermark uuid and by ELF build-id; with their library modules. */
async function linksOf(q: Queryable, runs: readonly RunRow[]) {
  const uuids = uniqueSorted(runs.map((r) => str(r['build_uuid'])));
  const buildIds = uniqueSorted(runs.map((r) => str(r['build_id'])));
  const cols = 'link_id, uuid, build_id, link_program, link_path, link_module_name, build_user, build_syshost, build_epoch';
  const byUuid = uuids.length ? await allIn<LinkRow, string>(q, uuids, (ph) => `SELECT ${cols} FROM xalt_link WHERE uuid IN (${ph})`) : [];
  const byBuildId = buildIds.length ? await allIn<LinkRow, string>(q, buildIds, (ph) => `SELECT ${cols} FROM xalt_link WHERE build_id IN (${ph}) ORDER BY build_epoch`) : [];
  const linkIds = [...new Set([...byUuid, ...byBuildId].map((l) => Number(l.link_id)))];
  const mods = linkIds.length
    ? await allIn<{ link_id: number; module_name: string }, number>(q, linkIds, (ph) => `SELECT DISTINCT j.link_id, o.module_name FROM join_link_object j JOIN xalt_object o ON o.obj_id = j.obj_id WHERE o.module_name IS NOT NULL AND j.link_id IN (${ph})`)
    : [];
  const modsByLink = groupBy(mods, (m) => Number(m.link_id));
  const build = (l: LinkRow, matched_by: FoundBuild['matched_by']): FoundBuild => ({
    uuid: l.uuid, matched_by, link_program: l.link_program, link_path: l.link_path, build_user: l.build_user,
    build_syshost: l.build_syshost, build_epoch: Number(l.build_epoch),
    link_modules: uniqueSorted([l.link_module_name, ...(modsByLink.get(Number(l.link_id)) ?? []).map((m) => m.module_name)]),
  });
  const uuidMap = new Map(byUuid.map((l) => [l.uuid, build(l, 'uuid')]));
  // the newest link with that build-id wins (ORDER BY build_epoch, later rows overwrite)
  const idMap = new Map(byBuildId.map((l) => [l.build_id!, build(l, 'build_id')]));
  return (r: RunRow): FoundBuild | null => uuidMap.get(String(r['build_uuid'])) ?? idMap.get(String(r['build_id'])) ?? null;
}

/** How many flagged runs match `filter` but for their flags (so a search can say what it left out). */
async function flaggedLeftOut(q: Queryable, filter: FindFilter): Promise<number> {
  if (filter.includeFlagged) return 0;
  const where = findWhere(filter, 'only');
  const [row] = await q.all<{ n: unknown }>(`SELECT COUNT(*) AS n FROM xalt_run r WHERE ${where.sql}`, where.params);
  return Number(row?.n ?? 0);
}

/** The filter with the objects its `library` pattern names looked up. */
async function withLibraryObjects(q: Queryable, filter: FindFilter): Promise<FindFilter> {
  if (filter.library === undefined || filter.libraryObjects !== undefined) return filter;
  return { ...filter, libraryObjects: (await matchingObjects(q, filter.library)).map((o) => o.obj_id) };
}

/** The rows of xalt_run matching `where`, newest first, a page of them (`limit` null: all). */
async function selectRuns(q: Queryable, where: SqlWhere, limit: number | null, offset: number): Promise<RunRow[]> {
  const page = limit === null ? '' : offset > 0 ? ' LIMIT ? OFFSET ?' : ' LIMIT ?';
  const pageParams = limit === null ? [] : offset > 0 ? [limit + 1, offset] : [limit + 1];
  return q.all<RunRow>(`SELECT r.* FROM xalt_run r WHERE ${where.sql} ORDER BY r.start_time DESC, r.run_id DESC${page}`,
    [...where.params, ...pageParams] as SqlValue[]);
}

interface SelectedRuns { readonly page: readonly RunRow[]; readonly truncated: boolean; readonly flaggedLeftOut: number }

/**
 * A uuid or a job names a handful of runs, which their own index finds flagged or not: fetch
 * them all in one query and count the flagged ones here, instead of a page and a count of
 * the flagged ones (that count walks every flagged run of the store when the planner prefers
 * the flagged index: ~5–10 ms of a whole `xalt find --uuid` over 1,000,000 runs).
 * Undefined when more than a page matched: the flagged ones may have taken places on it.
 */
async function fewNamedRuns(q: Queryable, filter: FindFilter, limit: number | null): Promise<SelectedRuns | undefined> {
  const rows = await selectRuns(q, findWhere(filter, 'any'), limit, 0);
  if (limit !== null && rows.length > limit) return undefined;
  const page = rows.filter((r) => Number(r['flagged']) === 0);
  return { page, truncated: false, flaggedLeftOut: rows.filter((r) => Number(r['flagged']) === 1).length };
}

/** A page of the runs matching `filter`, and a count of the flagged ones it left out. */
async function pageOfRuns(q: Queryable, filter: FindFilter, limit: number | null, offset: number): Promise<SelectedRuns> {
  const rows = await selectRuns(q, findWhere(filter), limit, offset);
  return { page: limit === null ? rows : rows.slice(0, limit), truncated: limit !== null && rows.length > limit, flaggedLeftOut: await flaggedLeftOut(q, filter) };
}

const namesFewRuns = (f: FindFilter): boolean => f.uuid !== undefined || (f.job?.length ?? 0) > 0;

/**
 * Find runs matching `filter`, newest first, at most `limit` (null: all of them), after
 * skipping `offset` of them (the dashboard's pages). The order is total — start time, then
 * the run's row id — so pages neither repeat nor skip a run while the store is unchanged.
 */
export async function findInStore(q: Queryable, given: FindFilter, limit: number | null, offset = 0): Promise<FindResult> {
  const filter = await withLibraryObjects(q, given);
  const few = offset === 0 && !filter.includeFlagged && namesFewRuns(filter) ? await fewNamedRuns(q, filter, limit) : undefined;
  const { page, truncated, flaggedLeftOut: leftOut } = few ?? await pageOfRuns(q, filter, limit, offset);
  if (page.length === 0) return { runs: [], truncated: false, flaggedLeftOut: leftOut };
  const ids = page.map((r) => Number(r.run_id));
  const [libs, env, pkgs, linkFor] = await Promise.all([librariesOf(q, ids), envOf(q, ids), packagesOf(q, page.map((r) => r.run_uuid)), linksOf(q, page)]);
  const runs = page.map((r) => foundRun(
    r,
    (libs.get(Number(r.run_id)) ?? []).map((l) => ({ path: l.object_path, module: l.module_name })),
    Object.fromEntries((env.get(Number(r.run_id)) ?? []).map((e) => [e.env_name, e.env_value ?? ''])),
    (pkgs.get(r.run_uuid) ?? []).map((p) => ({ program: p.program, name: p.pkg_name, version: p.pkg_version, path: p.pkg_path })),
    linkFor(r),
  ));
  return { runs, truncated, flaggedLeftOut: leftOut };
}
