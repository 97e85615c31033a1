/**
 * The overview and libraries reports computed the straightforward way, in plain JavaScript over
 * the period's stored runs and their join_run_object rows — no daily totals, no library sets,
 * no SQL aggregation — for checking the reports against (docs/report.md gives the definitions).
 */
import type { Queryable, SqlValue } from '../../src/db/store.js';
import type { ReportSpec } from '../../src/report/report-spec.js';
import { referenceFailed } from '../helpers/rollup-check.js';

type Run = Record<string, unknown>;
export type RefRow = Record<string, string | number | null>;

const n = (r: Run, c: string) => Number(r[c] ?? 0);
const weight = (r: Run, spec: ReportSpec) => (spec.weighted ? (n(r, 'probability') > 0 ? 1 / n(r, 'probability') : 1) : 1);
const coreHours = (r: Run, spec: ReportSpec) => (n(r, 'run_time') * n(r, 'num_cores') * weight(r, spec)) / 3600;
const knownValue = (v: unknown) => (v === null || v === undefined || v === '' || v === 'unknown' ? null : String(v));
const failed = referenceFailed;

const globRe = (g: string) => new RegExp(`^${g.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');
const moduleIs = (m: unknown, name: string) => typeof m === 'string' && (m === name || m.startsWith(`${name}/`));

/**
 * True when the run is one of the spec's selection (docs/report.md): one of its users, one of
 * its accounts, an executable whose name (or, with a `/`, path) matches one of its patterns, a
 * module that is the executable's or a loaded library's.
 */
function selected(r: Run, spec: ReportSpec, moduleOf: ReadonlyMap<number, unknown>): boolean {
  const s = spec.selection ?? {};
  if (s.user && !s.user.includes(String(r['user']))) return false;
  if (s.account && !s.account.includes(String(r['account']))) return false;
  if (s.exec && !s.exec.some((e) => (e.includes('/') ? globRe(e).test(String(r['exec_path'])) : globRe(e).test(String(r['exec_name'])) || globRe(e).test(String(r['app_name']))))) return false;
  const mods = [r['module_name'], ...(r['objects'] as number[]).map((o) => moduleOf.get(o))];
  if (s.module && !s.module.some((m) => mods.some((x) => moduleIs(x, m)))) return false;
  return true;
}

/** The period's runs (of the report's cluster and selection; flagged ones only if the spec includes them), each with the obj_ids it loaded. */
async function periodRuns(q: Queryable, spec: ReportSpec): Promise<Run[]> {
  const params: SqlValue[] = [spec.since, spec.until, ...(spec.syshost !== undefined ? [spec.syshost] : [])];
  const runs = (await q.all<Run>(`SELECT * FROM xalt_run WHERE start_time >= ? AND start_time < ?${spec.syshost !== undefined ? ' AND syshost = ?' : ''}`, params))
    .filter((r) => spec.includeFlagged || Number(r['flagged']) === 0);
  const objs = new Map<number, number[]>();
  for (const j of await q.all<Run>('SELECT run_id, obj_id FROM join_run_object')) objs.set(Number(j['run_id']), [...(objs.get(Number(j['run_id'])) ?? []), Number(j['obj_id'])]);
  const moduleOf = new Map((await q.all<Run>('SELECT obj_id, module_name FROM xalt_object')).map((o) => [Number(o['obj_id']), o['module_name']]));
  return runs.map((r) => ({ ...r, objects: objs.get(Number(r['run_id'])) ?? [] })).filter((r) => selected(r, spec, moduleOf));
}

/** The standard measures of some runs. */
function measures(runs: readonly Run[], spec: ReportSpec): RefRow {
  const distinct = (f: (r: Run) => string | null) => new Set(runs.map(f).filter((x) => x !== null)).size;
  return {
    core_hours: runs.reduce((s, r) => s + coreHours(r, spec), 0), runs: runs.reduce((s, r) => s + weight(r, spec), 0),
    users: distinct((r) => String(r['user'])), accounts: distinct((r) => knownValue(r['account'])), jobs: distinct((r) => knownValue(r['job_id'])),
  };
}

function groupBy(runs: readonly Run[], key: (r: Run) => readonly string[]): Map<string, Run[]> {
  const out = new Map<string, Run[]>();
  for (const r of runs) for (const k of new Set(key(r))) out.set(k, [...(out.get(k) ?? []), r]);
  return out;
}

const byDesc = (col: string, label: string) => (a: RefRow, b: RefRow) => Number(b[col]) - Number(a[col]) || (String(a[label]) < String(b[label]) ? -1 : 1);

/** A split table: the sides with runs, by core-hours, with shares, and a Total row. */
function split(runs: readonly Run[], sides: Record<string, (r: Run) => boolean>, spec: ReportSpec): RefRow[] {
  const all = measures(runs, spec);
  const rows: RefRow[] = Object.entries(sides).map(([kind, has]): RefRow => ({ kind, ...measures(runs.filter(has), spec) })).filter((r) => Number(r['runs']) > 0).sort(byDesc('core_hours', 'kind'));
  if (!rows.length) return [];
  const pct = (x: unknown, t: unknown) => (Number(t) > 0 ? (100 * Number(x)) / Number(t) : 0);
  return [
    ...rows.map((r) => ({ ...r, core_hours_pct: pct(r['core_hours'], all['core_hours']), runs_pct: pct(r['runs'], all['runs']), jobs_pct: pct(r['jobs'], all['jobs']) })),
    { kind: 'Total', ...all, core_hours_pct: 100, runs_pct: 100, jobs_pct: 100 },
  ];
}

/** The overview's tables, and its core-hours and runs per UTC day (ISO date → value). */
export async function referenceOverview(q: Queryable, spec: ReportSpec): Promise<{ tables: Record<string, RefRow[]>; days: Record<string, { core_hours: number; runs: number }> }> {
  const runs = await periodRuns(q, spec);
  const all = measures(runs, spec);
  const total = Number(all['runs']);
  const summary: RefRow[] = [
    { measure: 'Core-hours', value: all['core_hours']! }, { measure: 'GPU-hours', value: runs.reduce((s, r) => s + (n(r, 'run_time') * n(r, 'num_gpus') * weight(r, spec)) / 3600, 0) },
    { measure: 'Runs', value: total }, { measure: 'Failed runs (%)', value: total ? (100 * runs.filter(failed).reduce((s, r) => s + weight(r, spec), 0)) / total : 0 },
    { measure: 'Jobs', value: all['jobs']! }, { measure: 'Users', value: all['users']! }, { measure: 'Accounts', value: all['accounts']! },
    { measure: 'Executables', value: new Set(runs.map((r) => r['app_name'])).size }, { measure: 'Hosts', value: new Set(runs.map((r) => r['host']).filter((h) => h !== null)).size },
  ];
  const top = (key: string, label: (r: Run) => string | null) => [...groupBy(runs, (r) => (label(r) === null ? [] : [label(r)!]))]
    .map(([name, rs]) => ({ [key]: name, ...measures(rs, spec) })).sort(byDesc('core_hours', key)).slice(0, Math.min(spec.top, 10));
  const days: Record<string, { core_hours: number; runs: number }> = {};
  for (const r of runs) {
    const d = new Date(Math.floor(n(r, 'start_time') / 86400) * 86400 * 1000).toISOString().slice(0, 10);
    days[d] = { core_hours: (days[d]?.core_hours ?? 0) + coreHours(r, spec), runs: (days[d]?.runs ?? 0) + weight(r, spec) };
  }
  return {
    tables: {
      summary,
      sys_vs_usr: split(runs, { sys: (r) => r['module_name'] !== null, usr: (r) => r['module_name'] === null }, spec),
      mpi_vs_non_mpi: split(runs, { MPI: (r) => n(r, 'num_tasks') > 1, 'non-MPI': (r) => n(r, 'num_tasks') <= 1 }, spec),
      top_executables: top('executable', (r) => String(r['app_name'])),
      top_modules: top('module', (r) => (r['module_name'] === null ? null : String(r['module_name']))),
    },
    days,
  };
}

/** The libraries report's tables: per library module (a run counted once per module) and per object. */
export async function referenceLibraries(q: Queryable, spec: ReportSpec): Promise<Record<string, RefRow[]>> {
  const runs = await periodRuns(q, spec);
  const objects = new Map((await q.all<Run>('SELECT obj_id, object_path, module_name FROM xalt_object')).map((o) => [Number(o['obj_id']), o]));
  const objectsOf = (r: Run) => r['objects'] as number[];
  const modules = [...groupBy(runs, (r) => objectsOf(r).map((o) => objects.get(o)!['module_name']).filter((m): m is string => m !== null))]
    .map(([module, rs]) => ({ module, ...measures(rs, spec) })).sort(byDesc('core_hours', 'module')).slice(0, spec.top);
  const perObject = [...groupBy(runs, (r) => objectsOf(r).map(String))].map(([id, rs]) => {
    const o = objects.get(Number(id))!;
    const m = measures(rs, spec);
    return { runs: m['runs']!, users: m['users']!, core_hours: m['core_hours']!, library: String(o['object_path']), module: (o['module_name'] as string | null) ?? null };
  }).sort(byDesc('runs', 'library')).slice(0, spec.top);
  return { modules_by_core_hours: modules, objects_by_runs: perObject };
}
