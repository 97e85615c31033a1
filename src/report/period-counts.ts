/**
 * The distinct counts of a period — jobs, users, accounts, executables, hosts — which cannot
 * be added up from daily totals, counted over the runs in as few and as cheap passes as
 * SQLite allows: each walks a covering index (ReportContext.sourceBy) so that grouping by its
 * first column needs no sort, and counts only what it must.
 *
 * Jobs and hosts come from SQL; users and accounts from the distinct (executable, module,
 * MPI or not, user, account) tuples — tens of thousands at most — counted here per side and
 * per label. Stores that walk no covering index (database servers) count all of them from
 * one read of the period's daily tuples instead (job-pass.ts): the first count asked makes
 * it, the others read it.
 */
import { jobPass, sideJobs, type SideTest } from './job-pass.js';
import { known, type CoverIndex, type ReportContext } from './report-context.js';

/** Subsets of the period's runs: a condition on xalt_run `r` ('' for all of them), and the same as a test of a run's kind. */
export type RunSides = Readonly<Record<string, { readonly run: string; readonly has: SideTest }>>;

/** Runs whose job is known (not NULL, '' or 'unknown'): only those count as jobs. */
const KNOWN_JOB = `r.job_id IS NOT NULL AND r.job_id NOT IN ('', 'unknown')`;

/** Per side, the number of known jobs with a run on that side: one pass in job order. */
export async function jobsPerSide(ctx: ReportContext, sides: RunSides): Promise<Record<string, number>> {
  const names = Object.keys(sides);
  if (!ctx.q.dialect.capabilities.walksCoveringIndexes) {
    const pass = await jobPass(ctx);
    return Object.fromEntries(names.map((s) => [s, sideJobs(pass, sides[s]!.has)]));
  }
  const src = await ctx.sourceBy('job_id', KNOWN_JOB);
  // side names are labels ("non-MPI"), not identifiers: SQL aliases use the side's position
  const flags = names.map((s, i) => `MAX(${sides[s]!.run ? `CASE WHEN ${sides[s]!.run} THEN 1 ELSE 0 END` : '1'}) AS f${i}`);
  const [row] = await ctx.rows(`SELECT ${names.map((_, i) => `SUM(x.f${i}) AS j${i}`).join(', ')} FROM (SELECT ${flags.join(', ')} FROM ${src.sql} GROUP BY r.job_id) x`,
    src.params, names.map((_, i) => `j${i}`));
  return Object.fromEntries(names.map((s, i) => [s, Number(row?.[`j${i}`] ?? 0)]));
}

/**
 * Per value of each of `labels` (NULL left out), the number of known jobs. Where the store
 * walks covering indexes (SQLite): an ordered COUNT(DISTINCT) along each label's. Elsewhere
 * (MySQL/MariaDB index only a prefix of long names, so it would sort a million (name, job)
 * pairs through on-disk temporary tables, about 30 s per label for 1,000,000 runs): from the
 * job pass.
 */
export async function jobsPerLabel(ctx: ReportContext, labels: readonly CoverIndex[]): Promise<Record<string, Map<string, number>>> {
  const out: Record<string, Map<string, number>> = Object.fromEntries(labels.map((l) => [l, new Map<string, number>()]));
  if (!ctx.q.dialect.capabilities.walksCoveringIndexes) {
    const pass = await jobPass(ctx);
    for (const l of labels) for (const [name, n] of pass.labelJobs[l]) out[l]!.set(name, n);
    return out;
  }
  for (const l of labels) {
    const src = await ctx.sourceBy(l, `${KNOWN_JOB} AND r.${l} IS NOT NULL`);
    const rows = await ctx.rows(`SELECT r.${l} AS label, COUNT(DISTINCT r.job_id) AS jobs FROM ${src.sql} GROUP BY r.${l}`, src.params, ['jobs']);
    for (const r of rows) out[l]!.set(String(r['label']), Number(r['jobs']));
  }
  return out;
}

/** Distinct hosts the period's runs ran on. */
export async function hostCount(ctx: ReportContext): Promise<number> {
  if (!ctx.q.dialect.capabilities.walksCoveringIndexes) return (await jobPass(ctx)).hosts;
  const src = await ctx.sourceBy('job_id');
  const [row] = await ctx.rows(`SELECT COUNT(DISTINCT r.host) AS hosts FROM ${src.sql}`, src.params, ['hosts']);
  return Number(row?.['hosts'] ?? 0);
}

/** Users, accounts and executables of some runs. */
export interface People { readonly users: Set<string>; readonly accounts: Set<string>; readonly executables: Set<string> }

const people = (): People => ({ users: new Set(), accounts: new Set(), executables: new Set() });

/** One run's executable, module and MPI flag, as `sidesOf` sees them. */
export interface RunKind { readonly app: string; readonly module: string | null; readonly mpi: boolean }

type Tuple = { app: string; module: string | null; mpi: unknown; user: string; account: string | null };

/** The period's distinct (executable, module, MPI, user, account) tuples. */
async function distinctTuples(ctx: ReportContext): Promise<Tuple[]> {
  if (!ctx.q.dialect.capabilities.walksCoveringIndexes) return (await jobPass(ctx)).tuples.map((t) => ({ ...t, mpi: t.mpi ? 1 : 0 }));
  const src = await ctx.sourceBy('app_name');
  return ctx.q.all<Tuple>(
    `SELECT DISTINCT r.app_name AS app, r.module_name AS module, CASE WHEN r.num_tasks > 1 THEN 1 ELSE 0 END AS mpi, r.user AS user, ${known('r.account')} AS account FROM ${src.sql}`, src.params);
}

/**
 * People per side (`sidesOf` names the sides a kind of run is on) and per executable and
 * module: one pass collecting the distinct (executable, module, MPI, user, account) tuples.
 */
export async function peopleOf(ctx: ReportContext, sidesOf: (k: RunKind) => readonly string[]): Promise<{ sides: Map<string, People>; apps: Map<string, People>; modules: Map<string, People> }> {
  const tuples = await distinctTuples(ctx);
  const out = { sides: new Map<string, People>(), apps: new Map<string, People>(), modules: new Map<string, People>() };
  const add = (m: Map<string, People>, key: string, t: (typeof tuples)[number]) => {
    let p = m.get(key);
    if (!p) m.set(key, (p = people()));
    p.users.add(String(t.user));
    if (t.account !== null && t.account !== undefined) p.accounts.add(String(t.account));
    p.executables.add(String(t.app));
  };
  for (const t of tuples) {
    const kind = { app: String(t.app), module: t.module === null ? null : String(t.module), mpi: Number(t.mpi) === 1 };
    for (const side of sidesOf(kind)) add(out.sides, side, t);
    add(out.apps, kind.app, t);
    if (kind.module !== null) add(out.modules, kind.module, t);
  }
  return out;
}
