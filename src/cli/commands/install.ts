/**
 * `xalt install PREFIX`: install the collector, xalt-ship, the epilog script, link wrapper,
 * Python hook, site config, Lmod modulefile, the xalt command itself (self-contained: the
 * checkout may go afterwards), and the shared spool. Idempotent: a second run rewrites nothing
 * that is equal. Refuses a collector not built from this config (run `xalt build` first).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CommandArgs } from '../command-args.js';
import { flag, stringOption } from '../command-args.js';
import { ExitCode, RuntimeError, UserError } from '../../errors.js';
import { PACKAGE_ROOT, readSiteConfig } from '../../config/load-site-config.js';
import { installXalt, NotBuilt } from '../../install/write-install.js';

export async function run(args: CommandArgs): Promise<number> {
  const [prefixArg, ...extra] = args.positionals;
  if (prefixArg === undefined || extra.length > 0) throw new UserError('XALT_USAGE', 'xalt install needs exactly one PREFIX', 'e.g. "xalt install /opt/xalt"');
  const configArg = stringOption(args, 'config');
  const result = readSiteConfig(configArg);
  if (!result.config) throw new UserError('XALT_CONFIG_INVALID', result.errors.join('\n'), 'run "xalt config check"');
  const spoolArg = stringOption(args, 'spool');
  const buildArg = stringOption(args, 'build');
  const buildDir = resolve(buildArg ?? join(PACKAGE_ROOT, 'native', 'build'));
  const version = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  let report;
  try {
    report = installXalt(result.config, {
      prefix: resolve(prefixArg), buildDir, configText: result.text, version,
      ...(spoolArg ? { spool: resolve(spoolArg) } : {}),
    });
  } catch (err) {
    if (err instanceof NotBuilt) {
      const build = `xalt build${configArg ? ` -c ${configArg}` : ''}${buildArg ? ` --out ${buildArg}` : ''}`;
      throw new UserError('XALT_NOT_BUILT', `xalt install: the collector and xalt-ship must be built from ${result.path ?? 'the built-in defaults'} (fingerprint ${result.config.fingerprint}): ${err.message}; nothing was installed`, `run "${build}" first, then install again`);
    }
    const e = err as NodeJS.ErrnoException;
    throw new RuntimeError('XALT_INSTALL_FAILED', `install into ${prefixArg} failed: ${e.code && e.path ? `${e.syscall ? `${e.syscall} ` : ''}${e.path}: ${e.code}` : e.message}`.replace(/\s+/g, ' '), 'check permissions (installing under /opt usually needs root)');
  }
  for (const w of [...result.warnings, ...report.warnings]) args.stderr.write(`xalt: warning: ${w}\n`);
  if (!flag(args, 'quiet')) {
    for (const f of report.written) args.stdout.write(`installed ${f}\n`);
    const p = resolve(prefixArg);
    args.stdout.write(`${report.written.length} written, ${report.unchanged.length} unchanged in ${p}\n`);
    args.stdout.write(`next: module use ${join(p, 'modulefiles')} && module load xalt; Slurm: Epilog=${join(p, 'libexec', 'xalt', 'epilog')} in slurm.conf\n`);
  }
  return ExitCode.ok;
}
