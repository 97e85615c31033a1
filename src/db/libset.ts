/**
 * Library sets (`xalt_libset`): the distinct sets of shared objects that runs loaded. A run's
 * set is `xalt_run.libset_id`, always the same objects as its join_run_object rows; NULL when
 * it has none. Runs of one executable nearly always load the same set, so a 1,000,000-run
 * store has a few hundred sets where it has 4,000,000 (run, object) pairs: the libraries
 * report groups runs by set and expands each set once.
 *
 * A set is stored as its object ids, ascending and comma-separated (`obj_ids`), keyed by the
 * SHA-1 of that text (MySQL cannot put a unique index on long text).
 */
import { createHash } from 'node:crypto';
import type { Queryable, SqlValue } from './store.js';

/** The stored text of the set of `objIds`: ascending, without repeats, comma-separated. */
export function libsetText(objIds: readonly number[]): string {
  const sorted = Float64Array.from(objIds).sort(); // numeric order; ingest computes this for every run
  let text = '';
  for (let i = 0; i < sorted.length; i++) {
    if (i > 0 && sorted[i] === sorted[i - 1]) continue;
    text += text ? `,${sorted[i]}` : String(sorted[i]);
  }
  return text;
}

/** The object ids of a set's text. */
export function libsetObjects(text: string): number[] {
  return text === '' ? [] : text.split(',').map(Number);
}

/** The unique key of a set's text. */
function libsetKey(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

const CHUNK = 400;

/** The ids of the sets with texts `texts` (none empty), inserting those not stored yet. */
export async function libsetIds(q: Queryable, texts: readonly string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const unique = [...new Set(texts)].sort();
  for (let at = 0; at < unique.length; at += CHUNK) {
    const part = unique.slice(at, at + CHUNK);
    const keys = part.map(libsetKey);
    await q.run(q.dialect.insertIgnore(`xalt_libset (libset_key, obj_ids) VALUES ${part.map(() => '(?, ?)').join(', ')}`), part.flatMap((t, i) => [keys[i]!, t]));
    const found = await q.all<{ libset_id: unknown; obj_ids: string }>(`SELECT libset_id, obj_ids FROM xalt_libset WHERE libset_key IN (${keys.map(() => '?').join(', ')})${q.dialect.forShare}`, keys);
    for (const f of found) out.set(f.obj_ids, Number(f.libset_id));
  }
  return out;
}

/** The texts of the sets with ids `ids`. */
export async function libsetTexts(q: Queryable, ids: readonly number[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  const unique = [...new Set(ids)];
  for (let at = 0; at < unique.length; at += CHUNK) {
    const part = unique.slice(at, at + CHUNK);
    const found = await q.all<{ libset_id: unknown; obj_ids: string }>(`SELECT libset_id, obj_ids FROM xalt_libset WHERE libset_id IN (${part.map(() => '?').join(', ')})`, part);
    for (const f of found) out.set(Number(f.libset_id), f.obj_ids);
  }
  return out;
}

/** Set libset_id of the runs in `runIds` to the sets their join_run_object rows make. */
async function setLibsets(q: Queryable, runIds: readonly number[], where: string, params: readonly SqlValue[]): Promise<void> {
  const pairs = await q.all<{ run_id: unknown; obj_id: unknown }>(`SELECT run_id, obj_id FROM join_run_object WHERE ${where}`, params);
  const objectsOf = new Map<number, number[]>();
  for (const p of pairs) {
    const id = Number(p.run_id);
    let list = objectsOf.get(id);
    if (!list) objectsOf.set(id, (list = []));
    list.push(Number(p.obj_id));
  }
  const textOf = new Map([...objectsOf].map(([run, objs]) => [run, libsetText(objs)]));
  const ids = await libsetIds(q, [...textOf.values()]);
  const runsOf = new Map<number | null, number[]>();
  for (const run of runIds) {
    const text = textOf.get(run);
    const set = text === undefined ? null : ids.get(text)!;
    let list = runsOf.get(set);
    if (!list) runsOf.set(set, (list = []));
    list.push(run);
  }
  for (const [set, runs] of runsOf) {
    for (let at = 0; at < runs.length; at += CHUNK) {
      const part = runs.slice(at, at + CHUNK);
      await q.run(`UPDATE xalt_run SET libset_id = ? WHERE run_id IN (${part.map(() => '?').join(', ')})`, [set, ...part]);
    }
  }
}

/**
 * Recompute xalt_run.libset_id from join_run_object: for every run (in run_id ranges, so a
 * store of millions of runs is not read at once), or for the runs in `runIds`.
 */
export async function refreshLibsets(q: Queryable, runIds?: readonly number[]): Promise<void> {
  if (runIds !== undefined) {
    for (let at = 0; at < runIds.length; at += CHUNK) {
      const part = runIds.slice(at, at + CHUNK);
      await setLibsets(q, part, `run_id IN (${part.map(() => '?').join(', ')})`, part);
    }
    return;
  }
  const [span] = await q.all<{ lo: unknown; hi: unknown }>('SELECT MIN(run_id) AS lo, MAX(run_id) AS hi FROM xalt_run');
  if (span?.lo === null || span?.lo === undefined) return;
  const RANGE = 20_000;
  for (let lo = Number(span.lo); lo <= Number(span.hi); lo += RANGE) {
    const runs = (await q.all<{ run_id: unknown }>('SELECT run_id FROM xalt_run WHERE run_id >= ? AND run_id < ?', [lo, lo + RANGE])).map((r) => Number(r.run_id));
    if (runs.length) await setLibsets(q, runs, 'run_id >= ? AND run_id < ?', [lo, lo + RANGE]);
  }
}
