/** Turn `xalt report`'s parsed options into a report spec (pure, for testing). */
import { UserError } from '../errors.js';
import { isSelective, selectionOptions } from '../query/run-selection.js';
import { parsePeriod } from '../query/time-bound.js';
import { DEFAULT_PERIOD_DAYS, DEFAULT_TOP, REPORT_KINDS, isReportKind, type ReportSpec } from './report-spec.js';

/** `values` are the parsed options, `positionals` the words after `report`; `now` in epoch seconds. */
export function reportSpec(values: Readonly<Record<string, unknown>>, positionals: readonly string[], now: number): ReportSpec {
  const kind = positionals[0];
  if (kind === undefined) throw new UserError('XALT_USAGE', `xalt report: which report? one of ${REPORT_KINDS.join(', ')}`, 'for example: xalt report overview --since 30d');
  if (!isReportKind(kind)) throw new UserError('XALT_USAGE', `xalt report: unknown report "${kind}"; one of ${REPORT_KINDS.join(', ')}`, 'run "xalt report --help"');
  if (positionals.length > 1) throw new UserError('XALT_USAGE', `xalt report: one report at a time (got ${positionals.join(' ')})`, `run "xalt report ${kind}"`);
  const s = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  const topText = s('top');
  const top = topText === undefined ? DEFAULT_TOP : Number(topText);
  if (!Number.isInteger(top) || top < 1) throw new UserError('XALT_USAGE', `--top ${JSON.stringify(topText)}: expected a whole number ≥ 1`, 'for example --top 20');
  const period = parsePeriod(s('since'), s('until'), now, undefined);
  const until = period.until ?? now;
  const since = period.since ?? until - DEFAULT_PERIOD_DAYS * 86400;
  if (since >= until) throw new UserError('XALT_BAD_TIME', `--since is not before the end of the period (${new Date(until * 1000).toISOString()})`, 'give --until as well, or an earlier --since');
  const syshost = s('syshost');
  const selection = selectionOptions(values);
  return {
    ...(isSelective(selection) ? { selection } : {}),
    kind, since, until, top, weighted: values['unweighted'] !== true,
    ...(values['include-flagged'] === true ? { includeFlagged: true } : {}), ...(syshost !== undefined ? { syshost } : {}),
  };
}
