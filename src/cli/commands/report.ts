/** `xalt report KIND`: usage reports over a period, in every tabular format and as an HTML page. */
import { writeFileSync } from 'node:fs';
import { buildReport } from '../../report/build-report.js';
import { reportSpec } from '../../report/report-options.js';
import { openReadStore } from '../../db/read-store.js';
import { flag, stringOption, type CommandArgs } from '../command-args.js';
import { ExitCode, RuntimeError } from '../../errors.js';
import { chooseFormat } from '../choose-format.js';
import { renderDocument } from '../../document/render-document.js';

export async function run(args: CommandArgs): Promise<number> {
  const now = Date.now() / 1000;
  const format = chooseFormat(args.values);
  const spec = reportSpec(args.values, args.positionals, now);
  const store = await openReadStore(stringOption(args, 'db'), stringOption(args, 'config'));
  let text: string;
  try {
    text = renderDocument(await buildReport(store, { ...spec, source: store.location }, now), format);
  } finally {
    await store.close();
  }
  const output = stringOption(args, 'output');
  if (output === undefined) {
    args.stdout.write(text);
    return ExitCode.ok;
  }
  try {
    writeFileSync(output, text);
  } catch (err) {
    throw new RuntimeError('XALT_OUTPUT_UNWRITABLE', `--output ${output}: ${(err as Error).message}`, 'choose a writable path');
  }
  if (!flag(args, 'quiet')) args.stderr.write(`xalt: wrote ${spec.kind} report to ${output}\n`);
  return ExitCode.ok;
}
