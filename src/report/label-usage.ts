/**
 * The standard measures per application or module, for several subsets ("sides") of the runs
 * at once — all runs, MPI runs, non-MPI runs — in two passes that SQLite can make without
 * sorting the period's runs when a covering index leads with the label (schema-tables.ts):
 *
 * 1. per (label, job): the side flags and sums; then per label: the sums and the number of
 *    known jobs on each side. Jobs are the one measure with hundreds of thousands of distinct
 *    values, and grouping by (label, job) in index order counts them without a DISTINCT tree.
 * 2. the distinct (label, side flags, user, account) tuples — a few thousand — from which users
 *    and accounts per side are counted here.
 *
 * The numbers equal `groupedUsage`'s (sums, COUNT(DISTINCT)) for each side.
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
  const outer = names.flatMap((s, i) => [
    `SUM(x.ch${i}) / 3600e0 AS core_hours_${s}`, `SUM(x.w${i}) AS runs_${s}`, `SUM(x.f${i}) AS n_${s}`, `COUNT(CASE WHEN x.f${i} = 1 THEN x.job END) AS jobs_${s}`,
  ]);
  // ORDER BY in the inner query lets SQLite stream the outer GROUP BY instead of sorting again
  const sql = `SELECT x.label, ${outer.join(', ')} FROM (SELECT r.${label} AS label, ${known('r.job_id')} AS job, ${inner.join(', ')}`
    + ` FROM ${src.sql} GROUP BY r.${label}, r.job_id ORDER BY r.${label}, r.job_id) x GROUP BY x.label`;
  return ctx.rows(sql, src.params, names.flatMap((s) => [`core_hours_${s}`, `runs_${s}`, `n_${s}`, `jobs_${s}`]));
}

/** Pass 2: users and accounts per label and side, counted from the distinct tuples. */
async function peoplePerSide(ctx: ReportContext, label: CoverIndex, sides: Sides, where?: string): Promise<Map<string, { users: Set<string>; accounts: Set<string> }>> {
  const src = await ctx.sourceBy(label, where);
  const names = Object.keys(sides);
  const flags = names.map((s, i) => `${flag(sides[s]!)} AS f${i}`).join(', ');
  const rows = await ctx.q.all<Record<string, unknown>>(`SELECT DISTINCT r.${label} AS label, ${flags}, r.user AS user, ${known('r.account')} AS account FROM ${src.sql}`, src.params);
  const out = new Map<string, { users: Set<string>; accounts: Set<string> }>();
  for (const r of rows) {
    names.forEach((s, i) => {
      if (Number(r[`f${i}`]) !== 1) return;
      const k = `${String(r['label'])}\u0000${s}`;
      let e = out.get(k);
      if (!e) out.set(k, (e = { users: new Set(), accounts: new Set() }));
      e.users.add(String(r['user']));
      if (r['account'] !== null && r['account'] !== undefined) e.accounts.add(String(r['account']));
    });
  }
  return out;
}

/**
 * Per side, one row per label that has runs on that side: `{ [key]: label, core_hours, runs,
 * users, accounts, jobs }`, unsorted. `where` narrows the runs (a condition on xalt_run).
 */
export async function labelUsage(ctx: ReportContext, label: CoverIndex, key: string, sides: Sides, where?: string): Promise<Record<string, SqlRow[]>> {
  const sums = await sumsAndJobs(ctx, label, sides, where);
  const people = await peoplePerSide(ctx, label, sides, where);
  const out: Record<string, SqlRow[]> = Object.fromEntries(Object.keys(sides).map((s) => [s, []]));
  for (const r of sums) {
    for (const s of Object.keys(sides)) {
      if (!Number(r[`n_${s}`])) continue;
      const p = people.get(`${String(r['label'])}\u0000${s}`);
      out[s]!.push({
        [key]: r['label'] ?? null, core_hours: r[`core_hours_${s}`] ?? 0, runs: r[`runs_${s}`] ?? 0,
        users: p?.users.size ?? 0, accounts: p?.accounts.size ?? 0, jobs: r[`jobs_${s}`] ?? 0,
      });
    }
  }
  return out;
}
