/**
 * Which shared objects a `--library GLOB` names: a path pattern when it has a `/`
 * (`/sw/openssl/*`), else a pattern for the file name (`libssl.so*`, the soname or any
 * version of it). xalt_object is the store's dictionary of objects — thousands of rows where
 * the runs are millions — so the objects are found first, and runs are then matched by id.
 * LIKE narrows the search; the glob itself decides, case-sensitively, in JavaScript (LIKE
 * ignores case in SQLite and in MySQL's default collations).
 */
import type { Queryable, SqlValue } from '../db/store.js';
import { globRegExp, globToLike } from './run-selection.js';

interface MatchedObject {
  readonly obj_id: number;
  readonly object_path: string;
  readonly module_name: string | null;
}

/** The last part of a path. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** The objects `glob` names, ordered by path. */
export async function matchingObjects(q: Queryable, glob: string): Promise<MatchedObject[]> {
  const byPath = glob.includes('/');
  const like = byPath ? globToLike(glob) : `%${globToLike(glob)}`;
  const re = globRegExp(glob);
  const rows = await q.all<{ obj_id: unknown; object_path: string; module_name: string | null }>(
    `SELECT obj_id, object_path, module_name FROM xalt_object WHERE object_path LIKE ? ESCAPE '!' ORDER BY object_path`, [like] as SqlValue[]);
  return rows
    .filter((o) => re.test(byPath ? o.object_path : baseName(o.object_path)))
    .map((o) => ({ obj_id: Number(o.obj_id), object_path: o.object_path, module_name: o.module_name ?? null }));
}
