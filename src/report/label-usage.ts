/**
 * The standard measures per application or module, for several subsets ("sides") of the runs
 * at once — all, MPI, non-MPI — in passes that SQLite makes without sorting the period's runs
 * when it walks an index led by the label (schema-tables.ts, ReportContext.sourceBy):
 *
 * 1. per (label, job): the side flags and sums; then per label: the sums and the number of
 *    known jobs on each side. Jobs are the one measure with hundreds of thousands of distinct
 *    values, and grouping by (label, job) in index order counts them without a DISTINCT tree.
 * 2. one pass for every label at once: the distinct (label, executable, side flags, user,
 *    account) tuples — tens of thousands at most — from which users, accounts and executables
 *    per label and side are counted here.
 *
 * The numbers equal those of SUM and COUNT(DISTINCT) over each side's runs.
 */
import { known, type CoverIndex, type ReportContext, type SqlRow } from './report-context.js';

/** A subset of the period's runs: a condition on xalt_run columns, or '' for all runs. */
export type Sides = Readonly<Record<string, string>>;

const flag = (cond: string) => (cond ? `CASE WHEN ${cond} THEN 1 ELSE 0 END` : '1');

/** Pass 1: sums, runs present and known jobs per label and side. */
async function sumsAndJobs(ctx: ReportContext, label: CoverIndex, sides: Sides, where?: string): Promise<SqlRow[]> {
  const src = await ctx.sourceBy(label, where);
  const names = Object.keys(sides);
  const inner = names.flatMap((s, i) => {
    const when = (x: string) => (sides[s] ? `CASE WHEN ${sides[s]} THEN ${x} END` : x);
    return [`MAX(${flag(sides[s]!)}) AS f${i}`, `SUM(${when(`r.run_time * r.num_cores * ${ctx.w}`)}) AS ch${i}`, `SUM(${when(ctx.w)}) AS w${i}`];
  });
  // side names are labels ("non-MPI"), not identifiers: SQL aliases use the side's position
  const outer = names.flatMap((_, i) => [
    `SUM(x.ch${i}) / 3600e0 AS core_hours_${i}`, `SUM(x.w${i}) AS runs_${i}`, `SUM(x.f${i}) AS n_${i}`, `COUNT(CASE WHEN x.f${i} = 1 THEN x.job END) AS jobs_${i}`,
  ]);
  // ORDER BY in the inner query lets SQLite stream the outer GROUP BY instead of sorting again
  const sql = `SELECT x.label, ${outer.join(', ')} FROM (SELECT r.${label} AS label, ${known('r.job_id')} AS job, ${inner.join(', ')}`
    + ` FROM ${src.sql} GROUP BY r.${label}, r.job_id ORDER BY r.${label}, r.job_id) x GROUP BY x.label`;
  return ctx.rows(sql, src.params, names.flatMap((_, i) => [`core_hours_${i}`, `runs_${i}`, `n_${i}`, `jobs_${i}`]));
}

interface People { users: Set<string>; accounts: Set<string>; executables: Set<string> }
/** People per (label value, side). */
type PeopleIndex = Map<string, People>;
const peopleKey = (value: unknown, side: string) => `${String(value)}\u0000${side}`;

/** Pass 2: the distinct (label, app_name, side flags, user, account) tuples, indexed. */
async function peoplePerSide(ctx: ReportContext, label: CoverIndex, sides: Sides, where?: string): Promise<PeopleIndex> {
  const src = await ctx.sourceBy(label, where);
  const names = Object.keys(sides);
  const cols = [...new Set([label, 'app_name'])];
  const flags = names.map((s, i) => `${flag(sides[s]!)} AS f${i}`).join(', ');
  const rows = await ctx.q.all<Record<string, unknown>>(
    `SELECT DISTINCT ${cols.map((c) => `r.${c} AS ${c}`).join(', ')}, ${flags}, r.user AS user, ${known('r.account')} AS account FROM ${src.sql}`, src.params);
  const out: PeopleIndex = new Map();
  const add = (k: string, r: Record<string, unknown>) => {
    let e = out.get(k);
    if (!e) out.set(k, (e = { users: new Set(), accounts: new Set(), executables: new Set() }));
    e.users.add(String(r['user']));
    if (r['account'] !== null && r['account'] !== undefined) e.accounts.add(String(r['account']));
    e.executables.add(String(r['app_name']));
  };
  for (const r of rows) {
    names.forEach((s, i) => {
      if (Number(r[`f${i}`]) === 1) add(peopleKey(r[label], s), r);
    });
  }
  return out;
}

function assemble(sums: readonly SqlRow[], people: PeopleIndex, key: string, sides: Sides): Record<string, SqlRow[]> {
  const out: Record<string, SqlRow[]> = Object.fromEntries(Object.keys(sides).map((s) => [s, []]));
  for (const r of sums) {
    Object.keys(sides).forEach((s, i) => {
      if (!Number(r[`n_${i}`])) return;
      const p = people.get(peopleKey(r['label'], s));
      out[s]!.push({
        [key]: r['label'] ?? null, core_hours: r[`core_hours_${i}`] ?? 0, runs: r[`runs_${i}`] ?? 0,
        users: p?.users.size ?? 0, accounts: p?.accounts.size ?? 0, jobs: r[`jobs_${i}`] ?? 0, executables: p?.executables.size ?? 0,
      });
    });
  }
  return out;
}

/**
 * Per side, one row per label that has runs on that side: `{ [key]: label, core_hours, runs,
 * users, accounts, jobs, executables }`, unsorted. `where` narrows the runs (a condition on xalt_run).
 */
export async function labelUsage(ctx: ReportContext, label: CoverIndex, key: string, sides: Sides, where?: string): Promise<Record<string, SqlRow[]>> {
  const sums = await sumsAndJobs(ctx, label, sides, where);
  return assemble(sums, await peoplePerSide(ctx, label, sides, where), key, sides);
}
