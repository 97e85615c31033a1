/**
 * `ingestSpools`: walk record trees, skip what the ledger says is loaded (without touching
 * those files), read and interpret the rest (in worker threads on more than two cores), load them batch by batch, and
 * only after a batch committed delete or archive its files; then the same for bundles
 * (ingest-bundles.ts). Returns the summary; never prints.
 */
import { unlinkSync } from 'node:fs';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import type { Store } from '../db/store.js';
import { effectiveUid } from '../secure-fs/trusted-dir.js';
import { ArchiveDir } from './archive-dir.js';
import { ingestBundles, type PendingBundle } from './ingest-bundles.js';
import type { IngestRules } from './ingest-rules.js';
import { inlineParser, readContext, workerParser, type Parser } from './parser-pool.js';
import { QuarantineCopies } from './quarantine-dir.js';
import { DEFAULT_MAX_FILE_SIZE, type FileResult } from './read-record-file.js';
import type { ReverseMapData } from './reverse-map.js';
import { walkSpool, type SpoolFile } from './spool-walk.js';
import { emptyCounts, StoreLoader, type BatchCounts, type FileStatus, type LoadChunk, type LoadItem } from './store-loader.js';

export interface IngestOptions extends IngestRules {
  readonly reverseMap?: ReverseMapData;
  /** where copies of quarantined files go (default `<spool>/.quarantine`) */
  readonly quarantineDir?: string;
  /** delete record files once their batch committed */
  readonly delete?: boolean;
  /** move record files here (same relative path) once their batch committed */
  readonly archiveDir?: string;
  /** parser worker threads; 0 parses on the main thread (default: `defaultJobs`) */
  readonly jobs?: number;
  /** files per transaction (default: the store's, `DialectCapabilities.ingestBatchSize`) */
  readonly batchSize?: number;
  readonly maxFileSize?: number;
  onProgress?(p: IngestProgress): void;
  onWarning?(message: string): void;
}

export interface IngestProgress {
  readonly done: number;
  readonly total: number;
  readonly records: number;
}

export interface IngestSummary extends BatchCounts {
  /** record files found (loaded before or now) */
  files: number;
  /** files the ledger says were handled by an earlier run (not read) */
  alreadyLoaded: number;
  /** files read in this run */
  read: number;
  /** bundles found (loaded before or now) */
  bundles: number;
  /** bundles read in this run (the rest were in the ledger) */
  bundlesRead: number;
  /** records in the bundles read (entries), including any loaded by an earlier, interrupted run */
  bundleEntries: number;
  seconds: number;
  recordsPerSecond: number;
}

interface Pending extends SpoolFile {
  readonly root: string;
}

/** Files already in the ledger: hash → status (status only kept when files will be removed). */
async function loadLedger(store: Store, withStatus: boolean): Promise<Map<string, string> | Set<string>> {
  if (withStatus) {
    const rows = await store.all<{ path_hash: string; status: string }>(`SELECT path_hash, status FROM xalt_ingested_file`);
    return new Map(rows.map((r) => [r.path_hash, r.status]));
  }
  const rows = await store.all<{ path_hash: string }>(`SELECT path_hash FROM xalt_ingested_file`);
  const set = new Set<string>();
  for (const r of rows) set.add(r.path_hash);
  return set;
}

function quarantineCopy(item: FileResult, root: string, copies: QuarantineCopies): string | null {
  if (item.outcome.status === 'record' && !item.outcome.ownerMismatch) return null;
  if (item.text === undefined) return null;
  return copies.keep(root, item.file.rel, item.text);
}

/** After commit: remove a file when asked to, unless it was quarantined without a copy. */
function disposeFile(abs: string, rel: string, status: FileStatus | string, storedAs: string | null | undefined, opts: IngestOptions, archive: ArchiveDir | undefined, warn: (m: string) => void): void {
  if (!opts.delete && !archive) return;
  if (status === 'quarantined' && !storedAs) return; // the original is the only copy
  try {
    if (archive) archive.move(abs, rel);
    else unlinkSync(abs);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') warn(`cannot ${archive ? 'archive' : 'delete'} ${abs}: ${(err as Error).message}`);
  }
}

