/**
 * `xalt db rebuild-rollups`: recompute the library sets, daily usage totals and daily tuples reports read
 * from the stored runs, in one transaction (a reader sees the old totals or the new ones,
 * never none). For a store whose totals were damaged or changed around ingest.
 */
import { rebuildRollups } from '../../db/rollups.js';
import { existsSync } from 'node:fs';
import { isSqlitePath, openStore } from '../../db/open-store.js';
import { storeLocation } from '../../db/store-location.js';
import { ExitCode, RuntimeError } from '../../errors.js';
import { loadIngestSettings } from '../../ingest/ingest-settings.js';
import { flag, stringOption, type CommandArgs } from '../command-args.js';

export async function run(args: CommandArgs): Promise<number> {
  const settings = await loadIngestSettings(stringOption(args, 'config'));
  const url = storeLocation(stringOption(args, 'db'), settings.storeUrl);
  // never create an empty store by a typo in --db
  if (isSqlitePath(url) && !existsSync(url)) throw new RuntimeError('XALT_STORE_MISSING', `store ${url}: no such file`, 'check the --db path');
  const store = await openStore(url, { create: false }); // a typo in --db must not make an empty database
  try {
    const started = Date.now();
    await store.transaction((tx) => rebuildRollups(tx));
    const count = async (table: string) => Number((await store.all<{ n: unknown }>(`SELECT COUNT(*) AS n FROM ${table}`))[0]?.n ?? 0);
    const summary = { runs: await count('xalt_run'), library_sets: await count('xalt_libset'), usage_rows: await count('xalt_usage_day'), tuple_rows: await count('xalt_tuple_day'), seconds: (Date.now() - started) / 1000 };
    if (flag(args, 'json')) args.stdout.write(`${JSON.stringify(summary)}\n`);
    else if (!flag(args, 'quiet')) args.stdout.write(`store ${store.location}: rebuilt the library sets and daily totals of ${summary.runs} runs (${summary.usage_rows} daily rows) in ${summary.seconds.toFixed(1)} s\n`);
    return ExitCode.ok;
  } finally {
    await store.close();
  }
}
