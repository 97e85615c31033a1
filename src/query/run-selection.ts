/**
 * Who ran what: the filters `xalt find`, `xalt report` and `xalt who-uses` share — users,
 * accounts, modules and executables, each a comma list (`--user alice,bob`) — and their SQL
 * over xalt_run `r`. One definition, so `find --module gcc` and `report --module gcc` pick the
 * same runs. Every value is bound as a parameter; patterns use `*` as the only wildcard (pure).
 */
import { UserError } from '../errors.js';
import type { Queryable, SqlValue } from '../db/store.js';

export interface RunSelection {
  /** user names (any of them) */
  readonly user?: readonly string[];
  /** accounts (any of them) */
  readonly account?: readonly string[];
  /** executables: a name (exec_name or app_name) or, with a `/`, a path; `*` wildcards */
  readonly exec?: readonly string[];
  /** modules: a name, or its prefix up to a `/` (`gcc` matches `gcc/12.2`); the executable's or a loaded library's */
  readonly module?: readonly string[];
}

/** A WHERE clause (without the keyword) and its parameters. */
export interface SqlWhere {
  readonly sql: string;
  readonly params: readonly SqlValue[];
}

/** The keys of RunSelection, as options and in messages. */
const SELECTION_KEYS = ['user', 'account', 'exec', 'module'] as const;

/**
 * The items of a comma list, trimmed, without empties; a usage error names the option when
 * nothing is left (`--user ,`).
 * @example commaList('alice, bob', '--user') // ['alice', 'bob']
 */
export function commaList(text: string, option: string): string[] {
  const items = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (items.length === 0) throw new UserError('XALT_USAGE', `${option} ${JSON.stringify(text)}: no value given`, `for example ${option} alice,bob`);
  return [...new Set(items)];
}

/** The selection the options in `values` give (`--user`, `--account`, `--exec`, `--module`). */
export function selectionOptions(values: Readonly<Record<string, unknown>>): RunSelection {
  const out: Record<string, string[]> = {};
  for (const k of SELECTION_KEYS) {
    const v = values[k];
    if (typeof v === 'string') out[k] = commaList(v, `--${k}`);
  }
  return out;
}

/** True when the selection narrows anything. */
export function isSelective(s: RunSelection): boolean {
  return SELECTION_KEYS.some((k) => s[k] !== undefined && s[k]!.length > 0);
}

/** `*` glob → LIKE pattern, escaping LIKE's own wildcards with `!` (works in every database). */
export function globToLike(glob: string): string {
  return glob.replace(/[!%_]/g, (c) => `!${c}`).replace(/\*/g, '%');
}

/**
 * `*` glob → anchored RegExp (for what SQL cannot match exactly, such as the last part of a path).
 * @example globRegExp('libssl.so*').test('libssl.so.3') // true
 */
export function globRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

/** `col = ?`, or `col LIKE ?` for a pattern. */
function matchName(col: string, value: string, params: SqlValue[]): string {
  if (value.includes('*')) {
    params.push(globToLike(value));
    return `${col} LIKE ? ESCAPE '!'`;
  }
  params.push(value);
  return `${col} = ?`;
}

/** `col IN (?, …)` (or `=` for one value). */
export function inList(col: string, values: readonly string[], params: SqlValue[]): string {
  params.push(...values);
  return values.length === 1 ? `${col} = ?` : `${col} IN (${values.map(() => '?').join(', ')})`;
}

/** A module name, or every version under it. */
export function moduleMatch(col: string, module: string, params: SqlValue[]): string {
  params.push(module, `${globToLike(module)}/%`);
  return `(${col} = ? OR ${col} LIKE ? ESCAPE '!')`;
}

/** SQL over `r` for one executable pattern: a path when it has a `/`, else the executable's or application's name. */
export function execMatch(exec: string, params: SqlValue[]): string {
  if (exec.includes('/')) return matchName('r.exec_path', exec, params);
  return `(${matchName('r.exec_name', exec, params)} OR ${matchName('r.app_name', exec, params)})`;
}

/**
 * SQL over `r` for runs of a module: the executable's module, or a library it loaded came from
 * the module. `libsets`: the library sets holding an object of the module (moduleLibsets),
 * when known — one comparison per run instead of a lookup of its libraries.
 */
export function moduleRunMatch(modules: readonly string[], params: SqlValue[], libsets?: readonly number[]): string {
  const own = modules.map((m) => moduleMatch('r.module_name', m, params)).join(' OR ');
  if (libsets !== undefined) {
    // ids from the store, not user text: inlined
    return libsets.length ? `(${own} OR r.libset_id IN (${libsets.map((id) => String(Math.trunc(id))).join(', ')}))` : `(${own})`;
  }
  const lib = modules.map((m) => moduleMatch('o.module_name', m, params)).join(' OR ');
  return `(${own} OR EXISTS (SELECT 1 FROM join_run_object j JOIN xalt_object o ON o.obj_id = j.obj_id WHERE j.run_id = r.run_id AND (${lib})))`;
}

/**
 * The selection as conditions over xalt_run `r` ('' when it selects every run). `libsets`:
 * the library sets of its modules (moduleLibsets), for passes over many runs.
 */
export function selectionWhere(s: RunSelection, libsets?: readonly number[]): SqlWhere {
  const parts: string[] = [];
  const params: SqlValue[] = [];
  if (s.user?.length) parts.push(inList('r.user', s.user, params));
  if (s.account?.length) parts.push(inList('r.account', s.account, params));
  if (s.exec?.length) parts.push(`(${s.exec.map((e) => execMatch(e, params)).join(' OR ')})`);
  if (s.module?.length) parts.push(moduleRunMatch(s.module, params, libsets));
  return { sql: parts.join(' AND '), params };
}

/**
 * The library sets (src/db/libset.ts) that hold an object of one of `modules`: a few hundred
 * sets are read, not the runs' millions of (run, object) rows.
 */
export async function moduleLibsets(q: Queryable, modules: readonly string[]): Promise<number[]> {
  const params: SqlValue[] = [];
  const match = modules.map((m) => moduleMatch('module_name', m, params)).join(' OR ');
  const objects = new Set((await q.all<{ obj_id: unknown }>(`SELECT obj_id FROM xalt_object WHERE ${match}`, params)).map((o) => Number(o.obj_id)));
  if (objects.size === 0) return [];
  const sets = await q.all<{ libset_id: unknown; obj_ids: string }>('SELECT libset_id, obj_ids FROM xalt_libset');
  return sets.filter((s) => s.obj_ids.split(',').some((id) => objects.has(Number(id)))).map((s) => Number(s.libset_id));
}

/** `--user alice,bob --module gcc`: the selection as options, for headers and messages. */
export function describeSelection(s: RunSelection): string {
  return SELECTION_KEYS.filter((k) => s[k]?.length).map((k) => `--${k} ${s[k]!.join(',')}`).join(' ');
}
