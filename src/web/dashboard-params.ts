/**
 * The dashboard's URL vocabulary: query parameters are the CLI's options (`since`, `until`,
 * `syshost`, `top`, `unweighted`, `include-flagged`, `format`; find's filters), so a dashboard
 * URL and a command line say the same thing. A few belong to the dashboard alone: `compare`
 * (a report beside the previous period), `page` and `view` (find's pages, and its users).
 */
import { UserError } from '../errors.js';
import { findOptions, type FindOptions } from '../query/find-options.js';
import { reportSpec } from '../report/report-options.js';
import type { ReportSpec } from '../report/report-spec.js';

const REPORT_KEYS = ['since', 'until', 'syshost', 'top'] as const;
const FIND_KEYS = ['user', 'account', 'job', 'uuid', 'exec', 'module', 'package', 'library', 'queue', 'outcome', 'host', 'syshost', 'since', 'until', 'limit'] as const;

function pick(q: URLSearchParams, keys: readonly string[]): Record<string, string | boolean> {
  const out: Record<string, string | boolean> = {};
  for (const k of keys) {
    const v = q.get(k);
    if (v !== null && v !== '') out[k] = v;
  }
  return out;
}

/** A report spec from `/report/<kind>?…`. Throws UserError on bad values (→ 400). */
export function reportSpecFromQuery(kind: string, q: URLSearchParams, now: number): ReportSpec {
  const values = { ...pick(q, REPORT_KEYS), ...(q.get('unweighted') ? { unweighted: true } : {}), ...(q.get('include-flagged') ? { 'include-flagged': true } : {}) };
  return reportSpec(values, [kind], now);
}

/** Find options from `/find?…`. */
export function findOptionsFromQuery(q: URLSearchParams, now: number): FindOptions {
  return findOptions({ ...pick(q, FIND_KEYS), ...(q.get('failed') ? { failed: true } : {}), ...(q.get('include-flagged') ? { 'include-flagged': true } : {}) }, now);
}

/** The page of a find (`page=N`, from 1) as rows to skip, given the rows per page (null: one page of all). */
export function findOffset(q: URLSearchParams, limit: number | null): number {
  const text = q.get('page');
  if (text === null || text === '' || limit === null) return 0;
  const page = Number(text);
  if (!Number.isInteger(page) || page < 1) throw new UserError('XALT_USAGE', `page ${JSON.stringify(text)}: expected a whole number ≥ 1`, 'pages count from 1');
  return (page - 1) * limit;
}

/** Whether the find page lists the runs or their users (`view=users`). */
export function findView(q: URLSearchParams): 'runs' | 'users' {
  const v = q.get('view') ?? 'runs';
  if (v !== 'runs' && v !== 'users' && v !== '') throw new UserError('XALT_USAGE', `view ${JSON.stringify(v)}: expected runs or users`);
  return v === 'users' ? 'users' : 'runs';
}

const DAY = 86400;
/** How much data the dashboard opens on when the URL names no period. */
const OPENING_DAYS = 30;

/**
 * The period a report opens on when the URL names none: the last 30 days that hold data, in
 * whole UTC days, ending with the day of the store's last run (not today: a store loaded from
 * an archive would show empty charts).
 */
export function openingPeriod(lastRun: number): { since: string; until: string } {
  const until = (Math.floor(lastRun / DAY) + 1) * DAY;
  const day = (t: number) => new Date(t * 1000).toISOString().slice(0, 10);
  return { since: day(until - OPENING_DAYS * DAY), until: day(until) };
}

/** The report-scoping parameters of `q`, to carry over in navigation links. */
export function carriedQuery(q: URLSearchParams): string {
  const keep = new URLSearchParams();
  for (const k of [...REPORT_KEYS, 'unweighted', 'include-flagged', 'compare']) {
    const v = q.get(k);
    if (v) keep.set(k, v);
  }
  const s = keep.toString();
  return s ? `?${s}` : '';
}
