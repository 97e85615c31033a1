/** Resolve `--format`, `--json` and `--csv` into one format, with a usage error for bad values. */
import { UserError } from '../errors.js';
import { FORMATS, type Format } from '../document/document.js';

/** `allowed` narrows the list for commands that cannot produce every format. */
export function chooseFormat(values: Readonly<Record<string, unknown>>, allowed: readonly Format[] = FORMATS): Format {
  const given = typeof values['format'] === 'string' ? values['format'] : undefined;
  const alias: Record<string, Format> = { text: 'table', markdown: 'md', jsonl: 'ndjson' };
  const f = values['json'] === true ? 'json' : values['csv'] === true ? 'csv' : given ? (alias[given] ?? given) : 'table';
  if (!(allowed as readonly string[]).includes(f)) {
    throw new UserError('XALT_USAGE', `--format ${given}: not one of ${allowed.join(', ')}`, 'choose one of the listed formats');
  }
  return f as Format;
}
