/**
 * The distinct counts of a period in one read — for stores that aggregate through hash or
 * temporary tables (MySQL/MariaDB, PostgreSQL: they walk no covering index, see
 * `DialectCapabilities.walksCoveringIndexes`). There every pass over a million runs costs
 * seconds whatever it computes, and on MariaDB it goes through an index with a row lookup
 * per run. So the overview and libraries reports read, once, the period's distinct (job,
 * user, account, executable, module, MPI or not, library set, host) tuples: the stored rows of
 * xalt_tuple_day (src/db/tuple-day.ts) for its whole days — narrow rows, one range of the
 * table's primary key — and the same columns of the runs for the partial days at its ends,
 * and of its flagged runs when the report includes them. Everything is counted here: jobs
 * per side, executable, module and library set, the distinct people tuples, and hosts. A job
 * counts only when it is known (not NULL, '' or 'unknown'); a tuple seen on several days, or
 * both in the stored rows and the runs, counts once.
 *
 * A report narrowed by user, account or executable reads the runs instead: the stored tuples
 * do not hold executable paths, and such a report's runs are few.
 */
import type { SqlValue } from '../db/store.js';
import type { ReportContext } from './report-context.js';

/** One distinct kind of run and who ran it. */
export interface RunTuple {
  readonly app: string;
  readonly module: string | null;
  readonly mpi: boolean;
  readonly user: string;
  readonly account: string | null;
}

/** What the sides of a split test: whether a run has a module, and whether it is MPI. */
export type SideTest = (k: { readonly module: string | null; readonly mpi: boolean }) => boolean;

export interface JobPass {
  /** per mask of the kinds of run a known job ran (bit 2 × has module + MPI), how many jobs ran exactly those */
  readonly jobMasks: readonly number[];
  /** the period's distinct run tuples */
  readonly tuples: readonly RunTuple[];
  /** distinct hosts */
  readonly hosts: number;
  /** known jobs per executable and per module */
  readonly labelJobs: { readonly app_name: Map<string, number>; readonly module_name: Map<string, number> };
  /** the distinct (library set, user, known account) of runs that loaded a set */
  readonly libsetPeople: readonly { readonly libset: number; readonly user: string; readonly account: string | null }[];
  /** per known job, the library sets its runs loaded */
  readonly jobSets: readonly (readonly number[])[];
}

/** Known jobs with a run the side's test accepts. */
export function sideJobs(pass: JobPass, has: SideTest): number {
  // the module's name does not matter to a side, only whether there is one
  const kinds = [0, 1, 2, 3].filter((k) => has({ module: k & 2 ? '' : null, mpi: (k & 1) === 1 }));
  return pass.jobMasks.reduce((n, jobs, mask) => (kinds.some((k) => mask & (1 << k)) ? n + jobs : n), 0);
}

const DAY = 86400;
/** Days of stored tuples per query: a whole store's rows are read in parts, not held at once. */
const CHUNK_DAYS = 16;
/** A separator no name holds, and the text for NULL. */
const FIELD = '\u001d';
const NONE = '\u0002';

type Query = { sql: string; params: SqlValue[] };

const isKnown = (v: unknown): v is string | number => v !== null && v !== undefined && v !== '' && v !== 'unknown';

/** The tuple columns of the runs in [from, to) the report covers: unflagged ones, flagged ones only, or both. */
function fromRuns(ctx: ReportContext, from: number, to: number, flagged: 'none' | 'only' | 'any'): Query {
  const runs = ctx.runsIn(from, to);
  const f = flagged === 'any' ? '' : ` AND r.flagged = ${flagged === 'only' ? 1 : 0}`;
  return {
    sql: `SELECT r.job_id, r.user, r.account, r.app_name, r.module_name, CASE WHEN r.num_tasks > 1 THEN 1 ELSE 0 END AS mpi, r.libset_id, r.host FROM xalt_run r WHERE ${runs.sql}${f}`,
    params: runs.params,
  };
}

/** The stored tuples of days [first, end), narrowed by the report's module selection (`ReportContext.usageFilter`). */
function fromTuples(ctx: ReportContext, first: number, end: number, filter: Query): Query {
  const params: SqlValue[] = [first, end];
  let where = 'x.day >= ? AND x.day < ?';
  if (ctx.spec.syshost !== undefined) {
    where += ' AND x.syshost = ?';
    params.push(ctx.spec.syshost);
  }
  const cols = 't.job_id, t.user, t.account, t.app_name, t.module_name, t.mpi, t.libset_id, t.host';
  if (!filter.sql) return { sql: `SELECT ${cols} FROM xalt_tuple_day t WHERE ${where.replace(/x\./g, 't.')}`, params };
  // the filter is over the columns of xalt_usage_day: has_module, module_name, libset_id (0 for none)
  const inner = 'SELECT x.job_id, x.user, x.account, x.app_name, x.module_name, x.mpi, x.libset_id, x.host, CASE WHEN x.module_name IS NULL THEN 0 ELSE 1 END AS has_module';
  return { sql: `SELECT ${cols} FROM (${inner} FROM xalt_tuple_day x WHERE ${where}) t WHERE ${filter.sql}`, params: [...params, ...filter.params] };
}

