/**
 * The distinct counts of a period in one read — for stores that aggregate through hash or
 * temporary tables (MySQL/MariaDB, PostgreSQL: they walk no covering index, see
 * `DialectCapabilities.walksCoveringIndexes`). There every pass over a million runs costs
 * seconds whatever it computes, and on MariaDB it goes through an index with a row lookup
 * per run. So the overview and the libraries report each read once what they need of the
 * period's distinct (job, user, account, executable, module, MPI or not, library set, host)
 * tuples (`passColumns`): the stored rows of
 * xalt_tuple_day (src/db/tuple-day.ts) for its whole days — narrow rows, one range of the
 * table's primary key — and the same columns of the runs for the partial days at its ends,
 * and of its flagged runs when the report includes them. Everything is counted here: jobs
 * per side, executable, module and library set, the distinct people tuples, and hosts. A job
 * counts only when it is known (not NULL, '' or 'unknown'); a tuple seen on several days, or
 * both in the stored rows and the runs, counts once.
 *
 * A report narrowed by executable reads the runs instead: the stored tuples do not hold
 * executable paths.
 */
import type { SqlValue } from '../db/store.js';
import { known, type ReportContext } from './report-context.js';

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

/** The overview's distinct counts. */
export interface JobPass {
  /** per mask of the kinds of run a known job ran (bit 2 × has module + MPI), how many jobs ran exactly those */
  readonly jobMasks: readonly number[];
  /** the period's distinct run tuples */
  readonly tuples: readonly RunTuple[];
  /** distinct hosts */
  readonly hosts: number;
  /** known jobs per executable and per module */
  readonly labelJobs: { readonly app_name: Map<string, number>; readonly module_name: Map<string, number> };
}

