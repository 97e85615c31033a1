/**
 * `xalt extract BINARY`: print the watermark the ld wrapper embedded (XALT's or ours) and the
 * binary's build-id. Exit 0 with a watermark, 3 when the binary has none.
 */
import { statSync } from 'node:fs';
import { flag, type CommandArgs } from '../command-args.js';
import { ExitCode, RuntimeError, UserError } from '../../errors.js';
import { NotElfError } from '../../link/elf-notes.js';
import { readWatermark } from '../../link/read-watermark.js';

const SCHEMA_VERSION = 1;

function read(path: string) {
  let isFile = false;
  try {
    isFile = statSync(path).isFile();
  } catch (e) {
    throw new RuntimeError('XALT_EXTRACT_UNREADABLE', `${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  if (!isFile) throw new UserError('XALT_EXTRACT_NOT_ELF', `${path}: not a regular file`, 'give the path of an executable or shared library');
  try {
    return readWatermark(path);
  } catch (e) {
    if (e instanceof NotElfError) throw new UserError('XALT_EXTRACT_NOT_ELF', `${path}: ${e.message}`, 'give the path of an executable or shared library');
    throw new RuntimeError('XALT_EXTRACT_UNREADABLE', `${path}: ${(e as Error).message}`);
  }
}

export async function run(args: CommandArgs): Promise<number> {
  const [path, ...extra] = args.positionals;
  if (!path || extra.length) throw new UserError('XALT_USAGE', 'xalt extract: expected exactly one BINARY', 'run "xalt extract --help"');
  const facts = read(path);
  if (flag(args, 'json')) {
    const out = { schema_version: SCHEMA_VERSION, file: path, watermark: facts.watermark ?? null, watermark_source: facts.watermarkSource ?? null, build_id: facts.buildId ?? null };
    args.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } else {
    const rows: [string, string][] = Object.entries(facts.watermark ?? {}).sort(([a], [b]) => a.localeCompare(b));
    rows.push(['build-id', facts.buildId ?? '']);
    const width = Math.max(...rows.map(([k]) => k.length));
    args.stdout.write(`${'key'.padEnd(width)}  value\n`);
    for (const [k, v] of rows) args.stdout.write(`${k.padEnd(width)}  ${v}\n`);
  }
  if (!facts.watermark) {
    if (!flag(args, 'quiet')) args.stderr.write(`xalt: ${path}: no xalt watermark (linked without the wrapper)\n`);
    return ExitCode.notFound;
  }
  return ExitCode.ok;
}