/** The queries whose rows together are the period's tuples. */
function queries(ctx: ReportContext): Query[] {
  const { since, until, includeFlagged } = ctx.spec;
  const filter = ctx.usageFilter();
  const out: Query[] = [];
  const runsIn = (from: number, to: number, flagged: 'none' | 'any') => {
    for (let a = from; a < to; a += CHUNK_DAYS * DAY) out.push(fromRuns(ctx, a, Math.min(to, a + CHUNK_DAYS * DAY), flagged));
  };
  const first = Math.ceil(since / DAY); // the first whole day
  const end = Math.floor(until / DAY); // the day after the last whole day
  if (filter === null || first >= end) {
    runsIn(since, until, includeFlagged ? 'any' : 'none');
    return out;
  }
  if (since < first * DAY) runsIn(since, first * DAY, 'none');
  for (let d = first; d < end; d += CHUNK_DAYS) out.push(fromTuples(ctx, d, Math.min(end, d + CHUNK_DAYS), filter));
  if (end * DAY < until) runsIn(end * DAY, until, 'none');
  // the stored tuples hold no flagged run: a report that includes them adds theirs (there are few)
  if (includeFlagged) out.push(fromRuns(ctx, since, until, 'only'));
  return out;
}

interface JobAcc { mask: number; readonly apps: string[]; readonly modules: string[]; readonly sets: number[] }

async function makePass(ctx: ReportContext): Promise<JobPass> {
  const jobs = new Map<string, JobAcc>();
  const tuples = new Map<string, RunTuple>();
  const hosts = new Set<string>();
  const libsetPeople = new Map<string, { libset: number; user: string; account: string | null }>();
  for (const query of queries(ctx)) {
    for (const row of await ctx.q.all<Record<string, unknown>>(query.sql, query.params)) {
      const app = String(row['app_name']);
      const module = row['module_name'] === null || row['module_name'] === undefined ? null : String(row['module_name']);
      const mpi = Number(row['mpi']) === 1;
      const user = String(row['user']);
      const account = isKnown(row['account']) ? String(row['account']) : null;
      const libset = row['libset_id'] === null || row['libset_id'] === undefined ? null : Number(row['libset_id']);
      const text = [app, module ?? NONE, mpi ? '1' : '0', user, account ?? NONE].join(FIELD);
      if (!tuples.has(text)) tuples.set(text, { app, module, mpi, user, account });
      if (row['host'] !== null && row['host'] !== undefined) hosts.add(String(row['host']));
      if (libset !== null) {
        const who = `${libset}${FIELD}${user}${FIELD}${account ?? NONE}`;
        if (!libsetPeople.has(who)) libsetPeople.set(who, { libset, user, account });
      }
      if (!isKnown(row['job_id'])) continue;
      const id = String(row['job_id']);
      let job = jobs.get(id);
      if (!job) jobs.set(id, (job = { mask: 0, apps: [], modules: [], sets: [] }));
      job.mask |= 1 << ((module === null ? 0 : 2) + (mpi ? 1 : 0));
      if (!job.apps.includes(app)) job.apps.push(app);
      if (module !== null && !job.modules.includes(module)) job.modules.push(module);
      if (libset !== null && !job.sets.includes(libset)) job.sets.push(libset);
    }
  }
  const jobMasks = new Array<number>(16).fill(0);
  const labelJobs = { app_name: new Map<string, number>(), module_name: new Map<string, number>() };
  const count = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  const jobSets: number[][] = [];
  for (const job of jobs.values()) {
    jobMasks[job.mask]!++;
    for (const a of job.apps) count(labelJobs.app_name, a);
    for (const m of job.modules) count(labelJobs.module_name, m);
    if (job.sets.length) jobSets.push(job.sets);
  }
  return { jobMasks, tuples: [...tuples.values()], hosts: hosts.size, labelJobs, libsetPeople: [...libsetPeople.values()], jobSets };
}

const passes = new WeakMap<ReportContext, Promise<JobPass>>();

/** The pass for `ctx`: made once per report. */
export function jobPass(ctx: ReportContext): Promise<JobPass> {
  let pass = passes.get(ctx);
  if (!pass) passes.set(ctx, (pass = makePass(ctx)));
  return pass;
}