/** The libraries report's distinct counts. */
export interface LibraryPass {
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

type Query = { sql: string; params: SqlValue[] };

const isKnown = (v: unknown): v is string | number => v !== null && v !== undefined && v !== '' && v !== 'unknown';

type PassKind = 'people' | 'libraries';

/** A separator no name holds, and the text for NULL. */
const FIELD = '\u001d';
const NONE = '\u0002';

/**
 * What a pass reads, over `a` (xalt_run `r`, whose MPI is computed, or xalt_tuple_day `t`):
 * the job, who ran (user and known account as one text), and the kind of run (executable,
 * module, MPI) as one text and the host, or the library set. Fewer and repeated texts cost
 * the driver and the counting less than one column each.
 */
function passColumns(kind: PassKind, a: 'r' | 't'): string {
  const who = `CONCAT(${a}.user, '${FIELD}', COALESCE(${known(`${a}.account`)}, '${NONE}')) AS who`;
  if (kind === 'libraries') return `${a}.job_id, ${who}, ${a}.libset_id`;
  const mpi = a === 'r' ? 'CASE WHEN r.num_tasks > 1 THEN 1 ELSE 0 END' : 't.mpi';
  return `${a}.job_id, CONCAT(${a}.app_name, '${FIELD}', COALESCE(${a}.module_name, '${NONE}'), '${FIELD}', ${mpi}) AS kind, ${who}, ${a}.host`;
}

/** The pass's columns of the runs in [from, to) the report covers: unflagged ones, flagged ones only, or both. */
function fromRuns(ctx: ReportContext, kind: PassKind, from: number, to: number, flagged: 'none' | 'only' | 'any'): Query {
  const runs = ctx.runsIn(from, to);
  const f = flagged === 'any' ? '' : ` AND r.flagged = ${flagged === 'only' ? 1 : 0}`;
  const sets = kind === 'libraries' ? ' AND r.libset_id IS NOT NULL' : '';
  return { sql: `SELECT ${passColumns(kind, 'r')} FROM xalt_run r WHERE ${runs.sql}${f}${sets}`, params: runs.params };
}

/** The stored tuples of days [first, end), narrowed by the report's selection (`ReportContext.tupleFilter`). */
function fromTuples(ctx: ReportContext, kind: PassKind, first: number, end: number, filter: Query): Query {
  const params: SqlValue[] = [first, end];
  let where = 'x.day >= ? AND x.day < ?';
  if (ctx.spec.syshost !== undefined) {
    where += ' AND x.syshost = ?';
    params.push(ctx.spec.syshost);
  }
  if (kind === 'libraries') where += ' AND x.libset_id IS NOT NULL';
  const cols = passColumns(kind, 't');
  if (!filter.sql) return { sql: `SELECT ${cols} FROM xalt_tuple_day t WHERE ${where.replace(/x\./g, 't.')}`, params };
  // the filter is over t's columns, and has_module as in xalt_usage_day
  const inner = 'SELECT x.job_id, x.user, x.account, x.app_name, x.module_name, x.mpi, x.libset_id, x.host, CASE WHEN x.module_name IS NULL THEN 0 ELSE 1 END AS has_module';
  return { sql: `SELECT ${cols} FROM (${inner} FROM xalt_tuple_day x WHERE ${where}) t WHERE ${filter.sql}`, params: [...params, ...filter.params] };
}

/**
 * The queries whose rows together are the period's tuples (their `kind` columns), in parts of
 * CHUNK_DAYS days — of the part of the period that holds runs (`--since 1970` does not make
 * a query per empty fortnight).
 */
async function queries(ctx: ReportContext, kind: PassKind): Promise<Query[]> {
  const { includeFlagged } = ctx.spec;
  const [span] = await ctx.q.all<{ lo: unknown; hi: unknown }>('SELECT MIN(start_time) AS lo, MAX(start_time) AS hi FROM xalt_run');
  if (span?.lo === null || span?.lo === undefined) return [];
  // start times are whole in neither bound: the period's ends stay where they are when inside the span
  const since = Math.max(ctx.spec.since, Math.floor(Number(span.lo) / DAY) * DAY);
  const until = Math.min(ctx.spec.until, (Math.floor(Number(span.hi) / DAY) + 1) * DAY);
  if (since >= until) return [];
  const filter = ctx.tupleFilter();
  const out: Query[] = [];
  const runsIn = (from: number, to: number, flagged: 'none' | 'any') => {
    for (let a = from; a < to; a += CHUNK_DAYS * DAY) out.push(fromRuns(ctx, kind, a, Math.min(to, a + CHUNK_DAYS * DAY), flagged));
  };
  const first = Math.ceil(since / DAY); // the first whole day
  const end = Math.floor(until / DAY); // the day after the last whole day
  if (filter === null || first >= end) {
    runsIn(since, until, includeFlagged ? 'any' : 'none');
    return out;
  }
  if (since < first * DAY) runsIn(since, first * DAY, 'none');
  for (let d = first; d < end; d += CHUNK_DAYS) out.push(fromTuples(ctx, kind, d, Math.min(end, d + CHUNK_DAYS), filter));
  if (end * DAY < until) runsIn(end * DAY, until, 'none');
  // the stored tuples hold no flagged run: a report that includes them adds theirs (there are few)
  if (includeFlagged) out.push(fromRuns(ctx, kind, since, until, 'only'));
  return out;
}

/** The rows of each of the pass's queries, the next one asked for before these are counted: the server works meanwhile. */
async function* prefetched(ctx: ReportContext, kind: PassKind): AsyncGenerator<Record<string, unknown>[]> {
  const list = await queries(ctx, kind);
  const ask = (q: Query) => ctx.q.all<Record<string, unknown>>(q.sql, q.params);
  let next = list.length ? ask(list[0]!) : undefined;
  for (let i = 0; next; i++) {
    const rows = await next;
    next = i + 1 < list.length ? ask(list[i + 1]!) : undefined;
    yield rows;
  }
}

/** Names as small integers: a million rows then cost Map and Set operations on small numbers, each text looked up once. */
class Names {
  private readonly ids = new Map<string, number>();
  readonly names: string[] = [];
  id(name: string): number {
    let i = this.ids.get(name);
    if (i === undefined) {
      i = this.names.length;
      this.ids.set(name, i);
      this.names.push(name);
    }
    return i;
  }
}

async function makePeoplePass(ctx: ReportContext): Promise<JobPass> {
  const apps = new Names();
  const modules = new Names(); // id 0: no module
  modules.id(NONE);
  const kinds = new Names();
  const kindOf: { app: number; module: number; mpi: number }[] = []; // by kind id
  const whos = new Names();
  const people: Set<number>[] = []; // by kind id: who ran it
  const jobs = new Names();
  const hosts = new Set<string>();
  const masks: number[] = [];
  const labels: number[][] = []; // per job: its apps' ids, and its modules' as negative ids
  for await (const rows of prefetched(ctx, 'people')) {
    for (const row of rows) {
      const k = kinds.id(String(row['kind']));
      let kind = kindOf[k];
      if (!kind) {
        const [app, module, mpi] = kinds.names[k]!.split(FIELD);
        kind = kindOf[k] = { app: apps.id(app!), module: modules.id(module!), mpi: mpi === '1' ? 1 : 0 };
      }
      (people[k] ??= new Set()).add(whos.id(String(row['who'])));
      if (row['host'] !== null && row['host'] !== undefined) hosts.add(String(row['host']));
      if (!isKnown(row['job_id'])) continue;
      const job = jobs.id(String(row['job_id']));
      masks[job] = (masks[job] ?? 0) | (1 << ((kind.module === 0 ? 0 : 2) + kind.mpi));
      const list = labels[job] ?? (labels[job] = []);
      if (!list.includes(kind.app)) list.push(kind.app);
      if (kind.module !== 0 && !list.includes(-kind.module)) list.push(-kind.module);
    }
  }
  const jobMasks = new Array<number>(16).fill(0);
  for (const m of masks) jobMasks[m]!++;
  const appJobs = new Array<number>(apps.names.length).fill(0);
  const moduleJobs = new Array<number>(modules.names.length).fill(0);
  for (const list of labels) for (const l of list) if (l >= 0) appJobs[l]!++; else moduleJobs[-l]!++;
  const named = (counts: number[], names: Names) => new Map(counts.flatMap((n, id) => (n > 0 ? [[names.names[id]!, n] as [string, number]] : [])));
  const tuples: RunTuple[] = [];
  kindOf.forEach((kind, k) => {
    const base = { app: apps.names[kind.app]!, module: kind.module === 0 ? null : modules.names[kind.module]!, mpi: kind.mpi === 1 };
    for (const w of people[k]!) tuples.push({ ...base, ...whoOf(whos.names[w]!) });
  });
  return { jobMasks, tuples, hosts: hosts.size, labelJobs: { app_name: named(appJobs, apps), module_name: named(moduleJobs, modules) } };
}

/** The user and known account of a `who` text. */
function whoOf(text: string): { user: string; account: string | null } {
  const [user, account] = text.split(FIELD);
  return { user: user!, account: account === NONE ? null : account! };
}

async function makeLibraryPass(ctx: ReportContext): Promise<LibraryPass> {
  const whos = new Names();
  const jobs = new Names();
  const people = new Map<number, Set<number>>(); // library set → who
  const jobSets: Set<number>[] = [];
  for await (const rows of prefetched(ctx, 'libraries')) {
    for (const row of rows) {
      const libset = Number(row['libset_id']);
      let p = people.get(libset);
      if (!p) people.set(libset, (p = new Set()));
      p.add(whos.id(String(row['who'])));
      if (!isKnown(row['job_id'])) continue;
      (jobSets[jobs.id(String(row['job_id']))] ??= new Set()).add(libset);
    }
  }
  const libsetPeople = [...people].flatMap(([libset, who]) => [...who].map((w) => ({ libset, ...whoOf(whos.names[w]!) })));
  return { libsetPeople, jobSets: jobSets.map((s) => [...s]) };
}

const passes = new WeakMap<ReportContext, Promise<JobPass>>();
const libraryPasses = new WeakMap<ReportContext, Promise<LibraryPass>>();

/** The overview's pass for `ctx`: made once per report. */
export function jobPass(ctx: ReportContext): Promise<JobPass> {
  let pass = passes.get(ctx);
  if (!pass) passes.set(ctx, (pass = makePeoplePass(ctx)));
  return pass;
}

/** The libraries report's pass for `ctx`: made once per report. */
export function libraryPass(ctx: ReportContext): Promise<LibraryPass> {
  let pass = libraryPasses.get(ctx);
  if (!pass) libraryPasses.set(ctx, (pass = makeLibraryPass(ctx)));
  return pass;
}
