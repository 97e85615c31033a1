/**
 * Check what a store derives from its runs for reports (library sets, daily usage totals)
 * against a reference computed here, in plain JavaScript, from the runs and their
 * join_run_object rows — not from the SQL or the ingest code that keep them.
 */
import assert from 'node:assert/strict';
import type { Queryable } from '../../src/db/store.js';
import { keepsTupleDays } from '../../src/db/tuple-day.js';

type Row = Record<string, unknown>;
const DAY = 86400;

/** Sums in the order of xalt_usage_day's columns runs … failed_w. */
type Sums = number[];

/** The day d with d × 86400 ≤ t < (d + 1) × 86400. */
function dayOf(t: number): number {
  let d = Math.floor(t / DAY);
  while (d * DAY > t) d--;
  while ((d + 1) * DAY <= t) d++;
  return d;
}

/** Object keys by obj_id: ids differ between stores, keys do not. */
async function objectKeys(q: Queryable): Promise<Map<number, string>> {
  return new Map((await q.all<Row>('SELECT obj_id, object_key FROM xalt_object')).map((o) => [Number(o['obj_id']), String(o['object_key'])]));
}

/** Each run's objects (from join_run_object) as sorted object keys, by run_id. */
async function joinedObjects(q: Queryable): Promise<Map<number, string[]>> {
  const keys = await objectKeys(q);
  const out = new Map<number, string[]>();
  for (const j of await q.all<Row>('SELECT run_id, obj_id FROM join_run_object')) {
    const id = Number(j['run_id']);
    out.set(id, [...(out.get(id) ?? []), keys.get(Number(j['obj_id']))!]);
  }
  for (const list of out.values()) list.sort();
  return out;
}

/** Each run's library set as sorted object keys, by run_id ([] for none). */
export async function libsetObjects(q: Queryable): Promise<Map<number, string[]>> {
  const keys = await objectKeys(q);
  const rows = await q.all<Row>('SELECT r.run_id, l.obj_ids FROM xalt_run r LEFT JOIN xalt_libset l ON l.libset_id = r.libset_id');
  return new Map(rows.map((r) => [Number(r['run_id']), r['obj_ids'] === null ? [] : String(r['obj_ids']).split(',').map((id) => keys.get(Number(id))!).sort()]));
}

/** Every run's library set lists exactly its join_run_object rows. */
export async function assertLibsetsMatchObjects(q: Queryable): Promise<void> {
  const joined = await joinedObjects(q);
  const sets = await libsetObjects(q);
  assert.ok(sets.size > 0, 'there are runs');
  for (const [run, objs] of sets) assert.deepEqual(objs, joined.get(run) ?? [], `library set of run ${run}`);
}

/**
 * A failed run, as docs/report.md defines it: never ended; closed at its job's end unless the
 * job COMPLETED; ended by a signal; exited with a status above 0.
 */
export function referenceFailed(r: Row): boolean {
  const n = (c: string) => Number(r[c] ?? 0);
  if (n('has_end') === 0) return true;
  if (r['end_reason'] === 'job_end') return r['job_state'] !== 'COMPLETED';
  return r['end_reason'] === 'signal' || n('exit_signal') > 0 || (r['exit_status'] !== null && n('exit_status') > 0);
}

/** The daily totals the runs make (flagged runs have none), keyed by day, cluster, app, module, MPI (tasks > 1) and objects. */
async function referenceUsage(q: Queryable): Promise<Map<string, Sums>> {
  const joined = await joinedObjects(q);
  const runs = (await q.all<Row>('SELECT * FROM xalt_run')).filter((r) => Number(r['flagged']) === 0);
  const out = new Map<string, Sums>();
  for (const r of runs) {
    const n = (c: string) => Number(r[c] ?? 0);
    const p = n('probability');
    const w = p > 0 ? 1 / p : 1;
    const failed = referenceFailed(r);
    const key = JSON.stringify([dayOf(n('start_time')), r['syshost'], r['app_name'], r['module_name'] ?? null, n('num_tasks') > 1, joined.get(Number(r['run_id'])) ?? []]);
    const core = n('run_time') * n('num_cores');
    const gpu = n('run_time') * n('num_gpus');
    const add = [1, w, core, core * w, gpu, gpu * w, failed ? 1 : 0, failed ? w : 0];
    const sums = out.get(key) ?? add.map(() => 0);
    out.set(key, sums.map((x, i) => x + add[i]!));
  }
  return out;
}

