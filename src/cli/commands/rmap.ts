/**
 * `xalt rmap [MODULEPATH…] [-o FILE]`: write an `xalt_rmapT.json` for `xalt ingest --rmap`,
 * from Lmod's spider when `$LMOD_DIR/spider` exists, else by reading the modulefiles.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { stringOption, type CommandArgs } from '../command-args.js';
import { ExitCode, RuntimeError, UserError } from '../../errors.js';
import { scanModuleTrees, spiderReverseMap } from '../../ingest/rmap/build-reverse-map.js';

export async function run(args: CommandArgs): Promise<number> {
  const modulepath = args.positionals.length
    ? args.positionals.flatMap((p) => p.split(':'))
    : (process.env['MODULEPATH'] ?? '').split(':');
  const dirs = modulepath.filter(Boolean);
  if (dirs.length === 0) throw new UserError('XALT_USAGE', 'xalt rmap: no MODULEPATH given and $MODULEPATH is empty', 'run "xalt rmap /path/to/modulefiles"');
  let text: string | undefined;
  let how: string;
  try {
    text = spiderReverseMap(process.env['LMOD_DIR'], dirs);
    how = "Lmod's spider";
  } catch (err) {
    throw new RuntimeError('XALT_RMAP_SPIDER', `Lmod spider failed: ${(err as Error).message.split('\n')[0]}`, 'unset LMOD_DIR to scan modulefiles instead');
  }
  if (text === undefined) {
    const map = scanModuleTrees(dirs);
    text = `${JSON.stringify(map, null, 2)}\n`;
    how = `${Object.keys(map.reverseMapT).length} directories from the modulefiles`;
  }
  const out = stringOption(args, 'output');
  if (out) {
    try {
      writeFileSync(`${out}.new`, text, { flag: 'wx' }); // O_EXCL: never through a planted link
      renameSync(`${out}.new`, out); // readers (a running ingest) never see half a map
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      throw new RuntimeError('XALT_RMAP_WRITE', `cannot write ${out}: ${e.code ?? e.message}`, e.code === 'EEXIST' ? `remove the leftover ${out}.new` : 'check that the directory exists and is writable');
    }
    if (args.values['quiet'] !== true) args.stderr.write(`xalt rmap: wrote ${out} (${how})\n`);
  } else {
    args.stdout.write(text);
  }
  return ExitCode.ok;
}
