/**
 * The libraries report's two tables on SQLite without sorting every (run, shared object) pair
 * (4.5 million pairs for 1,000,000 runs: about 16 s). Runs are read in run_id order, so the
 * join table (clustered by run_id) is probed sequentially and grouped per run as it comes:
 *
 * 1. per (objects of the run, user, account): the sums — tens of thousands of rows, from
 *    which the objects' and the library modules' sums, users and accounts are counted here;
 * 2. per job, the library modules its runs loaded, from which the modules' jobs are counted.
 *
 * A run counts once per module however many of the module's objects it loaded, and once per
 * object — the same numbers as the plain joins (report-modules.ts) give.
 */
import { known, type ReportContext, type SqlRow } from './report-context.js';
import { topRows } from './report-executables.js';

/** U+001F separates module names in a string: no module name holds it. */
const SEP = '\u001f';

interface Acc { ch: number; w: number; users: Set<string>; accounts: Set<string>; jobs: number }
const acc = (m: Map<string, Acc>, k: string): Acc => {
  let a = m.get(k);
  if (!a) m.set(k, (a = { ch: 0, w: 0, users: new Set(), accounts: new Set(), jobs: 0 }));
  return a;
};

export async function libraryUsage(ctx: ReportContext): Promise<{ modules: SqlRow[]; objects: SqlRow[] }> {
  const objects = new Map((await ctx.q.all<{ obj_id: number; object_path: string; module_name: string | null }>('SELECT obj_id, object_path, module_name FROM xalt_object'))
    .map((o) => [String(o.obj_id), o]));
  // over a large period, scan the table in run_id order so GROUP BY r.run_id streams; else the planner's start_time range.
  // CROSS JOIN keeps runs the outer loop: without ANALYZE statistics SQLite would rather walk the
  // join table by object and look every run up (month: 0.5 s → 3.7 s).
  const runs = (await ctx.periodIsLarge()) ? 'xalt_run r NOT INDEXED' : 'xalt_run r';
  const where = ctx.where();
  const perRun = (cols: string, join = '', cond = '') => `SELECT ${cols} FROM ${runs} CROSS JOIN join_run_object j ON j.run_id = r.run_id ${join} WHERE ${where.sql}${cond} GROUP BY r.run_id`;
  const groups = await ctx.q.all<{ objs: string; user: string; account: string | null; ch: number | null; w: number }>(
    `SELECT x.objs, x.user, x.account, SUM(x.ch) AS ch, SUM(x.w) AS w FROM (${perRun(`group_concat(j.obj_id) AS objs, r.user AS user, ${known('r.account')} AS account,`
    + ` r.run_time * r.num_cores * ${ctx.w} / 3600e0 AS ch, ${ctx.w} AS w`)}) x GROUP BY x.objs, x.user, x.account`, where.params);
  const byObject = new Map<string, Acc>();
  const byModule = new Map<string, Acc>();
  for (const g of groups) {
    const ids = new Set(g.objs.split(','));
    const mods = new Set<string>();
    for (const id of ids) {
      add(acc(byObject, id), g);
      const m = objects.get(id)?.module_name;
      if (m !== null && m !== undefined) mods.add(m);
    }
    for (const m of mods) add(acc(byModule, m), g);
  }
  const jobs = await ctx.q.all<{ job: string; mods: string }>(
    `SELECT x.job, group_concat(x.mods, char(31)) AS mods FROM (${perRun(`${known('r.job_id')} AS job, group_concat(o.module_name, char(31)) AS mods`,
      'JOIN xalt_object o ON o.obj_id = j.obj_id', ' AND o.module_name IS NOT NULL')}) x WHERE x.job IS NOT NULL GROUP BY x.job`, where.params);
  for (const j of jobs) for (const m of new Set(j.mods.split(SEP))) acc(byModule, m).jobs++;
  const moduleRows = [...byModule].map(([module, a]) => ({ module, core_hours: a.ch, runs: a.w, users: a.users.size, accounts: a.accounts.size, jobs: a.jobs }));
  const objectRows = [...byObject].map(([id, a]) => ({ library: objects.get(id)?.object_path ?? null, module: objects.get(id)?.module_name ?? null, runs: a.w, users: a.users.size, core_hours: a.ch }));
  return { modules: topRows(moduleRows, 'core_hours', 'module', ctx.spec.top), objects: topRows(objectRows, 'runs', 'library', ctx.spec.top) };
}

function add(a: Acc, g: { user: string; account: string | null; ch: number | null; w: number }): void {
  a.ch += Number(g.ch ?? 0);
  a.w += Number(g.w);
  a.users.add(g.user);
  if (g.account !== null) a.accounts.add(g.account);
}
