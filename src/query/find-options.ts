/** Turn `xalt find`'s parsed options into a filter and a limit (pure, for testing). */
import { UserError } from '../errors.js';
import { FIND_OUTCOMES, type FindFilter, type FindOutcome } from './find-filter.js';
import { commaList, selectionOptions } from './run-selection.js';
import { parsePeriod } from './time-bound.js';

export const DEFAULT_FIND_LIMIT = 50;

export interface FindOptions {
  readonly filter: FindFilter;
  /** at most this many runs; null: every match (`--all`) */
  readonly limit: number | null;
}

function limitOf(text: string | undefined, all: boolean): number | null {
  if (all) {
    if (text !== undefined) throw new UserError('XALT_USAGE', `--all and --limit ${text} contradict each other; give one`, 'drop --limit to list every matching run');
    return null;
  }
  const limit = text === undefined ? DEFAULT_FIND_LIMIT : Number(text);
  if (!Number.isInteger(limit) || limit < 1) throw new UserError('XALT_USAGE', `--limit ${JSON.stringify(text)}: expected a whole number ≥ 1`, 'for example --limit 200, or --all');
  return limit;
}

function outcomesOf(text: string): FindOutcome[] {
  const list = commaList(text, '--outcome');
  const bad = list.find((o) => !(FIND_OUTCOMES as readonly string[]).includes(o));
  if (bad !== undefined) throw new UserError('XALT_USAGE', `--outcome ${JSON.stringify(bad)}: not one of ${FIND_OUTCOMES.join(', ')}`, 'for example --outcome signal,job_end');
  return list as FindOutcome[];
}

/** Parse `values` (strings/booleans from the command line); `now` in epoch seconds. */
export function findOptions(values: Readonly<Record<string, unknown>>, now: number): FindOptions {
  const s = (k: string): string | undefined => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  const limit = limitOf(s('limit'), values['all'] === true);
  const uuid = s('uuid');
  if (uuid !== undefined && !/^[0-9a-fA-F-]{1,36}$/.test(uuid)) throw new UserError('XALT_USAGE', `--uuid ${JSON.stringify(uuid)}: not a uuid or a prefix of one (hex digits and -)`, 'copy the uuid from a record file name or an earlier xalt find');
  if (s('queue') !== undefined && s('partition') !== undefined) throw new UserError('XALT_USAGE', '--queue and --partition name the same thing; give one', 'for example --partition gpu');
  const queue = s('queue') ?? s('partition');
  const period = parsePeriod(s('since'), s('until'), now);
  const job = s('job');
  const outcome = s('outcome');
  const filter: FindFilter = {
    ...period,
    ...selectionOptions(values),
    ...(job !== undefined ? { job: commaList(job, '--job') } : {}),
    ...Object.fromEntries(['package', 'host', 'syshost', 'library'].filter((k) => s(k) !== undefined).map((k) => [k, s(k)])),
    ...(queue !== undefined ? { queue: commaList(queue, s('queue') !== undefined ? '--queue' : '--partition') } : {}),
    ...(outcome !== undefined ? { outcome: outcomesOf(outcome) } : {}),
    ...(uuid !== undefined ? { uuid } : {}),
    ...(values['failed'] === true ? { failed: true } : {}),
    ...(values['include-flagged'] === true ? { includeFlagged: true } : {}),
  };
  return { filter, limit };
}

/** A short description of the filter for "no runs matched …" messages. */
export function describeFilter(f: FindFilter): string {
  const option = (k: string) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  const parts = Object.entries(f)
    .filter(([k, v]) => v !== undefined && k !== 'since' && k !== 'until' && k !== 'libraryObjects')
    .map(([k, v]) => (v === true ? option(k) : `${option(k)} ${Array.isArray(v) ? v.join(',') : String(v)}`));
  if (f.since !== undefined) parts.push(`since ${new Date(f.since * 1000).toISOString()}`);
  if (f.until !== undefined) parts.push(`until ${new Date(f.until * 1000).toISOString()}`);
  return parts.length ? parts.join(' ') : 'no filter';
}
