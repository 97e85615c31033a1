/** `xalt quarantine list`: what ingest set aside, newest first, with why and when. */
import { listQuarantine, quarantineReasons } from '../../query/quarantine-entries.js';
import { parsePeriod } from '../../query/time-bound.js';
import { flag, stringOption, type CommandArgs } from '../command-args.js';
import { ExitCode, UserError } from '../../errors.js';
import { chooseFormat } from '../choose-format.js';
import { quarantineDocument, quarantineListJson } from '../../query/quarantine-document.js';
import { renderDocument } from '../../document/render-document.js';
import { openReadStore } from '../../db/read-store.js';

const DEFAULT_LIMIT = 50;

export async function run(args: CommandArgs): Promise<number> {
  const format = chooseFormat(args.values, ['table', 'csv', 'tsv', 'json', 'ndjson', 'md']);
  const limitText = stringOption(args, 'limit');
  const limit = limitText === undefined ? DEFAULT_LIMIT : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1) throw new UserError('XALT_USAGE', `--limit ${JSON.stringify(limitText)}: expected a whole number ≥ 1`, 'for example --limit 200');
  const period = parsePeriod(stringOption(args, 'since'), stringOption(args, 'until'), Date.now() / 1000);
  const reason = stringOption(args, 'reason');
  const store = await openReadStore(stringOption(args, 'db'), stringOption(args, 'config'));
  try {
    const { entries, total } = await listQuarantine(store, { ...period, ...(reason !== undefined ? { reason } : {}) }, limit);
    if (format === 'json') args.stdout.write(quarantineListJson(entries, total));
    else if (entries.length) args.stdout.write(renderDocument(quarantineDocument(entries, format === 'table'), format));
    if (!flag(args, 'quiet')) {
      if (entries.length < total) args.stderr.write(`xalt: showing the ${entries.length} most recent of ${total} matching entries (raise --limit)\n`);
      if (format === 'table') {
        const reasons = await quarantineReasons(store);
        args.stderr.write(reasons.length ? `xalt: in all: ${reasons.map((r) => `${r.reason} ${r.count}`).join(', ')}; "xalt quarantine show ID" shows one\n` : 'xalt: the quarantine is empty\n');
      }
    }
    return entries.length ? ExitCode.ok : ExitCode.notFound;
  } finally {
    await store.close();
  }
}
