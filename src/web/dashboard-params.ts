/**
 * The dashboard's URL vocabulary: query parameters are the CLI's options (`since`, `until`,
 * `syshost`, `top`, `unweighted`, `include-flagged`, `format`; find's filters), so a dashboard
 * URL and a command line say the same thing.
 */
import { findOptions, type FindOptions } from '../query/find-options.js';
import { reportSpec } from '../report/report-options.js';
import type { ReportSpec } from '../report/report-spec.js';

const REPORT_KEYS = ['since', 'until', 'syshost', 'top'] as const;
const FIND_KEYS = ['user', 'job', 'uuid', 'exec', 'module', 'package', 'host', 'syshost', 'since', 'until', 'limit'] as const;

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

/** The report-scoping parameters of `q`, to carry over in navigation links. */
export function carriedQuery(q: URLSearchParams): string {
  const keep = new URLSearchParams();
  for (const k of [...REPORT_KEYS, 'unweighted', 'include-flagged']) {
    const v = q.get(k);
    if (v) keep.set(k, v);
  }
  const s = keep.toString();
  return s ? `?${s}` : '';
}