/** The rows of xalt_usage_day (those with runs), keyed like `referenceUsage`. */
async function storedUsage(q: Queryable): Promise<Map<string, Sums>> {
  const keys = await objectKeys(q);
  const sets = new Map((await q.all<Row>('SELECT libset_id, obj_ids FROM xalt_libset')).map((l) => [Number(l['libset_id']), String(l['obj_ids'])]));
  const out = new Map<string, Sums>();
  for (const u of await q.all<Row>('SELECT * FROM xalt_usage_day WHERE runs > 0')) {
    const set = Number(u['libset_id']) === 0 ? [] : sets.get(Number(u['libset_id']))!.split(',').map((id) => keys.get(Number(id))!).sort();
    const key = JSON.stringify([Number(u['day']), u['syshost'], u['app_name'], Number(u['has_module']) ? u['module_name'] : null, Number(u['mpi']) === 1, set]);
    assert.ok(!out.has(key), `one row per key: ${key}`);
    out.set(key, ['runs', 'runs_w', 'core_s', 'core_s_w', 'gpu_s', 'gpu_s_w', 'failed', 'failed_w'].map((c) => Number(u[c])));
  }
  return out;
}

/** Two sums are equal but for the rounding of adding in another order. */
export function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

/** The distinct tuples each day's unflagged runs make, with how many runs each (xalt_tuple_day's definition). */
async function referenceTuples(q: Queryable): Promise<Map<string, number>> {
  const joined = await joinedObjects(q);
  const out = new Map<string, number>();
  for (const r of (await q.all<Row>('SELECT * FROM xalt_run')).filter((x) => Number(x['flagged']) === 0)) {
    const key = JSON.stringify([dayOf(Number(r['start_time'])), r['syshost'], r['job_id'] ?? null, r['user'], r['account'] ?? null, r['app_name'], r['module_name'] ?? null,
      Number(r['num_tasks']) > 1, joined.get(Number(r['run_id'])) ?? [], r['host'] ?? null]);
    out.set(key, (out.get(key) ?? 0) + 1);
  }
  return out;
}

/** The rows of xalt_tuple_day, keyed like `referenceTuples`; none is left without runs. */
async function storedTuples(q: Queryable): Promise<Map<string, number>> {
  const keys = await objectKeys(q);
  const sets = new Map((await q.all<Row>('SELECT libset_id, obj_ids FROM xalt_libset')).map((l) => [Number(l['libset_id']), String(l['obj_ids'])]));
  const out = new Map<string, number>();
  for (const t of await q.all<Row>('SELECT * FROM xalt_tuple_day')) {
    const set = t['libset_id'] === null ? [] : sets.get(Number(t['libset_id']))!.split(',').map((id) => keys.get(Number(id))!).sort();
    const key = JSON.stringify([Number(t['day']), t['syshost'], t['job_id'] ?? null, t['user'], t['account'] ?? null, t['app_name'], t['module_name'] ?? null, Number(t['mpi']) === 1, set, t['host'] ?? null]);
    assert.ok(!out.has(key), `one tuple row per key: ${key}`);
    assert.ok(Number(t['runs']) > 0, `tuple row with runs: ${key}`);
    out.set(key, Number(t['runs']));
  }
  return out;
}

/**
 * xalt_usage_day holds exactly the totals the runs make, and xalt_tuple_day exactly their
 * distinct tuples — on a store that keeps them (servers); SQLite's stays empty.
 */
export async function assertUsageMatchesRuns(q: Queryable): Promise<void> {
  const tuples = keepsTupleDays(q.dialect) ? await referenceTuples(q) : new Map<string, number>();
  assert.deepEqual(await storedTuples(q), tuples, 'the daily tuples are those of the runs');
  const expected = await referenceUsage(q);
  const actual = await storedUsage(q);
  assert.ok(expected.size > 0, 'there are unflagged runs');
  assert.deepEqual([...actual.keys()].sort(), [...expected.keys()].sort(), 'the same rows');
  for (const [key, sums] of expected) {
    const got = actual.get(key)!;
    sums.forEach((x, i) => assert.ok(close(got[i]!, x), `${key} sum ${i}: ${got[i]} ≠ ${x}`));
  }
}
