/**
 * `xalt spool prepare [--month YYYYMM…]`: for the opt-in `direct` transport, make the spool
 * directories users' processes write into — root-owned, sticky, world-writable — before they
 * are needed (this month and next by default; run it monthly from cron). The collector never
 * creates a directory in a shared spool. With the `ship` transport there is nothing to do.
 */
import { resolve } from 'node:path';
import type { CommandArgs } from '../command-args.js';
import { flag, listOption, stringOption } from '../command-args.js';
import { ExitCode, RuntimeError, UserError } from '../../errors.js';
import { loadSiteConfig } from '../../config/load-site-config.js';
import { newInstallLog } from '../../install/install-files.js';
import { monthOf, prepareDirectSpool } from '../../install/spool-dirs.js';

export async function run(args: CommandArgs): Promise<number> {
  const cfg = await loadSiteConfig(stringOption(args, 'config'));
  const months = listOption(args, 'month');
  for (const m of months) {
    if (!/^\d{4}(0[1-9]|1[0-2])$/.test(m)) throw new UserError('XALT_USAGE', `xalt spool prepare: --month ${JSON.stringify(m)} is not YYYYMM`, 'e.g. --month 202701');
  }
  const prefix = resolve(stringOption(args, 'spool') ?? cfg.spool.prefix);
  if (cfg.spool.transport !== 'direct') {
    if (!flag(args, 'quiet')) args.stderr.write(`xalt: spool prepare: the transport is ${cfg.spool.transport} (${cfg.file}): users never write the spool, nothing to prepare\n`);
    return ExitCode.ok;
  }
  if (cfg.spool.prefix === 'USE_HOME' || cfg.spool.layout === 'home') throw new UserError('XALT_USAGE', 'xalt spool prepare: the spool is each user\'s ~/.xalt.d: nothing to prepare', 'set [spool] prefix to a shared directory');
  const log = newInstallLog();
  const wanted = months.length ? months : [monthOf(new Date()), monthOf(new Date(), 1)];
  try {
    prepareDirectSpool(log, prefix, cfg.spool.layout, wanted);
  } catch (err) {
    throw new RuntimeError('XALT_SPOOL_PREPARE_FAILED', `xalt spool prepare: ${(err as Error).message}`, 'run it as root; the spool prefix must be root\'s and under directories only root can change');
  }
  if (!flag(args, 'quiet')) {
    for (const f of log.written) args.stdout.write(`made ${f}\n`);
    args.stdout.write(`${prefix}: ${cfg.spool.layout === 'month/hash' ? `months ${wanted.join(', ')} ` : ''}ready (${log.written.length} changed)\n`);
  }
  return ExitCode.ok;
}