function addCounts(into: BatchCounts, c: BatchCounts): void {
  for (const k of ['runs', 'links', 'pkgs', 'duplicates', 'quarantined', 'flagged', 'filtered', 'skipped'] as const) into[k] += c[k];
  for (const [r, n] of Object.entries(c.reasons)) into.reasons[r] = (into.reasons[r] ?? 0) + n;
}

/** Walk the roots, returning the files and bundles to read; disposes of already-loaded ones if asked. */
async function collect(store: Store, roots: readonly string[], opts: IngestOptions, archive: ArchiveDir | undefined, warn: (m: string) => void) {
  const removing = Boolean(opts.delete || archive);
  const ledger = await loadLedger(store, removing);
  const pending: Pending[] = [];
  const bundles: PendingBundle[] = [];
  const found = { files: 0, alreadyLoaded: 0, bundles: 0, bundlesLoaded: 0 };
  const seen = (hash: string, bundle: boolean) => {
    if (bundle) found.bundles++; else found.files++;
    if (!ledger.has(hash)) return false;
    if (bundle) found.bundlesLoaded++; else found.alreadyLoaded++;
    return !removing;
  };
  for (const root of roots) {
    for (const f of walkSpool(root, seen, (dir, err) => warn(`cannot read directory ${dir}: ${err.message}`))) {
      const status = ledger instanceof Map ? ledger.get(f.hash) : undefined;
      // loaded by an earlier run: remove now if asked, except quarantined originals
      if (status !== undefined) { if (status !== 'quarantined') disposeFile(f.abs, f.rel, status, null, opts, archive, warn); }
      else if (f.bundle) bundles.push({ ...f, root });
      else pending.push({ ...f, root });
    }
  }
  return { pending, bundles, found, ledger };
}

/**
 * Parser workers by default: none on 1–2 cores (measured on the 2-core target: the main thread
 * already keeps SQLite busy, and a worker competing with it for the second core made ingest
 * ~25 % slower), otherwise one per core beyond two, at most four.
 */
export function defaultJobs(cores: number): number {
  return cores <= 2 ? 0 : Math.min(4, cores - 2);
}

/**
 * Which parser: workers when asked for and worth it, else the main thread. (A helper thread
 * that only read the files, for two cores, was measured and removed: 14,400–20,500 records/s
 * with it, 14,200–19,700 without, for ~10 % more CPU.)
 */
function chooseParser(setup: Parameters<typeof inlineParser>[0], files: number, batchSize: number, opts: IngestOptions): Parser {
  const jobs = opts.jobs ?? defaultJobs(cpus().length);
  return jobs > 0 && files > 2 * batchSize ? workerParser(setup, jobs) : inlineParser(setup);
}

/**
 * Hands out batches in order from a random start, and jumps to a random remaining batch when
 * the last one was mostly taken by another ingester: two ingesters on one spool then share the
 * work instead of one queueing behind the other's claims (loading is order-independent).
 */
class BatchQueue {
  private readonly batches: Pending[][] = [];
  private readonly left: Set<number>;
  private pos: number;
  private jump = false;

  constructor(files: readonly Pending[], size: number) {
    for (let i = 0; i < files.length; i += size) this.batches.push(files.slice(i, i + size));
    this.left = new Set(this.batches.keys());
    this.pos = Math.floor(Math.random() * this.batches.length);
  }

  take(): Pending[] | undefined {
    if (this.left.size === 0) return undefined;
    if (this.jump) {
      const rest = [...this.left];
      this.pos = rest[Math.floor(Math.random() * rest.length)]!;
      this.jump = false;
    }
    while (!this.left.has(this.pos)) this.pos = (this.pos + 1) % this.batches.length;
    this.left.delete(this.pos);
    return this.batches[this.pos];
  }

  /** Say whether the batch just loaded was mostly claimed by someone else. */
  report(mostlyTaken: boolean): void {
    this.jump = mostlyTaken;
  }
}

/**
 * Ingest record trees into `store`.
 * @example const s = await ingestSpools(store, ['/var/spool/xalt'], { jobs: 1 }); s.runs
 */
