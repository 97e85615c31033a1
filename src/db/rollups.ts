/**
 * What the store derives from its runs for reports — library sets (libset.ts), daily usage
 * totals (usage-day.ts) and daily distinct tuples (tuple-day.ts) — recomputed from the stored runs. Ingest keeps both current as it
 * loads; this is for a migration that adds them, for data written around ingest (generated
 * benchmark stores, test fixtures), and to repair them.
 */
import { refreshLibsets } from './libset.js';
import type { Queryable } from './store.js';
import { rebuildTupleDays } from './tuple-day.js';
import { rebuildUsageDays } from './usage-day.js';

/** Recompute the library sets, daily totals and daily tuples of every run, or of the runs in `runIds` (and the days they started on). */
export async function rebuildRollups(q: Queryable, runIds?: readonly number[]): Promise<void> {
  await refreshLibsets(q, runIds);
  await rebuildUsageDays(q, runIds);
  await rebuildTupleDays(q, runIds);
}
