/**
 * `xalt purge --before DATE [--user U] [--syshost S]`: retention. Says how many runs it
 * would delete and asks on a terminal; without a terminal it needs --yes, so a script never
 * deletes by accident.
 */
import { createInterface } from 'node:readline/promises';
import { countPurge, purgeRuns, type PurgeScope } from '../../db/purge-runs.js';
import { ExitCode, RuntimeError, UserError } from '../../errors.js';
import { existsSync } from 'node:fs';
import { isSqlitePath, openStore } from '../../db/open-store.js';
import { storeLocation } from '../../db/store-location.js';
import { loadIngestSettings } from '../../ingest/ingest-settings.js';
import { commaList } from '../../query/run-selection.js';
import { parseTimeBound } from '../../query/time-bound.js';
import { flag, stringOption, type CommandArgs } from '../command-args.js';

/** The scope the options give (a usage error without --before). */
function purgeScope(args: CommandArgs): PurgeScope {
  const before = stringOption(args, 'before');
  if (before === undefined) throw new UserError('XALT_USAGE', 'xalt purge: --before DATE is required: the runs that started before it are deleted', 'for example: xalt purge --before 2024-01-01');
  const user = stringOption(args, 'user');
  const syshost = stringOption(args, 'syshost');
  return {
    before: parseTimeBound(before, Date.now() / 1000, '--before'),
    ...(user !== undefined ? { users: commaList(user, '--user') } : {}),
    ...(syshost !== undefined ? { syshost } : {}),
  };
}

function describe(s: PurgeScope): string {
  const who = s.users ? ` of ${s.users.join(', ')}` : '';
  return `runs${who}${s.syshost !== undefined ? ` on ${s.syshost}` : ''} that started before ${new Date(s.before * 1000).toISOString().replace(/\.000Z$/, 'Z')}`;
}

async function confirmed(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^(y|yes)$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

export async function run(args: CommandArgs): Promise<number> {
  const scope = purgeScope(args);
  const yes = flag(args, 'yes');
  if (!yes && !process.stdin.isTTY) {
    throw new UserError('XALT_USAGE', 'xalt purge: stdin is not a terminal, so it cannot ask before deleting; give --yes to delete without asking', `xalt purge --before ${stringOption(args, 'before')} --yes`);
  }
  const settings = await loadIngestSettings(stringOption(args, 'config'));
  const url = storeLocation(stringOption(args, 'db'), settings.storeUrl);
  // never create an empty store by a typo in --db
  if (isSqlitePath(url) && !existsSync(url)) throw new RuntimeError('XALT_STORE_MISSING', `store ${url}: no such file`, 'check the --db path');
  const store = await openStore(url, { create: false }); // a typo in --db must not make an empty database
  try {
    const n = await countPurge(store, scope);
    const quiet = flag(args, 'quiet');
    if (n === 0) {
      if (flag(args, 'json')) args.stdout.write(`${JSON.stringify({ runs: 0, libraries: 0, env_values: 0, packages: 0 })}\n`);
      else if (!quiet) args.stderr.write(`xalt: no ${describe(scope)} in ${store.location}; nothing to delete\n`);
      return ExitCode.ok;
    }
    if (!yes && !(await confirmed(`Delete ${n} ${describe(scope)} from ${store.location}, with their libraries, environment and packages? [y/N] `))) {
      args.stderr.write('xalt: nothing deleted\n');
      return ExitCode.failure;
    }
    const done = await purgeRuns(store, scope, (deleted) => {
      if (!quiet && process.stderr.isTTY) args.stderr.write(`\rdeleted ${deleted} of ${n} runs`);
    });
    if (!quiet && process.stderr.isTTY) args.stderr.write('\n');
    if (flag(args, 'json')) args.stdout.write(`${JSON.stringify(done)}\n`);
    else if (!quiet) args.stdout.write(`deleted ${done.runs} runs (${done.libraries} library links, ${done.env_values} environment values, ${done.packages} packages); daily totals updated\n`);
    return ExitCode.ok;
  } finally {
    await store.close();
  }
}
