/** `xalt who-uses`: one row per user of a library, module, Python package or executable. */
import { openReadStore } from '../../db/read-store.js';
import { renderDocument } from '../../document/render-document.js';
import { ExitCode } from '../../errors.js';
import { describeTarget, whoUses, whoUsesDocument, whoUsesQuery } from '../../query/who-uses.js';
import { chooseFormat } from '../choose-format.js';
import { flag, stringOption, type CommandArgs } from '../command-args.js';

export async function run(args: CommandArgs): Promise<number> {
  const format = chooseFormat(args.values, ['table', 'csv', 'tsv', 'json', 'ndjson', 'md']);
  const query = whoUsesQuery(args.values, Date.now() / 1000);
  const store = await openReadStore(stringOption(args, 'db'), stringOption(args, 'config'));
  let users;
  try {
    users = await whoUses(store, query);
  } finally {
    await store.close();
  }
  const doc = whoUsesDocument(query, users);
  if (users.length === 0) {
    if (!flag(args, 'quiet')) args.stderr.write(`xalt: no runs of ${describeTarget(query.target)} in the period\n`);
    if (format === 'json') args.stdout.write(renderDocument(doc, 'json'));
    return ExitCode.notFound;
  }
  const noHeader = flag(args, 'noheader');
  args.stdout.write(renderDocument(doc, format, { noHeader }));
  return ExitCode.ok;
}
