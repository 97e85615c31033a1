/**
 * `xalt epilog`: the Slurm epilog helper (docs/epilog.md). Publishes one job's leftover
 * staged records into the spool and closes its runs that never ended.
 *
 * Exit status: 0 when everything of the job's is in the spool (files that are not the
 * job's — symlinks, other owners — are refused with a warning and do not count); 1 when
 * some of the job's records could not be published (they stay in the tmpdir for the next
 * try); 2 for usage errors.
 */
import type { CommandArgs } from '../command-args.js';
import { flag, stringOption } from '../command-args.js';
import { ExitCode, RuntimeError } from '../errors.js';
import { resolveEpilogSettings } from '../../epilog/epilog-settings.js';
import { publishJob } from '../../epilog/publish-job.js';
import { SpoolWriter } from '../../epilog/spool-writer.js';
import { loadSiteConfig } from '../../config/load-site-config.js';

/** Run `xalt epilog`; returns the exit code. @example await run({ values: { job: '42' }, positionals: [], stdout, stderr }) */
export async function run(args: CommandArgs): Promise<number> {
  const opt = (name: string) => stringOption(args, name);
  const euid = process.geteuid?.() ?? 0;
  const settings = resolveEpilogSettings(
    { job: opt('job'), user: opt('user'), uid: opt('uid'), tmpdir: opt('tmpdir'), spool: opt('spool'), layout: opt('layout') },
    process.env,
    euid,
    Date.now() / 1000,
    // the site config's [spool] applies when no option or variable gives prefix/layout/tmpdir
    (await loadSiteConfig(opt('config'))).spool,
  );
  let result;
  try {
    const spool = new SpoolWriter(settings.spool);
    spool.checkPrefix();
    result = publishJob(settings.job, spool);
  } catch (err) {
    throw new RuntimeError('XALT_EPILOG_FAILED', `xalt epilog: ${(err as Error).message}`, 'check --tmpdir and --spool');
  }
  for (const r of result.refused) args.stderr.write(`xalt: warning: refused ${r}\n`);
  for (const e of result.errors) args.stderr.write(`xalt: error: ${e}\n`);
  if (!flag(args, 'quiet') || result.errors.length > 0) {
    const { jobId } = settings.job;
    args.stderr.write(
      `xalt epilog: job ${jobId} (${settings.user}): ${result.pkgRecords} pkg records from ${result.pkgFiles} staging files, ` +
        `${result.startRecords} start records, ${result.endRecords} runs closed; ${result.refused.length} files refused, ${result.errors.length} errors\n`,
    );
  }
  return result.errors.length > 0 ? ExitCode.failure : ExitCode.ok;
}
