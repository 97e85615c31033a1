/**
 * Records that would touch another user's run, link or package (`foreign_uuid`, see
 * docs/ingest.md): file names — hence uuids — are visible to every user, so a record may
 * complete, replace or attach to what is stored only when both have the same owner
 * (`owner_user`). These lookups run inside the loader's transaction, so they see what earlier
 * chunks of the batch stored.
 */
import type { Queryable, SqlValue } from '../db/store.js';
import type { NormalRecord, Row } from './normalise.js';
import { sameOwner } from './run-pairing.js';

/** At most this many keys in one IN list. */
const CHUNK = 400;

function chunks<T>(xs: readonly T[], n = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

/**
 * Package records whose run is stored (or comes earlier in this chunk) with another owner:
 * index into `recs` → why. A package may attach only to its owner's run.
 */
export async function foreignPackages(tx: Queryable, recs: readonly NormalRecord[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  const uuids = [...new Set(recs.flatMap((r) => (r.kind === 'pkg' ? [r.row['run_uuid'] as string] : [])))];
  if (uuids.length === 0) return out;
  const stored = new Map<string, unknown>();
  for (const part of chunks(uuids)) {
    const rows = await tx.all<{ run_uuid: string; owner: string | null }>(`SELECT run_uuid, owner_user AS owner FROM xalt_run WHERE run_uuid IN (${part.map(() => '?').join(', ')})`, part);
    for (const row of rows) stored.set(row.run_uuid, row.owner);
  }
  // the owner of a run is the stored row's, else that of the first record of it earlier in
  // this chunk (the one whose row is inserted): what loading one file at a time would see
  const earlier = new Map<string, unknown>();
  recs.forEach((r, k) => {
    const uuid = r.row['run_uuid'] as string;
    if (r.kind === 'run') { if (!earlier.has(uuid)) earlier.set(uuid, r.row['owner_user']); return; }
    if (r.kind !== 'pkg') return;
    const runOwner = stored.has(uuid) ? stored.get(uuid) : earlier.get(uuid);
    if (!sameOwner(runOwner, r.row['owner_user'])) out.set(k, `package record of ${String(r.row['owner_user'])} for run ${uuid}, which belongs to ${String(runOwner)}; not attached`);
  });
  return out;
}

/**
 * Of records that found their run, link or package already stored and changed nothing: those
 * whose stored row has another owner (index into `recs` → why). The rest are duplicates.
 */
export async function foreignStored(tx: Queryable, recs: readonly NormalRecord[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  const lookups: Record<NormalRecord['kind'], [sql: string, keyOf: (r: Row) => SqlValue[]]> = {
    run: ['SELECT owner_user AS owner FROM xalt_run WHERE run_uuid = ?', (r) => [r['run_uuid']!]],
    link: ['SELECT owner_user AS owner FROM xalt_link WHERE uuid = ?', (r) => [r['uuid']!]],
    pkg: ['SELECT owner_user AS owner FROM xalt_pkg WHERE run_uuid = ? AND program = ? AND pkg_name = ?', (r) => [r['run_uuid']!, r['program']!, String(r['pkg_name']).slice(0, 255)]],
  };
  for (let k = 0; k < recs.length; k++) {
    const r = recs[k]!;
    const [sql, keyOf] = lookups[r.kind];
    const [stored] = await tx.all<{ owner: string | null }>(sql, keyOf(r.row));
    if (stored && !sameOwner(stored.owner, r.row['owner_user'])) {
      const what = r.kind === 'run' ? `run ${String(r.row['run_uuid'])}` : r.kind === 'link' ? `link ${String(r.row['uuid'])}` : `package ${String(r.row['pkg_name'])} of run ${String(r.row['run_uuid'])}`;
      out.set(k, `record of ${String(r.row['owner_user'])} for ${what}, which belongs to ${stored.owner}; the stored one is kept`);
    }
  }
  return out;
}
