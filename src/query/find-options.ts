/** Turn `xalt find`'s parsed options into a filter and a limit (pure, for testing). */
import { UserError } from '../errors.js';
import type { FindFilter } from './find-filter.js';
import { parsePeriod } from './time-bound.js';

export const DEFAULT_FIND_LIMIT = 50;

export interface FindOptions {
  readonly filter: FindFilter;
  readonly limit: number;
}

/** Parse `values` (strings/booleans from the command line); `now` in epoch seconds. */
export function findOptions(values: Readonly<Record<string, unknown>>, now: number): FindOptions {
  const s = (k: string): string | undefined => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  const limitText = s('limit');
  const limit = limitText === undefined ? DEFAULT_FIND_LIMIT : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1) throw new UserError('XALT_USAGE', `--limit ${JSON.stringify(limitText)}: expected a whole number ≥ 1`, 'for example --limit 200');
  const uuid = s('uuid');
  if (uuid !== undefined && !/^[0-9a-fA-F-]{1,36}$/.test(uuid)) throw new UserError('XALT_USAGE', `--uuid ${JSON.stringify(uuid)}: not a uuid or a prefix of one (hex digits and -)`, 'copy the uuid from a record file name or an earlier xalt find');
  const period = parsePeriod(s('since'), s('until'), now);
  const filter: FindFilter = {
    ...period,
    ...Object.fromEntries(['user', 'job', 'exec', 'module', 'package', 'host', 'syshost'].filter((k) => s(k) !== undefined).map((k) => [k, s(k)])),
    ...(uuid !== undefined ? { uuid } : {}),
    ...(values['failed'] === true ? { failed: true } : {}),
    ...(values['include-flagged'] === true ? { includeFlagged: true } : {}),
  };
  return { filter, limit };
}

/** A short description of the filter for "no runs matched …" messages. */
export function describeFilter(f: FindFilter): string {
  const option = (k: string) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  const parts = Object.entries(f).filter(([k, v]) => v !== undefined && k !== 'since' && k !== 'until').map(([k, v]) => (v === true ? option(k) : `${option(k)} ${String(v)}`));
  if (f.since !== undefined) parts.push(`since ${new Date(f.since * 1000).toISOString()}`);
  if (f.until !== undefined) parts.push(`until ${new Date(f.until * 1000).toISOString()}`);
  return parts.length ? parts.join(' ') : 'no filter';
}
