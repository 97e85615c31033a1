/**
 * Where `xalt epilog` reads and writes, from its options, then the environment Slurm and
 * the modulefile set, then defaults. Invalid values are usage errors naming the option.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { UserError } from '../cli/errors.js';
import { SPOOL_LAYOUTS, type SpoolLayout } from '../schema/spool-layout.js';
import type { EpilogJob } from './publish-job.js';
import type { SpoolWriterOptions } from './spool-writer.js';

/** Everything the epilog run needs. */
export interface EpilogSettings {
  readonly job: EpilogJob;
  readonly spool: SpoolWriterOptions;
  /** the job's user name, for messages */
  readonly user: string;
}

/** Option values as given on the command line (undefined when not given). */
export interface EpilogOptionValues {
  readonly job?: string | undefined;
  readonly user?: string | undefined;
  readonly uid?: string | undefined;
  readonly tmpdir?: string | undefined;
  readonly spool?: string | undefined;
  readonly layout?: string | undefined;
}

/** The site config's `[spool]` section (SiteConfig['spool'] from src/config/), when loaded. */
export interface SpoolConfig {
  readonly prefix: string;
  readonly layout: SpoolLayout;
  readonly tmpdir: string;
}

const JOB_ID = /^[A-Za-z0-9_.+[\]-]+$/;
const usage = (what: string, hint: string) => new UserError('XALT_EPILOG_USAGE', `xalt epilog: ${what}`, hint);

/** The job user's home directory, from the passwd database (LDAP included, via getent). */
function homeOf(uid: number): string {
  try {
    const line = execFileSync('getent', ['passwd', String(uid)], { encoding: 'utf8' });
    const home = line.split(':')[5];
    if (home) return home;
  } catch {
    // fall through
  }
  throw usage(`no home directory for uid ${uid} (the spool is USE_HOME)`, 'pass --spool DIR');
}

function jobAndUid(o: EpilogOptionValues, env: NodeJS.ProcessEnv, euid: number): { jobId: string; uid: number } {
  const jobId = o.job ?? env['SLURM_JOB_ID'];
  if (!jobId) throw usage('no job id', 'pass --job ID or run it as a Slurm Epilog (SLURM_JOB_ID)');
  if (!JOB_ID.test(jobId)) throw usage(`job id ${JSON.stringify(jobId)} has characters a job id cannot have`, 'pass --job ID');
  const uidText = o.uid ?? env['SLURM_JOB_UID'] ?? (euid === 0 ? undefined : String(euid));
  if (uidText === undefined) throw usage("no uid for the job's user", 'pass --uid UID or run it as a Slurm Epilog (SLURM_JOB_UID)');
  if (!/^\d+$/.test(uidText)) throw usage(`uid ${JSON.stringify(uidText)} is not a number`, 'pass --uid UID');
  const uid = Number(uidText);
  if (euid !== 0 && uid !== euid) {
    throw usage(`only root can publish another user's records (uid ${uid}, running as ${euid})`, 'run it as root from the Slurm Epilog, or without --uid from the job');
  }
  return { jobId, uid };
}

/**
 * Resolve the settings: options, then the environment, then the site config, then defaults.
 * Throws a UserError naming the bad option.
 * @example resolveEpilogSettings({ spool: '/var/spool/xalt' }, process.env, process.geteuid!(), Date.now() / 1000)
 */
export function resolveEpilogSettings(o: EpilogOptionValues, env: NodeJS.ProcessEnv, euid: number, now: number, config?: SpoolConfig): EpilogSettings {
  const { jobId, uid } = jobAndUid(o, env, euid);
  const tmpdir = o.tmpdir ?? env['XALT_TMPDIR'] ?? config?.tmpdir ?? '/dev/shm';
  const prefix = o.spool ?? env['XALT_FILE_PREFIX'] ?? config?.prefix;
  if (!prefix) throw usage('no spool directory', 'pass --spool DIR or set XALT_FILE_PREFIX');
  const layoutText = o.layout ?? (prefix === 'USE_HOME' ? 'home' : config?.layout ?? 'month/hash');
  if (!(SPOOL_LAYOUTS as readonly string[]).includes(layoutText)) {
    throw usage(`--layout ${JSON.stringify(layoutText)} is not one of ${SPOOL_LAYOUTS.join(', ')}`, 'pass --layout month/hash');
  }
  const layout = layoutText as SpoolLayout;
  const user = o.user ?? env['SLURM_JOB_USER'] ?? String(uid);
  const chown = euid === 0;
  const spool: SpoolWriterOptions =
    layout === 'home'
      ? { prefix: join(homeOf(uid), '.xalt.d'), dirMode: 0o700, chown, dirOwner: { uid, gid: -1 }, createPrefix: true }
      : { prefix, dirMode: 0o1777, chown };
  return { job: { jobId, uid, tmpdir, layout, now }, spool, user };
}
