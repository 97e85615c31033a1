/**
 * A run's start and end records nearly always land in the same batch (same directory, adjacent
 * names). Loaded one after the other they cost an INSERT, a failed INSERT, an UPDATE and a
 * SELECT of the run id; combined beforehand they cost one INSERT (pure: no IO).
 *
 * The combined row is exactly what loading the two in batch order leaves behind: the first
 * record's row, completed the way the second one's merge completes it (`END_COLUMNS` are the
 * columns an end's merge sets; a start's merge only sets has_start), with the first record's
 * environment and the libraries both bring.
 */
import type { NormalRecord, NormalRun, ObjectRef, Row } from './normalise.js';
import { mergeFlags } from '../db/run-flags.js';

/** Columns an end record sets when it completes an existing run (besides has_end and the flags). */
export const END_COLUMNS = ['end_time', 'run_time', 'num_gpus', 'num_threads', 'exit_status', 'exit_signal', 'end_reason', 'job_state'] as const;

/**
 * Owners are equal, or one is not known ('' : root vouched for a record naming no one; NULL: a
 * row stored before owners were kept).
 */
export function sameOwner(a: unknown, b: unknown): boolean {
  return a === b || a === '' || b === '' || a === null || b === null || a === undefined || b === undefined;
}

/**
 * Pairs to combine: index of the first start or end of a run → index of the first record of
 * the other kind for the same run, when both have the same owner. Later copies are left alone
 * (they are duplicates or another owner's, and stay in their place so the order among records
 * of one kind is kept).
 */
export function pairRuns(records: readonly NormalRecord[]): Map<number, number> {
  const firstStart = new Map<string, number>();
  const firstEnd = new Map<string, number>();
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    if (r.kind !== 'run') continue;
    const first = r.isStart ? firstStart : firstEnd;
    const uuid = r.row['run_uuid'] as string;
    if (!first.has(uuid)) first.set(uuid, i);
  }
  const pairs = new Map<number, number>();
  for (const [uuid, s] of firstStart) {
    const e = firstEnd.get(uuid);
    if (e !== undefined && sameOwner(records[s]!.row['owner_user'], records[e]!.row['owner_user'])) pairs.set(Math.min(s, e), Math.max(s, e));
  }
  return pairs;
}

function union(a: readonly ObjectRef[], b: readonly ObjectRef[]): ObjectRef[] {
  const keys = new Set(a.map((o) => o.object_key));
  return [...a, ...b.filter((o) => !keys.has(o.object_key))];
}

/** The run `lead` then `partner` (the other kind, same run) leave when loaded in that order. */
export function combineRuns(lead: NormalRun, partner: NormalRun): NormalRun {
  const row: Row = { ...lead.row };
  row['owner_mismatch'] = lead.row['owner_mismatch'] === 1 || partner.row['owner_mismatch'] === 1 ? 1 : 0;
  row['flags'] = mergeFlags(lead.row['flags'] as string, partner.row['flags'] as string);
  row['flagged'] = row['flags'] === '' ? 0 : 1;
  if (lead.isStart) {
    for (const c of END_COLUMNS) row[c] = partner.row[c] ?? null;
    row['has_end'] = 1;
    return { kind: 'run', isStart: true, row, objects: union(lead.objects, partner.objects), env: lead.env };
  }
  row['has_start'] = 1;
  return { kind: 'run', isStart: false, row, objects: lead.objects, env: lead.env };
}
