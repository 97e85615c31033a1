/**
 * `xalt ingest --syslog FILE`: reassemble XALT syslog records and load them like spool files.
 * Each record is entered in the ledger under `syslog:<crc>_<key>`, so re-reading a log (or a
 * rotated copy holding the same lines) loads nothing twice. Syslog lines prove nothing about
 * who wrote them, so there is no owner check; the syslog files are never deleted or moved.
 */
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import type { Store } from '../../db/store.js';
import type { IngestOptions, IngestSummary } from '../ingest.js';
import { interpretRecord } from '../interpret.js';
import { readContext } from '../parser-pool.js';
import { DEFAULT_MAX_FILE_SIZE } from '../read-record-file.js';
import { pathHash } from '../spool-walk.js';
import { StoreLoader, type LoadItem } from '../store-loader.js';
import { SyslogAssembler, type SyslogRecord } from './syslog-reassemble.js';

async function readRecords(file: string): Promise<{ records: SyslogRecord[]; incomplete: number }> {
  const asm = new SyslogAssembler();
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of lines) asm.add(line);
  return { records: asm.take(), incomplete: asm.incomplete };
}

/** Load the records in `files` into `store`, adding to `summary`. */
export async function ingestSyslogFiles(store: Store, files: readonly string[], opts: IngestOptions, summary: IngestSummary): Promise<void> {
  const t0 = performance.now();
  const now = Date.now() / 1000;
  const ctx = readContext({ rules: { preIngest: opts.preIngest ?? [], applications: opts.applications ?? [] }, reverseMap: opts.reverseMap, maxFileSize: DEFAULT_MAX_FILE_SIZE, now });
  const loader = new StoreLoader(store);
  const root = { uid: 0, name: 'root', nameUser: '' };
  for (const file of files) {
    const { records, incomplete } = await readRecords(file);
    if (incomplete) opts.onWarning?.(`${file}: ${incomplete} records are missing chunks; they are loaded when a later run sees the rest`);
    const items: LoadItem[] = records.map((r) => {
      const rel = `syslog:${basename(file)}:${r.id}`;
      const spoolFile = { abs: file, rel, hash: pathHash(`syslog:${r.id}`), kind: r.kind, nameUser: '' };
      return { file: spoolFile, size: r.json.length, mtime: now, outcome: interpretRecord(r.kind, r.json, root, ctx), storedAs: null };
    });
    const batch = opts.batchSize ?? 1000;
    for (let i = 0; i < items.length; i += batch) {
      const { counts } = await loader.loadBatch(items.slice(i, i + batch), now);
      for (const k of ['runs', 'links', 'pkgs', 'duplicates', 'quarantined', 'flagged', 'filtered', 'skipped'] as const) summary[k] += counts[k];
      for (const [r, n] of Object.entries(counts.reasons)) summary.reasons[r] = (summary.reasons[r] ?? 0) + n;
    }
    summary.files += records.length;
    summary.read += records.length;
  }
  summary.seconds += (performance.now() - t0) / 1000;
  const total = summary.runs + summary.links + summary.pkgs + summary.duplicates;
  summary.recordsPerSecond = summary.seconds > 0 ? total / summary.seconds : 0;
}
