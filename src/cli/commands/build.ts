/**
 * `xalt build`: validate the site config, generate site_config.c and xalt_site_rules.py into
 * the build directory, check that the C compiles cleanly, then build the collector, xalt-ship
 * and the link helper with `make -C native GEN_C=<site_config.c> BUILD=<dir>` — all from the
 * same config, which `xalt install` checks.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CommandArgs } from '../command-args.js';
import { flag, stringOption } from '../command-args.js';
import { ExitCode, RuntimeError, UserError } from '../../errors.js';
import { PACKAGE_ROOT, readSiteConfig } from '../../config/load-site-config.js';
import { writeGenerated } from '../../config/write-generated.js';
import { AutomatonTooLarge } from '../../config/compile-nfa.js';

function runTool(cmd: string, argv: string[], what: string): void {
  const r = spawnSync(cmd, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.error) throw new RuntimeError('XALT_BUILD_FAILED', `${what}: cannot run ${cmd}: ${(r.error as NodeJS.ErrnoException).code ?? r.error.message}`, `install ${cmd} (a C compiler and make are needed)`);
  if (r.status !== 0) {
    const detail = `${r.stderr}${r.stdout}`.trim().split('\n').slice(0, 20).join('\n');
    throw new RuntimeError('XALT_BUILD_FAILED', `${what} failed (exit ${r.status}):\n${detail}`, 'run the command above by hand to see the whole output');
  }
}

export async function run(args: CommandArgs): Promise<number> {
  const result = readSiteConfig(stringOption(args, 'config'));
  for (const w of result.warnings) args.stderr.write(`xalt: warning: ${w}\n`);
  if (!result.config) throw new UserError('XALT_CONFIG_INVALID', result.errors.join('\n'), 'fix the file and run "xalt config check"');
  const outDir = resolve(stringOption(args, 'out') ?? join(PACKAGE_ROOT, 'native', 'build'));
  let files;
  try {
    files = writeGenerated(result.config, outDir);
  } catch (err) {
    if (!(err instanceof AutomatonTooLarge)) throw err;
    throw new UserError('XALT_CONFIG_INVALID', `${result.config.file}: a rule list does not compile: ${err.message}`, 'run "xalt config check" to see which; fewer ".*" in the middle of patterns and smaller {m,n} counts help');
  }
  const cc = process.env['CC'] ?? 'cc';
  runTool(cc, ['-c', '-std=c11', '-Wall', '-Wextra', '-Werror', '-fPIC', '-o', '/dev/null', files.siteConfigC], `compiling ${files.siteConfigC}`);
  runTool('make', ['-s', '-C', join(PACKAGE_ROOT, 'native'), `GEN_C=${files.siteConfigC}`, `BUILD=${outDir}`], 'make -C native');
  if (!flag(args, 'quiet')) {
    args.stdout.write(`config ${result.config.file} (fingerprint ${result.config.fingerprint})\n`);
    args.stdout.write(`generated ${files.siteConfigC}\ngenerated ${files.pythonRules}\n`);
    for (const name of ['libxalt.so', 'xalt-ship']) {
      const path = join(outDir, name);
      args.stdout.write(existsSync(path) ? `built ${path}\n` : `not built by native/Makefile: ${path}\n`);
    }
  }
  return ExitCode.ok;
}