export async function ingestSpools(store: Store, roots: readonly string[], opts: IngestOptions = {}): Promise<IngestSummary> {
  const t0 = performance.now();
  const warn = opts.onWarning ?? (() => undefined);
  const absRoots = roots.map((r) => resolve(r));
  const copies = new QuarantineCopies(opts.quarantineDir === undefined ? undefined : resolve(opts.quarantineDir), warn);
  copies.check(absRoots); // an unsafe quarantine directory stops ingest before anything is loaded
  const archive = opts.archiveDir === undefined ? undefined : ArchiveDir.open(resolve(opts.archiveDir));
  const { pending, bundles, found, ledger } = await collect(store, absRoots, opts, archive, warn);
  const summary: IngestSummary = {
    ...emptyCounts(), files: found.files, alreadyLoaded: found.alreadyLoaded, read: pending.length,
    bundles: found.bundles, bundlesRead: 0, bundleEntries: 0, seconds: 0, recordsPerSecond: 0,
  };
  const batchSize = opts.batchSize ?? store.dialect.capabilities.ingestBatchSize;
  const now = Date.now() / 1000;
  const setup = { rules: { preIngest: opts.preIngest ?? [], applications: opts.applications ?? [] }, reverseMap: opts.reverseMap, maxFileSize: opts.maxFileSize ?? DEFAULT_MAX_FILE_SIZE, now };
  const loader = new StoreLoader(store);
  const total = pending.length + bundles.length;
  let done = 0;
  const progress = (n: number) => {
    done += n;
    opts.onProgress?.({ done, total, records: summary.runs + summary.links + summary.pkgs });
  };
  if (pending.length > 0) await loadFiles(pending, { loader, setup, batchSize, now, opts, copies, archive, warn, summary, progress });
  if (bundles.length > 0) {
    const b = await ingestBundles(bundles, {
      loader, ctx: readContext(setup), euid: effectiveUid(), batchSize, now,
      loaded: (hash) => ledger.has(hash),
      keep: (root, rel, text) => copies.keep(root, rel, text),
      dispose: (bundle) => disposeFile(bundle.abs, bundle.rel, 'loaded', null, opts, archive, warn),
      addCounts: (c) => addCounts(summary, c),
      progress: () => progress(0),
    });
    summary.bundlesRead = b.read;
    summary.bundleEntries = b.entries;
    progress(bundles.length);
  }
  summary.seconds = (performance.now() - t0) / 1000;
  const records = summary.runs + summary.links + summary.pkgs + summary.duplicates;
  summary.recordsPerSecond = summary.seconds > 0 ? records / summary.seconds : 0;
  return summary;
}

interface FileLoad {
  readonly loader: StoreLoader;
  readonly setup: Parameters<typeof inlineParser>[0];
  readonly batchSize: number;
  readonly now: number;
  readonly opts: IngestOptions;
  readonly copies: QuarantineCopies;
  readonly archive: ArchiveDir | undefined;
  readonly warn: (m: string) => void;
  readonly summary: IngestSummary;
  readonly progress: (files: number) => void;
}

/** Read, interpret and load record files batch by batch; dispose of each batch's files after its commit. */
async function loadFiles(pending: readonly Pending[], l: FileLoad): Promise<void> {
  const parser = chooseParser(l.setup, pending.length, l.batchSize, l.opts);
  try {
    const queue = new BatchQueue(pending, l.batchSize);
    let current = queue.take();
    let next = current ? parser.parse(current) : undefined;
    while (current && next) {
      const batch: Pending[] = current;
      const chunks = next;
      current = queue.take();
      next = current ? parser.parse(current) : undefined; // other threads read ahead meanwhile
      // quarantine copies are made as each chunk is read; files are disposed of after commit
      const rootOf = new Map<SpoolFile, string>(batch.map((p) => [p, p.root]));
      const storedAs = new Map<SpoolFile, string | null>();
      const loadChunks: LoadChunk[] = chunks.map((chunk) => async () => {
        const results = await chunk(); // fresh objects each time: completed in place, not copied
        for (const r of results as (FileResult & { storedAs?: string | null })[]) {
          r.storedAs = quarantineCopy(r, rootOf.get(r.file)!, l.copies);
          if (r.storedAs !== null) storedAs.set(r.file, r.storedAs);
        }
        return results as LoadItem[];
      });
      const { counts, statuses } = await l.loader.loadChunks(loadChunks, l.now);
      addCounts(l.summary, counts);
      queue.report(counts.skipped > batch.length / 2);
      batch.forEach((f, i) => disposeFile(f.abs, f.rel, statuses[i]!, storedAs.get(f) ?? null, l.opts, l.archive, l.warn));
      l.progress(batch.length);
    }
  } finally {
    await parser.close();
  }
}
