/**
 * Open the store for a read-only command (find, report, serve, quarantine): never create a
 * SQLite file by accident (a typo in --db would otherwise report on an empty new database),
 * never migrate, and open a SQLite file read-only — reading must not change the store.
 */
import { existsSync } from 'node:fs';
import { isSqlitePath, openStore, storeError } from './open-store.js';
import type { Store } from './store.js';
import { storeFromConfig, storeLocation } from './store-location.js';
import { RuntimeError } from '../errors.js';

/** Open the store named by `--db`, `$XALT_DB` or the config's [store], and check it holds xalt's tables. */
export async function openReadStore(dbOption: string | undefined, configOption?: string): Promise<Store> {
  // the config (and its TOML parser) is read only when it decides: a broken one must not stop `--db` from working
  const configUrl = storeFromConfig(dbOption) ? await configuredStoreUrl(configOption) : undefined;
  const url = storeLocation(dbOption, configUrl);
  if (isSqlitePath(url) && !existsSync(url)) {
    throw new RuntimeError('XALT_STORE_UNAVAILABLE', `store ${url}: no such file`, 'check the --db path, or load records first with "xalt ingest"');
  }
  const store = await openStore(url, { migrate: false, readOnly: true });
  try {
    await store.all('SELECT run_id FROM xalt_run LIMIT 1');
  } catch (err) {
    await store.close().catch(() => undefined);
    const e = storeError(store.location, err);
    throw new RuntimeError('XALT_STORE_NOT_XALT', `${e.message} (not an xalt store?)`, 'create it with "xalt db migrate --db ..." or "xalt ingest"');
  }
  await tuneForReading(store);
  return store;
}

async function configuredStoreUrl(configOption: string | undefined): Promise<string | undefined> {
  const { loadSiteConfig } = await import('../config/load-site-config.js');
  return (await loadSiteConfig(configOption)).store.url;
}

/** Session settings for reading and aggregating (SQLite: sorts in memory, see its dialect). */
export async function tuneForReading(store: Store): Promise<void> {
  await store.dialect.tuneForReading(store);
}
