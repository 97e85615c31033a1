/**
 * Who ran what a find matches: one row per user of the matching runs, with their runs, jobs,
 * core-hours, failed runs and first and last use. The dashboard's "users" view of an
 * executable or a module; every filter of `xalt find` narrows it the same way.
 *
 * Counts are of runs as recorded (like `find`, no weighting by sampling probability).
 */
import { failedSql } from '../db/run-outcome.js';
import type { Queryable } from '../db/store.js';
import type { Document, Row } from '../document/document.js';
import { findWhere, type FindFilter } from './find-filter.js';

const KNOWN_JOB = `CASE WHEN r.job_id IS NOT NULL AND r.job_id NOT IN ('', 'unknown') THEN r.job_id END`;

/** Users of the runs matching `filter`, most runs first, at most `limit` (and whether more exist). */
export async function findUsers(q: Queryable, filter: FindFilter, limit: number): Promise<{ rows: Row[]; truncated: boolean }> {
  const where = findWhere(filter);
  const raw = await q.all<Record<string, unknown>>(
    `SELECT r.user AS user, COUNT(*) AS runs, COUNT(DISTINCT ${KNOWN_JOB}) AS jobs, SUM(r.run_time * r.num_cores) / 3600e0 AS core_hours,`
    + ` SUM(CASE WHEN ${failedSql('r')} THEN 1 ELSE 0 END) AS failed, MIN(r.start_time) AS first_use, MAX(r.start_time) AS last_use`
    + ` FROM xalt_run r WHERE ${where.sql} GROUP BY r.user ORDER BY runs DESC, r.user LIMIT ?`, [...where.params, limit + 1]);
  const rows = raw.slice(0, limit).map((r): Row => ({
    user: String(r['user']), runs: Number(r['runs']), jobs: Number(r['jobs']), core_hours: Number(r['core_hours'] ?? 0),
    failed: Number(r['failed'] ?? 0), first_use: Number(r['first_use']), last_use: Number(r['last_use']),
  }));
  return { rows, truncated: raw.length > limit };
}

/** The users as a document, for the HTML page and the machine formats. */
export function findUsersDocument(rows: readonly Row[], title: string): Document {
  return {
    title, meta: [],
    tables: [{
      id: 'users', title: 'Users of the matching runs',
      columns: [
        { key: 'user', header: 'User', format: 'text' }, { key: 'runs', header: '# Runs', format: 'int' }, { key: 'jobs', header: '# Jobs', format: 'int' },
        { key: 'core_hours', header: 'CoreHrs', format: 'hours' }, { key: 'failed', header: '# Failed', format: 'int' },
        { key: 'first_use', header: 'First use', format: 'datetime' }, { key: 'last_use', header: 'Last use', format: 'datetime' },
      ],
      rows,
    }],
  };
}
