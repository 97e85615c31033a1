/**
 * The libraries report's two tables from library sets (src/db/libset.ts): each run's objects
 * are one set id, and a 1,000,000-run store has a few hundred sets where it has millions of
 * (run, object) pairs. Three passes, none over the pairs:
 *
 * 1. per set, core-hours and runs, from the period's daily usage totals (usage-rows.ts);
 * 2. the distinct (set, user, account) tuples of the period's runs;
 * 3. per job (in job order, along the job_id covering index), the sets its runs loaded.
 *
 * On database servers passes 2 and 3 come from the overview's one read of the period's daily
 * tuples instead (job-pass.ts).
 *
 * Each set is then expanded once into its objects and library modules. A run counts once per
 * object, and once per module however many of the module's objects it loaded — the numbers
 * of the plain joins over join_run_object.
 */
import { libsetObjects } from '../db/libset.js';
import { libraryPass } from './job-pass.js';
import { known, type ReportContext, type SqlRow } from './report-context.js';
import { topRows } from './report-executables.js';
import { usageColumns, usageRows } from './usage-rows.js';

interface Acc { ch: number; w: number; users: Set<string>; accounts: Set<string>; jobs: number }
const acc = (m: Map<string, Acc>, k: string): Acc => {
  let a = m.get(k);
  if (!a) m.set(k, (a = { ch: 0, w: 0, users: new Set(), accounts: new Set(), jobs: 0 }));
  return a;
};

/** Each library set of the store: its objects' ids and the modules they belong to. */
interface SetContents { readonly objects: readonly string[]; readonly modules: readonly string[] }

async function setContents(ctx: ReportContext, moduleOf: ReadonlyMap<string, string | null>): Promise<Map<string, SetContents>> {
  const sets = await ctx.q.all<{ libset_id: unknown; obj_ids: string }>('SELECT libset_id, obj_ids FROM xalt_libset');
  return new Map(sets.map((s) => {
    const objects = libsetObjects(s.obj_ids).map(String);
    const modules = [...new Set(objects.map((o) => moduleOf.get(o)).filter((m): m is string => m !== null && m !== undefined))];
    return [String(s.libset_id), { objects, modules }];
  }));
}

/** Pass 1: per set, core-hours and runs. */
async function setSums(ctx: ReportContext): Promise<SqlRow[]> {
  const u = usageRows(ctx);
  const c = usageColumns(ctx);
  return ctx.rows(`SELECT u.libset_id AS libset, SUM(${c.coreSeconds}) / 3600e0 AS ch, SUM(${c.runs}) AS w FROM ${u.sql} WHERE u.libset_id <> 0 GROUP BY u.libset_id`, u.params, ['ch', 'w']);
}

/** Pass 2: the distinct (set, user, known account) tuples. */
async function setPeople(ctx: ReportContext): Promise<readonly { libset: unknown; user: string; account: string | null }[]> {
  if (!ctx.q.dialect.capabilities.walksCoveringIndexes) return (await libraryPass(ctx)).libsetPeople;
  const src = await ctx.sourceBy('job_id', 'r.libset_id IS NOT NULL');
  return ctx.q.all(`SELECT DISTINCT r.libset_id AS libset, r.user AS user, ${known('r.account')} AS account FROM ${src.sql}`, src.params);
}

/** Pass 3: per known job, the sets its runs loaded (a set may repeat). */
async function jobSets(ctx: ReportContext): Promise<readonly (readonly (string | number)[])[]> {
  if (!ctx.q.dialect.capabilities.walksCoveringIndexes) return (await libraryPass(ctx)).jobSets;
  const src = await ctx.sourceBy('job_id', `r.libset_id IS NOT NULL AND r.job_id IS NOT NULL AND r.job_id NOT IN ('', 'unknown')`);
  const rows = await ctx.q.all<{ sets: string }>(`SELECT ${ctx.q.dialect.listValues('r.libset_id', ',')} AS sets FROM ${src.sql} GROUP BY r.job_id`, src.params);
  return rows.map((j) => String(j.sets).split(','));
}

/** Jobs per module: a job counts once for each module any of its sets holds. */
function jobsPerModule(jobs: readonly (readonly (string | number)[])[], sets: ReadonlyMap<string, SetContents>, byModule: Map<string, Acc>): void {
  // modules as indexes, and the last job that counted each: hundreds of thousands of jobs, no Set per job
  const names = [...new Set([...sets.values()].flatMap((s) => s.modules))];
  const index = new Map(names.map((m, i) => [m, i]));
  const modulesOf = new Map([...sets].map(([id, s]) => [id, s.modules.map((m) => index.get(m)!)]));
  const counts = new Array<number>(names.length).fill(0);
  const lastJob = new Array<number>(names.length).fill(-1);
  jobs.forEach((j, n) => {
    for (const id of j) {
      for (const m of modulesOf.get(String(id)) ?? []) {
        if (lastJob[m] === n) continue;
        lastJob[m] = n;
        counts[m]!++;
      }
    }
  });
  names.forEach((m, i) => { acc(byModule, m).jobs = counts[i]!; });
}

export async function libraryUsage(ctx: ReportContext): Promise<{ modules: SqlRow[]; objects: SqlRow[] }> {
  const objects = new Map((await ctx.q.all<{ obj_id: unknown; object_path: string; module_name: string | null }>('SELECT obj_id, object_path, module_name FROM xalt_object'))
    .map((o) => [String(o.obj_id), o]));
  const sets = await setContents(ctx, new Map([...objects].map(([id, o]) => [id, o.module_name])));
  const byObject = new Map<string, Acc>();
  const byModule = new Map<string, Acc>();
  const each = (libset: unknown, fn: (a: Acc) => void) => {
    const s = sets.get(String(libset));
    for (const o of s?.objects ?? []) fn(acc(byObject, o));
    for (const m of s?.modules ?? []) fn(acc(byModule, m));
  };
  for (const r of await setSums(ctx)) each(r['libset'], (a) => { a.ch += Number(r['ch']); a.w += Number(r['w']); });
  for (const p of await setPeople(ctx)) {
    each(p.libset, (a) => {
      a.users.add(String(p.user));
      if (p.account !== null && p.account !== undefined) a.accounts.add(String(p.account));
    });
  }
  jobsPerModule(await jobSets(ctx), sets, byModule);
  const moduleRows = [...byModule].filter(([, a]) => a.users.size > 0).map(([module, a]) => ({ module, core_hours: a.ch, runs: a.w, users: a.users.size, accounts: a.accounts.size, jobs: a.jobs }));
  const objectRows = [...byObject].filter(([, a]) => a.users.size > 0)
    .map(([id, a]) => ({ library: objects.get(id)?.object_path ?? null, module: objects.get(id)?.module_name ?? null, runs: a.w, users: a.users.size, core_hours: a.ch }));
  return { modules: topRows(moduleRows, 'core_hours', 'module', ctx.spec.top), objects: topRows(objectRows, 'runs', 'library', ctx.spec.top) };
}
