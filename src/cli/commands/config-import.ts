/**
 * `xalt config import SITE_CONFIG.py [-o FILE]`: evaluate an XALT site config with python3,
 * convert it to xalt.toml (stdout or FILE), and warn rule by rule where the meaning changes.
 * The result is validated before it is written.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CommandArgs } from '../command-args.js';
import { flag, stringOption } from '../command-args.js';
import { ExitCode, RuntimeError, UserError } from '../../errors.js';
import { evaluateXaltConfig } from '../../config/read-xalt-config.js';
import { importXaltConfig } from '../../config/import-xalt-config.js';
import { parseSiteConfig } from '../../config/parse-site-config.js';

export async function run(args: CommandArgs): Promise<number> {
  const [file, ...extra] = args.positionals;
  if (file === undefined || extra.length > 0) throw new UserError('XALT_USAGE', 'xalt config import needs exactly one SITE_CONFIG.py', 'e.g. "xalt config import Config/TACC_config.py -o xalt.toml"');
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (err) {
    throw new RuntimeError('XALT_IMPORT_FAILED', `${file}: cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const values = evaluateXaltConfig(resolve(file));
  const result = importXaltConfig(values, source, file);
  const output = stringOption(args, 'output');
  const check = parseSiteConfig(result.toml, output ?? '<converted>');
  if (check.errors.length > 0) throw new RuntimeError('XALT_IMPORT_FAILED', `the converted config does not validate:\n${check.errors.join('\n')}`, 'please report this with the config.py you imported');
  if (!flag(args, 'quiet')) {
    for (const w of result.warnings) args.stderr.write(`xalt: warning: ${file}:${w.line || 1}: ${w.where}: ${w.message}\n`);
    // the converted file's own findings (a KEEP that would keep secrets), minus the globs already reported
    for (const w of check.warnings.filter((x) => !/looks like a shell glob/.test(x))) args.stderr.write(`xalt: warning: ${w}\n`);
  }
  if (output) {
    writeFileSync(output, result.toml);
    if (!flag(args, 'quiet')) args.stderr.write(`wrote ${output} (${result.warnings.length} warning${result.warnings.length === 1 ? '' : 's'}); next: xalt config check ${output}\n`);
  } else {
    args.stdout.write(result.toml);
  }
  return ExitCode.ok;
}
