/**
 * The distinct counts of a period in one pass over its runs, grouped by job — for stores
 * that aggregate through hash or temporary tables (MySQL/MariaDB, PostgreSQL: they walk no
 * covering index, see `DialectCapabilities.walksCoveringIndexes`). There each pass over a
 * million runs costs seconds whatever it computes, so instead of one pass per count (jobs per
 * side, people, hosts, jobs per executable and module) the overview makes one: per job, a flag
 * per side, the distinct (executable, module, MPI or not, user, account) tuples of its runs and
 * their hosts. Everything else is counted here; a job is counted only when it is known (runs
 * without a job id group together and add people and hosts only).
 */
import { known, type ReportContext } from './report-context.js';

/** One distinct kind of run and who ran it. */
export interface RunTuple {
  readonly app: string;
  readonly module: string | null;
  readonly mpi: boolean;
  readonly user: string;
  readonly account: string | null;
}

export interface JobPass {
  /** the `sides` the pass was made for, as given */
  readonly sides: string;
  /** known jobs with a run on each side */
  readonly sideJobs: Record<string, number>;
  /** the period's distinct run tuples */
  readonly tuples: readonly RunTuple[];
  /** distinct hosts */
  readonly hosts: number;
  /** known jobs per executable and per module */
  readonly labelJobs: { readonly app_name: Map<string, number>; readonly module_name: Map<string, number> };
}

/** Separators no name holds: between tuples, between a tuple's fields, and for NULL. */
const ROW = '\u001e';
const FIELD = '\u001d';
const NONE = '\u0002';
const HOST = '\u001f';

const KNOWN_JOB = `r.job_id IS NOT NULL AND r.job_id NOT IN ('', 'unknown')`;

/** The text of a run's tuple, as SQL over `r` (CONCAT: MySQL's `||` means OR). */
const TUPLE_SQL = `CONCAT(r.app_name, '${FIELD}', COALESCE(r.module_name, '${NONE}'), '${FIELD}', CASE WHEN r.num_tasks > 1 THEN '1' ELSE '0' END, '${FIELD}', r.user, '${FIELD}', COALESCE(${known('r.account')}, '${NONE}'))`;

const passes = new WeakMap<ReportContext, Promise<JobPass>>();

/** The pass for `ctx` with flags for `sides` (conditions over `r`, '' for every run): made once per report. */
export function jobPass(ctx: ReportContext, sides: Readonly<Record<string, string>>): Promise<JobPass> {
  const key = JSON.stringify(sides);
  let pass = passes.get(ctx);
  if (!pass) {
    pass = makePass(ctx, sides, key);
    passes.set(ctx, pass);
  }
  return pass.then((p) => (p.sides === key ? p : makePass(ctx, sides, key)));
}

/** The pass already made for `ctx`, if any. */
export function madeJobPass(ctx: ReportContext): Promise<JobPass> | undefined {
  return passes.get(ctx);
}

async function makePass(ctx: ReportContext, sides: Readonly<Record<string, string>>, key: string): Promise<JobPass> {
  const d = ctx.q.dialect;
  const names = Object.keys(sides);
  const src = ctx.source();
  // side names are labels ("non-MPI"), not identifiers: SQL aliases use the side's position
  const flags = names.map((s, i) => `MAX(CASE WHEN ${KNOWN_JOB}${sides[s] ? ` AND ${sides[s]}` : ''} THEN 1 ELSE 0 END) AS f${i}`);
  const rows = await ctx.q.all<Record<string, unknown>>(
    `SELECT MAX(CASE WHEN ${KNOWN_JOB} THEN 1 ELSE 0 END) AS known_job, ${flags.join(', ')}, ${d.listValues(TUPLE_SQL, ROW)} AS kinds, ${d.listValues('r.host', HOST)} AS hosts FROM ${src.sql} GROUP BY r.job_id`, src.params);
  const sideJobs = Object.fromEntries(names.map((s) => [s, 0]));
  const tuples = new Map<string, RunTuple>();
  const hosts = new Set<string>();
  const labelJobs = { app_name: new Map<string, number>(), module_name: new Map<string, number>() };
  const count = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  for (const row of rows) {
    names.forEach((s, i) => { if (Number(row[`f${i}`]) === 1) sideJobs[s]!++; });
    const knownJob = Number(row['known_job']) === 1;
    const apps = new Set<string>();
    const modules = new Set<string>();
    for (const text of new Set(row['kinds'] === null || row['kinds'] === undefined ? [] : String(row['kinds']).split(ROW))) {
      let t = tuples.get(text);
      if (!t) tuples.set(text, (t = parseTuple(text)));
      apps.add(t.app);
      if (t.module !== null) modules.add(t.module);
    }
    if (knownJob) {
      for (const a of apps) count(labelJobs.app_name, a);
      for (const m of modules) count(labelJobs.module_name, m);
    }
    if (row['hosts'] !== null && row['hosts'] !== undefined) for (const h of String(row['hosts']).split(HOST)) hosts.add(h);
  }
  return { sides: key, sideJobs, tuples: [...tuples.values()], hosts: hosts.size, labelJobs };
}

function parseTuple(text: string): RunTuple {
  const [app, module, mpi, user, account] = text.split(FIELD);
  return { app: app!, module: module === NONE ? null : module!, mpi: mpi === '1', user: user!, account: account === NONE ? null : account! };
}
