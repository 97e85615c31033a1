/**
 * Parse the time bounds `--since`/`--until` accept: dates, datetimes and relative forms.
 * Times without a zone are UTC, like every time xalt prints, so a report means the same
 * thing wherever it is run.
 */
import { UserError } from '../errors.js';

const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86400, w: 7 * 86400 };

/**
 * Epoch seconds for `text`, relative forms counted back from `now` (epoch seconds).
 * @example parseTimeBound('7d', now) === now - 7 * 86400
 * @example parseTimeBound('2026-11-01', now) === Date.UTC(2026, 10, 1) / 1000
 */
export function parseTimeBound(text: string, now: number, option = '--since'): number {
  const s = text.trim();
  const rel = /^(\d+(?:\.\d+)?)\s*([smhdw])$/i.exec(s);
  if (rel) return now - Number(rel[1]) * UNIT_SECONDS[rel[2]!.toLowerCase()]!;
  if (s === 'now') return now;
  if (s === 'today') return Math.floor(now / 86400) * 86400;
  if (s === 'yesterday') return Math.floor(now / 86400) * 86400 - 86400;
  if (/^\d{10}(\.\d+)?$/.test(s)) return Number(s); // epoch seconds, as in record files
  let iso: string | undefined;
  if (/^\d{4}-\d\d$/.test(s)) iso = `${s}-01T00:00:00Z`;
  else if (/^\d{4}-\d\d-\d\d$/.test(s)) iso = `${s}T00:00:00Z`;
  else if (/^\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)?$/i.test(s)) {
    iso = s.replace(' ', 'T');
    if (!/(Z|[+-]\d\d:?\d\d)$/i.test(iso)) iso += 'Z';
  }
  const ms = iso ? Date.parse(iso) : NaN;
  if (!Number.isFinite(ms)) {
    throw new UserError('XALT_BAD_TIME', `${option} ${JSON.stringify(text)}: not a date (YYYY-MM-DD), a datetime (YYYY-MM-DDTHH:MM[:SS][Z|±HH:MM]) or a relative time (30m, 12h, 7d, 2w)`, `for example ${option} 7d or ${option} 2026-11-01`);
  }
  return ms / 1000;
}

/** A half-open period [since, until) in epoch seconds; either end may be open. */
export interface Period {
  readonly since?: number;
  readonly until?: number;
}

/** Parse both bounds; `defaultSince` applies when --since is absent. Rejects since ≥ until. */
export function parsePeriod(since: string | undefined, until: string | undefined, now: number, defaultSince?: number): Period {
  const s = since !== undefined ? parseTimeBound(since, now, '--since') : defaultSince;
  const u = until !== undefined ? parseTimeBound(until, now, '--until') : undefined;
  if (s !== undefined && u !== undefined && s >= u) {
    throw new UserError('XALT_BAD_TIME', `--since ${since ?? ''} is not before --until ${until ?? ''}: the period is empty`, 'swap the two bounds');
  }
  return { ...(s !== undefined ? { since: s } : {}), ...(u !== undefined ? { until: u } : {}) };
}
