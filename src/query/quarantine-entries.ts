/**
 * `xalt quarantine`: what ingest set aside (xalt_quarantine), newest first — which file, the
 * stable reason code, the detail, when, and where ingest kept a copy of the bytes. Records
 * loaded but flagged (owner_mismatch) are noted here too, with "loaded and flagged" in their
 * detail. Pure: SQL through the store interface only.
 */
import type { Queryable, SqlValue } from '../db/store.js';
import type { Period } from './time-bound.js';

export interface QuarantineEntry {
  readonly id: number;
  /** the file, relative to the spool it was ingested from */
  readonly path: string;
  /** stable code: not_json, truncated, bad_value, owner_mismatch, … */
  readonly reason: string;
  readonly detail: string | null;
  /** where ingest kept a copy of the bytes (null: none; the original stays in the spool) */
  readonly stored_as: string | null;
  /** epoch seconds */
  readonly quarantined_at: number;
}

interface QuarantineFilter extends Period {
  readonly reason?: string;
}

type Row = Record<string, unknown>;

function toEntry(r: Row): QuarantineEntry {
  return {
    id: Number(r['q_id']), path: String(r['path']), reason: String(r['reason']), detail: r['detail'] === null || r['detail'] === undefined ? null : String(r['detail']),
    stored_as: r['stored_as'] === null || r['stored_as'] === undefined ? null : String(r['stored_as']), quarantined_at: Number(r['quarantined_at']),
  };
}

const COLUMNS = 'q_id, path, reason, detail, stored_as, quarantined_at';

/** The entries matching `f`, newest first, at most `limit`; `total` counts every match. */
export async function listQuarantine(q: Queryable, f: QuarantineFilter, limit: number): Promise<{ entries: QuarantineEntry[]; total: number }> {
  const parts: string[] = [];
  const params: SqlValue[] = [];
  if (f.reason !== undefined) { parts.push('reason = ?'); params.push(f.reason); }
  if (f.since !== undefined) { parts.push('quarantined_at >= ?'); params.push(f.since); }
  if (f.until !== undefined) { parts.push('quarantined_at < ?'); params.push(f.until); }
  const where = parts.length ? `WHERE ${parts.join(' AND ')}` : '';
  const rows = await q.all<Row>(`SELECT ${COLUMNS} FROM xalt_quarantine ${where} ORDER BY quarantined_at DESC, q_id DESC LIMIT ?`, [...params, limit]);
  const [count] = await q.all<{ n: unknown }>(`SELECT COUNT(*) AS n FROM xalt_quarantine ${where}`, params);
  return { entries: rows.map(toEntry), total: Number(count?.n ?? 0) };
}

/** One entry by id, or undefined. */
export async function quarantineEntry(q: Queryable, id: number): Promise<QuarantineEntry | undefined> {
  const [row] = await q.all<Row>(`SELECT ${COLUMNS} FROM xalt_quarantine WHERE q_id = ?`, [id]);
  return row ? toEntry(row) : undefined;
}

/** Per reason, how many entries (all time): the summary line of `xalt quarantine list`. */
export async function quarantineReasons(q: Queryable): Promise<{ reason: string; count: number }[]> {
  const rows = await q.all<{ reason: string; n: unknown }>('SELECT reason, COUNT(*) AS n FROM xalt_quarantine GROUP BY reason ORDER BY n DESC, reason');
  return rows.map((r) => ({ reason: String(r.reason), count: Number(r.n) }));
}
