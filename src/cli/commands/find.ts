/**
 * `xalt find`: runs by user, job, uuid, executable, module, package, host or date, with how
 * they ended, what they loaded, how they were built and what they imported. Reads the store,
 * or with `--spool` a record tree directly.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import type { SpoolFs } from '../../query/find-in-spool.js';
import { findInStore, type FindResult } from '../../query/find-in-store.js';
import { describeFilter, findOptions, type FindOptions } from '../../query/find-options.js';
import { openReadStore } from '../../db/read-store.js';
import { flag, stringOption, type CommandArgs } from '../command-args.js';
import { ExitCode, RuntimeError, UserError } from '../../errors.js';
import { chooseFormat } from '../choose-format.js';
import { findFields, renderRunsDocument, renderRunsJson, renderRunsText } from '../../query/found-runs-document.js';
import type { Format } from '../../document/document.js';

/** No record is anywhere near this; a bigger file is damage or abuse, and is skipped with a warning. */
const MAX_RECORD_BYTES = 16 * 1024 * 1024;

const nodeSpoolFs: SpoolFs = {
  list: (dir) => readdirSync(dir, { withFileTypes: true }).map((d) => ({ name: d.name, dir: d.isDirectory() })),
  read: (path) => {
    const size = statSync(path).size;
    if (size > MAX_RECORD_BYTES) throw new Error(`${size} bytes, larger than any record (limit ${MAX_RECORD_BYTES})`);
    return readFileSync(path, 'utf8');
  },
};

async function search(args: CommandArgs, opts: FindOptions): Promise<FindResult & { warnings: readonly string[] }> {
  const spool = stringOption(args, 'spool');
  if (spool !== undefined && stringOption(args, 'db') !== undefined) {
    throw new UserError('XALT_USAGE', 'xalt find: --spool and --db name two different sources; give one', 'drop --db to search the record tree, or --spool to search the store');
  }
  if (spool !== undefined) {
    // the record schema, ingest's normalisation and the site's naming rules: only for --spool
    const { findInSpool } = await import('../../query/find-in-spool.js');
    const { loadIngestSettings } = await import('../../ingest/ingest-settings.js');
    const { CompiledRules } = await import('../../ingest/ingest-rules.js');
    const naming = new CompiledRules(await loadIngestSettings(stringOption(args, 'config')));
    try {
      return findInSpool(nodeSpoolFs, spool, opts.filter, opts.limit, naming);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES') {
        throw new RuntimeError('XALT_SPOOL_UNREADABLE', `spool ${spool}: ${code === 'EACCES' ? 'permission denied' : 'no such directory'}`, 'check the --spool path (the spool prefix in xalt.toml)');
      }
      throw err;
    }
  }
  const store = await openReadStore(stringOption(args, 'db'), stringOption(args, 'config'));
  try {
    return { ...(await findInStore(store, opts.filter, opts.limit)), warnings: [] };
  } finally {
    await store.close();
  }
}

/** What to print: blocks per run, a flat table of some columns, or a machine format. */
/** The runs in the asked format; renderers other than the text and JSON ones load only when asked. */
async function renderRuns(args: CommandArgs, format: Format, result: FindResult): Promise<string> {
  const fieldsText = stringOption(args, 'fields');
  const columns = fieldsText === undefined ? undefined : findFields(fieldsText);
  const noHeader = flag(args, 'noheader');
  if (flag(args, 'parsable')) {
    const { renderDelimited } = await import('../../document/delimited.js');
    return renderDelimited(renderRunsDocument(result.runs, columns), 'pipe', { noHeader });
  }
  if (format === 'table' && columns === undefined) return renderRunsText(result.runs, flag(args, 'verbose'));
  if (format === 'table') {
    const { renderTextTable } = await import('../../document/text-table.js');
    return renderTextTable(renderRunsDocument(result.runs, columns).tables[0]!, { noHeader });
  }
  if (format === 'json') return renderRunsJson(result.runs, result.truncated, result.flaggedLeftOut ?? 0);
  const { renderDocument } = await import('../../document/render-document.js'); // every renderer: only for csv, tsv, ndjson, md
  return renderDocument(renderRunsDocument(result.runs, columns), format, { noHeader });
}

export async function run(args: CommandArgs): Promise<number> {
  const format = chooseFormat(args.values, ['table', 'csv', 'tsv', 'json', 'ndjson', 'md']);
  if (flag(args, 'parsable') && format !== 'table') throw new UserError('XALT_USAGE', `--parsable is a format of its own; it cannot go with --format ${format}`, 'drop --parsable, or --format/--json/--csv');
  const opts = findOptions(args.values, Date.now() / 1000);
  if (stringOption(args, 'fields') !== undefined) findFields(stringOption(args, 'fields')!); // a bad field is a usage error before the search
  const result = await search(args, opts);
  const quiet = flag(args, 'quiet');
  if (!quiet) for (const w of result.warnings) args.stderr.write(`xalt: warning: ${w}\n`);
  const leftOut = result.flaggedLeftOut ?? 0;
  const noteLeftOut = () => {
    if (leftOut === 0 || quiet) return;
    args.stderr.write(`xalt: ${leftOut} flagged run${leftOut === 1 ? '' : 's'} (owner_mismatch or another integrity flag) also matched and ${leftOut === 1 ? 'is' : 'are'} not shown; --include-flagged shows ${leftOut === 1 ? 'it' : 'them'}\n`);
  };
  if (result.runs.length === 0) {
    if (!quiet) args.stderr.write(`xalt: no runs matched (${describeFilter(opts.filter)})\n`);
    noteLeftOut();
    if (format === 'json') args.stdout.write(renderRunsJson([], false, leftOut));
    return ExitCode.notFound;
  }
  args.stdout.write(await renderRuns(args, format, result));
  if (result.truncated && !quiet) {
    args.stderr.write(`xalt: showing the ${result.runs.length} most recent matching runs; more match (raise --limit, give --all, or narrow the filter)\n`);
  }
  noteLeftOut();
  return ExitCode.ok;
}
