/** `xalt db info`: the store's kind, location, schema version and record counts. */
import { existsSync } from 'node:fs';
import { flag, stringOption, type CommandArgs } from '../command-args.js';
import { ExitCode, RuntimeError } from '../../errors.js';
import { isSqlitePath, openStore } from '../../db/open-store.js';
import { storeInfo, type StoreInfo } from '../../db/store-info.js';
import { loadIngestSettings } from '../../ingest/ingest-settings.js';
import { storeLocation } from '../../db/store-location.js';

const iso = (t: number | null) => (t === null ? '-' : new Date(t * 1000).toISOString().replace(/\.\d+Z$/, 'Z'));

function formatInfo(i: StoreInfo): string {
  const rows: [string, string][] = [
    ['kind', i.kind],
    ['location', i.location],
    ['schema version', `${i.schema_version}${i.schema_version < i.latest_schema_version ? ` (latest ${i.latest_schema_version}: run "xalt db migrate")` : ''}`],
    ['runs', String(i.counts['xalt_run'] ?? 0)],
    ['runs without end', String(i.runs_without_end)],
    ['flagged runs', String(i.flagged_runs)],
    ['first run', iso(i.first_run)],
    ['last run', iso(i.last_run)],
    ['links', String(i.counts['xalt_link'] ?? 0)],
    ['packages', String(i.counts['xalt_pkg'] ?? 0)],
    ['objects', String(i.counts['xalt_object'] ?? 0)],
    ['files ingested', String(i.counts['xalt_ingested_file'] ?? 0)],
    ['quarantined', String(i.counts['xalt_quarantine'] ?? 0)],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(w)}  ${v}\n`).join('');
}

export async function run(args: CommandArgs): Promise<number> {
  const settings = await loadIngestSettings(stringOption(args, 'config'));
  // never create or migrate a store just to describe it
  const url = storeLocation(stringOption(args, 'db'), settings.storeUrl);
  if (isSqlitePath(url) && !existsSync(url)) throw new RuntimeError('XALT_STORE_MISSING', `store ${url}: no such file`, 'create it with "xalt db migrate --db PATH" or "xalt ingest --db PATH SPOOL"');
  const store = await openStore(url, { migrate: false });
  try {
    const info = await storeInfo(store);
    args.stdout.write(flag(args, 'json') ? `${JSON.stringify(info, null, 2)}\n` : formatInfo(info));
    return ExitCode.ok;
  } finally {
    await store.close();
  }
}
