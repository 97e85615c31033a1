/**
 * `xalt install PREFIX`: install the collector, link wrapper, Python hook, site config,
 * Lmod modulefile and spool root. Idempotent: a second run rewrites nothing that is equal.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CommandArgs } from '../command-args.js';
import { flag, stringOption } from '../command-args.js';
import { ExitCode, RuntimeError, UserError } from '../errors.js';
import { PACKAGE_ROOT, readSiteConfig } from '../../config/load-site-config.js';
import { installXalt } from '../../config/write-install.js';

export async function run(args: CommandArgs): Promise<number> {
  const [prefixArg, ...extra] = args.positionals;
  if (prefixArg === undefined || extra.length > 0) throw new UserError('XALT_USAGE', 'xalt install needs exactly one PREFIX', 'e.g. "xalt install /opt/xalt"');
  const result = readSiteConfig(stringOption(args, 'config'));
  if (!result.config) throw new UserError('XALT_CONFIG_INVALID', result.errors.join('\n'), 'run "xalt config check"');
  const spoolArg = stringOption(args, 'spool');
  const version = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  let report;
  try {
    report = installXalt(result.config, {
      prefix: resolve(prefixArg), buildDir: resolve(stringOption(args, 'build') ?? join(PACKAGE_ROOT, 'native', 'build')), configText: result.text, version,
      ...(spoolArg ? { spool: resolve(spoolArg) } : {}),
    });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new RuntimeError('XALT_INSTALL_FAILED', `install into ${prefixArg} failed: ${e.path ?? ''} ${e.code ?? e.message}`.replace(/\s+/g, ' '), 'check permissions (installing under /opt usually needs root)');
  }
  for (const w of [...result.warnings, ...report.warnings]) args.stderr.write(`xalt: warning: ${w}\n`);
  if (!flag(args, 'quiet')) {
    for (const f of report.written) args.stdout.write(`installed ${f}\n`);
    args.stdout.write(`${report.written.length} written, ${report.unchanged.length} unchanged in ${resolve(prefixArg)}\n`);
    args.stdout.write(`next: module use ${join(resolve(prefixArg), 'modulefiles')} && module load xalt\n`);
  }
  return ExitCode.ok;
}
