/**
 * The standard measures per application or module and for the whole period, for several
 * subsets ("sides") of the runs at once — all, MPI, non-MPI, from a module or not — in passes
 * that SQLite makes without sorting the period's runs when it walks an index led by the label
 * (schema-tables.ts, ReportContext.sourceBy):
 *
 * 1. per (label, job): the side flags and sums; then per label: the sums and the number of
 *    known jobs on each side. Jobs are the one measure with hundreds of thousands of distinct
 *    values, and grouping by (label, job) in index order counts them without a DISTINCT tree.
 *    For the period's totals the same is done per job alone.
 * 2. one pass for every label at once: the distinct (labels, side flags, user, account) tuples
 *    — tens of thousands at most — from which users, accounts and executables per label and
 *    side are counted here.
 *
 * The numbers equal those of SUM and COUNT(DISTINCT) over each side's runs.
 */
import { known, type CoverIndex, type ReportContext, type SqlRow } from './report-context.js';

/** A subset of the period's runs: a condition on xalt_run columns, or '' for all runs. */
export type Sides = Readonly<Record<string, string>>;

/** Sums over every run of the period, by name: SQL expressions over `r`. */
export type Extras = Readonly<Record<string, string>>;

const flag = (cond: string) => (cond ? `CASE WHEN ${cond} THEN 1 ELSE 0 END` : '1');

/** Pass 1: sums, runs present and known jobs per label (or for the period: `label` null) and side. */
async function sumsAndJobs(ctx: ReportContext, label: CoverIndex | null, sides: Sides, where?: string, extras: Extras = {}): Promise<SqlRow[]> {
  const src = await ctx.sourceBy(label ?? 'job_id', where);
  const names = Object.keys(sides);
  const inner = names.flatMap((s, i) => {
    const when = (x: string) => (sides[s] ? `CASE WHEN ${sides[s]} THEN ${x} END` : x);
    return [`MAX(${flag(sides[s]!)}) AS f${i}`, `SUM(${when(`r.run_time * r.num_cores * ${ctx.w}`)}) AS ch${i}`, `SUM(${when(ctx.w)}) AS w${i}`];
  });
  for (const [k, sql] of Object.entries(extras)) inner.push(`SUM(${sql}) AS e_${k}`);
  // side names are labels ("non-MPI"), not identifiers: SQL aliases use the side's position
  const outer = Object.keys(extras).map((k) => `SUM(x.e_${k}) AS ${k}`).concat(names.flatMap((_, i) => [
    `SUM(x.ch${i}) / 3600e0 AS core_hours_${i}`, `SUM(x.w${i}) AS runs_${i}`, `SUM(x.f${i}) AS n_${i}`, `COUNT(CASE WHEN x.f${i} = 1 THEN x.job END) AS jobs_${i}`,
  ]));
  // ORDER BY in the inner query lets SQLite stream the outer GROUP BY instead of sorting again
  const sql = label
    ? `SELECT x.label, ${outer.join(', ')} FROM (SELECT r.${label} AS label, ${known('r.job_id')} AS job, ${inner.join(', ')}`
      + ` FROM ${src.sql} GROUP BY r.${label}, r.job_id ORDER BY r.${label}, r.job_id) x GROUP BY x.label`
    : `SELECT NULL AS label, ${outer.join(', ')} FROM (SELECT ${known('r.job_id')} AS job, ${inner.join(', ')} FROM ${src.sql} GROUP BY r.job_id) x`;
  return ctx.rows(sql, src.params, [...Object.keys(extras), ...names.flatMap((_, i) => [`core_hours_${i}`, `runs_${i}`, `n_${i}`, `jobs_${i}`])]);
}

interface People { users: Set<string>; accounts: Set<string>; executables: Set<string> }
/** People per (label column or '' for the period, label value, side). */
type PeopleIndex = Map<string, People>;
const peopleKey = (col: string, value: unknown, side: string) => `${col}\u0000${String(value)}\u0000${side}`;

/** Pass 2: the distinct (label columns, app_name, side flags, user, account) tuples, indexed. */
async function peoplePerSide(ctx: ReportContext, labels: readonly CoverIndex[], sides: Sides, where?: string): Promise<PeopleIndex> {
  const src = await ctx.sourceBy(labels[0] ?? 'app_name', where);
  const names = Object.keys(sides);
  const cols = [...new Set([...labels, 'app_name'])];
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
      if (Number(r[`f${i}`]) !== 1) return;
      add(peopleKey('', null, s), r);
      for (const c of labels) add(peopleKey(c, r[c], s), r);
    });
  }
  return out;
}

function assemble(sums: readonly SqlRow[], people: PeopleIndex, col: string, key: string, sides: Sides): Record<string, SqlRow[]> {
  const out: Record<string, SqlRow[]> = Object.fromEntries(Object.keys(sides).map((s) => [s, []]));
  for (const r of sums) {
    Object.keys(sides).forEach((s, i) => {
      if (!Number(r[`n_${i}`])) return;
      const p = people.get(peopleKey(col, col ? r['label'] : null, s));
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
  return assemble(sums, await peoplePerSide(ctx, [label], sides, where), label, key, sides);
}

export interface PeriodUsage {
  /** per side, the period's measures (zeros for a side without runs) */
  readonly totals: Readonly<Record<string, SqlRow>>;
  /** the sums of the extras over the period */
  readonly extras: Readonly<Record<string, number>>;
  /** per label column, per side, a row per label as in `labelUsage` */
  readonly byLabel: Readonly<Record<string, Record<string, SqlRow[]>>>;
}

/**
 * The period's totals per side and, for each of `labels` (rows with a NULL label left out),
 * the measures of all runs per label (`byLabel[label].all`) — with one people pass for all
 * of them. `sides` must include `all: ''`.
 */
export async function periodUsage(ctx: ReportContext, sides: Sides, labels: readonly { label: CoverIndex; key: string }[], extras: Extras = {}): Promise<PeriodUsage> {
  const sums = await sumsAndJobs(ctx, null, sides, undefined, extras);
  const people = await peoplePerSide(ctx, labels.map((l) => l.label), sides);
  const rows = assemble(sums, people, '', 'label', sides);
  const zero = { core_hours: 0, runs: 0, users: 0, accounts: 0, jobs: 0, executables: 0 };
  const byLabel: Record<string, Record<string, SqlRow[]>> = {};
  for (const l of labels) {
    // per label only all runs: each side costs three aggregates per (label, job) group
    const all = { all: '' };
    byLabel[l.label] = assemble(await sumsAndJobs(ctx, l.label, all, `r.${l.label} IS NOT NULL`), people, l.label, l.key, all);
  }
  return {
    totals: Object.fromEntries(Object.keys(sides).map((s) => [s, rows[s]![0] ?? zero])),
    extras: Object.fromEntries(Object.keys(extras).map((k) => [k, Number(sums[0]?.[k] ?? 0)])),
    byLabel,
  };
}
