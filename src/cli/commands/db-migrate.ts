/** `xalt db migrate`: create the store or bring its schema up to date. */
import { stringOption, type CommandArgs } from '../command-args.js';
import { ExitCode } from '../../errors.js';
import { LATEST_SCHEMA_VERSION, migrate, schemaVersion } from '../../db/migrations/migrations.js';
import { openStore, storeError } from '../../db/open-store.js';
import { loadIngestSettings } from '../../ingest/ingest-settings.js';
import { storeLocation } from '../../db/store-location.js';

export async function run(args: CommandArgs): Promise<number> {
  const settings = await loadIngestSettings(stringOption(args, 'config'));
  const store = await openStore(storeLocation(stringOption(args, 'db'), settings.storeUrl), { migrate: false });
  try {
    const before = await schemaVersion(store);
    const applied = await migrate(store).catch((err: unknown) => { throw storeError(store.location, err); });
    if (args.values['quiet'] !== true) {
      args.stdout.write(applied.length
        ? `store ${store.location}: migrated from schema ${before} to ${LATEST_SCHEMA_VERSION} (applied ${applied.join(', ')})\n`
        : `store ${store.location}: schema ${before} is up to date\n`);
    }
    return ExitCode.ok;
  } finally {
    await store.close();
  }
}
