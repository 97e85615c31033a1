/**
 * `xalt ingest [SPOOL…]`: load record trees (and XALT syslog files) into the store, with a
 * progress bar on a terminal and a one-line summary. Exit 1 when any file was quarantined or
 * flagged, or the store failed; re-running completes what a failed run left.
 */
import { existsSync, lstatSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { flag, listOption, stringOption, type CommandArgs, type Output } from '../command-args.js';
import { ExitCode, RuntimeError, UserError } from '../../errors.js';
import { isSqlitePath, openStore, storeError } from '../../db/open-store.js';
import type { Store } from '../../db/store.js';
import { effectiveUid, UnsafeDirectory, untrustedDirReason } from '../../secure-fs/trusted-dir.js';
import { ingestSpools, type IngestProgress, type IngestSummary } from '../../ingest/ingest.js';
import { configuredSpools, loadIngestSettings } from '../../ingest/ingest-settings.js';
import { storeLocation } from '../../db/store-location.js';
import { readReverseMap, type ReverseMapData } from '../../ingest/reverse-map.js';
import { ingestSyslogFiles } from '../../ingest/syslog/ingest-syslog.js';

function positiveInt(args: CommandArgs, name: string): number | undefined {
  const v = stringOption(args, name);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new UserError('XALT_USAGE', `xalt ingest: --${name} ${JSON.stringify(v)} is not a whole number`, 'run "xalt ingest --help"');
  return Number(v);
}

function reverseMap(args: CommandArgs): ReverseMapData | undefined {
  const p = stringOption(args, 'rmap');
  if (!p) return undefined;
  try {
    return readReverseMap(p);
  } catch (err) {
    throw new UserError('XALT_RMAP_INVALID', `reverse map ${(err as Error).message}`, 'build one with "xalt rmap -o xalt_rmapT.json"');
  }
}

/** A throttled one-line progress bar on stderr (only on a terminal). */
function progressBar(stderr: Output): { update(p: IngestProgress): void; clear(): void } {
  let last = 0;
  let shown = false;
  return {
    update(p) {
      const t = Date.now();
      if (t - last < 100 && p.done < p.total) return;
      last = t;
      const width = 30;
      const filled = p.total ? Math.round((p.done / p.total) * width) : width;
      stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.done}/${p.total} files, ${p.records} records`);
      shown = true;
    },
    clear() {
      if (shown) stderr.write('\r\x1b[K');
    },
  };
}

/** The one-line summary. */
export function formatSummary(s: IngestSummary): string {
  const parts = [
    `${s.files} files (${s.read} read, ${s.alreadyLoaded} already loaded)`,
    ...(s.bundles ? [`${s.bundles} bundles (${s.bundlesRead} read holding ${s.bundleEntries} records, ${s.bundles - s.bundlesRead} already loaded)`] : []),
    `${s.runs} run records`, `${s.links} links`, `${s.pkgs} packages`, `${s.duplicates} duplicates`,
    `${s.quarantined} quarantined${Object.keys(s.reasons).length ? ` (${Object.entries(s.reasons).map(([r, n]) => `${r}: ${n}`).join(', ')})` : ''}`,
  ];
  if (s.flagged) parts.push(`${s.flagged} flagged owner mismatch`);
  if (s.filtered) parts.push(`${s.filtered} filtered by pre-ingest sampling`);
  if (s.skipped) parts.push(`${s.skipped} taken by another ingester`);
  parts.push(`${s.seconds.toFixed(2)} s`, `${Math.round(s.recordsPerSecond)} records/s`);
  return `ingest: ${parts.join(', ')}\n`;
}

function summaryJson(s: IngestSummary): string {
  return `${JSON.stringify({
    schema_version: 1, files: s.files, read: s.read, already_loaded: s.alreadyLoaded,
    bundles: s.bundles, bundles_read: s.bundlesRead, bundle_entries: s.bundleEntries, runs: s.runs, links: s.links, packages: s.pkgs,
    duplicates: s.duplicates, quarantined: s.quarantined, quarantine_reasons: s.reasons, owner_mismatch: s.flagged,
    filtered: s.filtered, taken_by_other_ingester: s.skipped, seconds: s.seconds, records_per_second: s.recordsPerSecond,
  }, null, 2)}\n`;
}

/** Errors from the database driver or the connection to it (anything else is a bug). */
function isDatabaseError(err: unknown): boolean {
  const e = err as { code?: unknown; errno?: unknown; name?: unknown; severity?: unknown };
  // PostgreSQL's errors carry a severity and a five-character SQLSTATE
  const postgres = typeof e.severity === 'string' && typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code);
  return postgres || typeof e.errno === 'number' || e.name === 'SqliteError' || (typeof e.code === 'string' && /^(SQLITE|ECONN|ETIMEDOUT|EPIPE|PROTOCOL_|ER_)/.test(e.code));
}

/** How many quarantined files are named one by one before pointing at the table. */
const NAMED_QUARANTINE = 20;

/** One line per file this run quarantined, so an admin sees what is wrong without SQL. */
async function nameQuarantined(store: Store, since: number, stderr: Output): Promise<void> {
  const rows = await store.all<{ path: string; reason: string; detail: string | null }>(
    `SELECT path, reason, detail FROM xalt_quarantine WHERE quarantined_at >= ? ORDER BY q_id LIMIT ${NAMED_QUARANTINE + 1}`, [since - 1]);
  for (const r of rows.slice(0, NAMED_QUARANTINE)) stderr.write(`xalt: quarantined ${r.path}: ${r.reason}${r.detail ? `: ${r.detail.split('\n')[0]}` : ''}\n`);
  if (rows.length > NAMED_QUARANTINE) stderr.write(`xalt: … more quarantined files: SELECT path, reason, detail FROM xalt_quarantine\n`);
}

/**
 * A SQLite store is a file ingest writes — and SQLite creates `-wal` and `-shm` files beside
 * it by name — so its directory must be one no other user can change (not even a sticky one
 * such as /tmp), and the file itself not a symlink nor someone else's.
 */
function checkStoreLocation(url: string): void {
  if (!isSqlitePath(url)) return;
  const path = resolve(url);
  const euid = effectiveUid();
  const why = untrustedDirReason(dirname(path), euid) ?? (() => {
    try {
      const st = lstatSync(path);
      if (st.isSymbolicLink()) return `${path} is a symbolic link`;
      if (st.uid !== euid && st.uid !== 0) return `${path} is owned by uid ${st.uid}`;
    } catch { /* created by SQLite in a directory only we can write */ }
    return null;
  })();
  if (why) throw new RuntimeError('XALT_STORE_UNSAFE', `xalt ingest: refusing to write the store ${path}: ${why}; nothing was loaded`, 'keep the store in a directory only the ingesting account (and root) can write, e.g. /var/lib/xalt');
}

export async function run(args: CommandArgs): Promise<number> {
  const settings = await loadIngestSettings(stringOption(args, 'config'));
  const syslogs = listOption(args, 'syslog');
  // with only --syslog, read only the syslog files
  const roots = args.positionals.length ? [...args.positionals] : syslogs.length ? [] : configuredSpools(settings);
  if (roots.length === 0 && syslogs.length === 0) throw new UserError('XALT_USAGE', 'xalt ingest: no SPOOL given, and the config names no spool prefix (or, for USE_HOME, no ~/.xalt.d exists)', 'run "xalt ingest /path/to/spool"');
  for (const r of roots) if (!existsSync(r) || !statSync(r).isDirectory()) throw new RuntimeError('XALT_SPOOL_MISSING', `spool ${r}: not a directory`, 'check the path, or the [spool] prefix in the config');
  const rmap = reverseMap(args);
  const jobs = positiveInt(args, 'jobs');
  const batchSize = positiveInt(args, 'batch-size');
  const json = flag(args, 'json');
  const quiet = flag(args, 'quiet');
  const tty = args.stderr.isTTY === true && !quiet && !json;
  const bar = progressBar(args.stderr);
  const url = storeLocation(stringOption(args, 'db'), settings.storeUrl);
  checkStoreLocation(url);
  const store = await openStore(url, { batchStatements: true });
  let summary: IngestSummary;
  const startedAt = Date.now() / 1000;
  try {
    const opts = {
      ...(rmap ? { reverseMap: rmap } : {}),
      ...(jobs !== undefined ? { jobs } : {}),
      ...(batchSize ? { batchSize } : {}),
      ...(stringOption(args, 'quarantine') ? { quarantineDir: stringOption(args, 'quarantine')! } : {}),
      ...(stringOption(args, 'archive') ? { archiveDir: stringOption(args, 'archive')! } : {}),
      delete: flag(args, 'delete'),
      preIngest: settings.preIngest ?? [],
      applications: settings.applications ?? [],
      ...(settings.redactWords ? { redactWords: settings.redactWords } : {}),
      onProgress: tty ? (p: IngestProgress) => bar.update(p) : undefined,
      onWarning: (m: string) => { if (!quiet) args.stderr.write(`xalt: warning: ${m}\n`); },
    };
    summary = await ingestSpools(store, roots, opts);
    if (syslogs.length) await ingestSyslogFiles(store, syslogs, opts, summary);
    if (summary.quarantined > 0 && !quiet && !json) await nameQuarantined(store, startedAt, args.stderr);
  } catch (err) {
    bar.clear();
    if (err instanceof UnsafeDirectory) {
      throw new RuntimeError('XALT_INGEST_UNSAFE_DIR', `xalt ingest: ${err.message}; nothing was loaded`, 'quarantine and archive directories must be owned by the account running ingest (quarantine: mode 0700), in directories no other user can write; "xalt install" creates SPOOL/.quarantine, or pass --quarantine DIR');
    }
    if (err instanceof UserError || !isDatabaseError(err)) throw err;
    throw storeError(store.location, err);
  } finally {
    await store.close().catch(() => undefined);
  }
  bar.clear();
  if (json) args.stdout.write(summaryJson(summary));
  else if (!quiet) args.stdout.write(formatSummary(summary));
  return summary.quarantined > 0 || summary.flagged > 0 ? ExitCode.failure : ExitCode.ok;
}
