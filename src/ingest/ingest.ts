/**
 * `ingestSpools`: walk record trees, skip what the ledger says is loaded (without touching
 * those files), read and interpret the rest (in worker threads), load them batch by batch, and
 * only after a batch committed delete or archive its files. Returns the summary; never prints.
 */
import { copyFileSync, mkdirSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Store } from '../db/store.js';
import type { IngestRules } from './ingest-rules.js';
import { inlineParser, readerParser, workerParser, type Parser } from './parser-pool.js';
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
  /**
   * With no parser workers, read files on a helper thread while this one parses and loads
   * (default: when more than `READER_MIN_FILES` files are to be read; the thread costs ~30 ms to start).
   */
  readonly readerThread?: boolean;
  /** files per transaction (default `defaultBatchSize`) */
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

function quarantineCopy(item: FileResult, root: string, dir: string | undefined, warn: (m: string) => void): string | null {
  if (item.outcome.status === 'record' && !item.outcome.ownerMismatch) return null;
  if (item.text === undefined) return null;
  const qdir = dir ?? join(root, '.quarantine');
  const dest = join(qdir, item.file.rel);
  try {
    mkdirSync(dirname(dest), { recursive: true, mode: 0o700 });
    writeFileSync(dest, item.text, { mode: 0o600 });
    return dest;
  } catch (err) {
    warn(`cannot keep a copy of ${item.file.abs} in ${qdir}: ${(err as Error).message}`);
    return null;
  }
}

function moveFile(src: string, dest: string): void {
  mkdirSync(dirname(dest), { recursive: true });
  try {
    renameSync(src, dest);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    copyFileSync(src, dest);
    unlinkSync(src);
  }
}

/** After commit: remove a file when asked to, unless it was quarantined without a copy. */
function disposeFile(abs: string, rel: string, status: FileStatus | string, storedAs: string | null | undefined, opts: IngestOptions, warn: (m: string) => void): void {
  if (!opts.delete && !opts.archiveDir) return;
  if (status === 'quarantined' && !storedAs) return; // the original is the only copy
  try {
    if (opts.archiveDir) moveFile(abs, join(opts.archiveDir, rel));
    else unlinkSync(abs);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') warn(`cannot ${opts.archiveDir ? 'archive' : 'delete'} ${abs}: ${(err as Error).message}`);
  }
}

function addCounts(into: BatchCounts, c: BatchCounts): void {
  for (const k of ['runs', 'links', 'pkgs', 'duplicates', 'quarantined', 'flagged', 'filtered', 'skipped'] as const) into[k] += c[k];
  for (const [r, n] of Object.entries(c.reasons)) into.reasons[r] = (into.reasons[r] ?? 0) + n;
}

/** Walk the roots, returning the files to read; disposes of already-loaded ones if asked. */
async function collect(store: Store, roots: readonly string[], opts: IngestOptions, warn: (m: string) => void) {
  const removing = Boolean(opts.delete || opts.archiveDir);
  const ledger = await loadLedger(store, removing);
  const pending: Pending[] = [];
  let files = 0;
  let alreadyLoaded = 0;
  for (const root of roots) {
    const skip = (hash: string) => {
      files++;
      if (!ledger.has(hash)) return false;
      alreadyLoaded++;
      return !removing;
    };
    for (const f of walkSpool(root, skip, (dir, err) => warn(`cannot read directory ${dir}: ${err.message}`))) {
      const status = ledger instanceof Map ? ledger.get(f.hash) : undefined;
      // loaded by an earlier run: remove now if asked, except quarantined originals
      if (status !== undefined) { if (status !== 'quarantined') disposeFile(f.abs, f.rel, status, null, opts, warn); }
      else pending.push({ ...f, root });
    }
  }
  return { pending, files, alreadyLoaded };
}

/**
 * Parser workers by default: none on 1–2 cores (measured on the 2-core target: the main thread
 * already keeps SQLite busy, and a worker competing with it for the second core made ingest
 * ~25 % slower), otherwise one per core beyond two, at most four.
 */
export function defaultJobs(cores: number): number {
  return cores <= 2 ? 0 : Math.min(4, cores - 2);
}

/** Fewer files to read than this are read on the main thread (see IngestOptions.readerThread). */
export const READER_MIN_FILES = 2000;

/** Which parser: workers when asked for and worth it, else a reader thread for large spools, else inline. */
function chooseParser(setup: Parameters<typeof inlineParser>[0], files: number, batchSize: number, opts: IngestOptions): Parser {
  const jobs = opts.jobs ?? defaultJobs(cpus().length);
  if (jobs > 0 && files > 2 * batchSize) return workerParser(setup, jobs);
  return (opts.readerThread ?? files > READER_MIN_FILES) ? readerParser(setup) : inlineParser(setup);
}

/**
 * Files per transaction by default. SQLite: 5000 — every commit rewrites each index page the
 * batch touched, and the ledger's and join tables' indexes take keys all over their range, so
 * larger batches write each such page fewer times (measured: commit cost per file 10 µs at
 * 1000, under 5 µs at 5000). MySQL/MariaDB: 1000, so concurrent ingesters hold row locks briefly.
 */
export function defaultBatchSize(dialect: string): number {
  return dialect === 'sqlite' ? 5000 : 1000;
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
  const { pending, files, alreadyLoaded } = await collect(store, absRoots, opts, warn);
  const summary: IngestSummary = { ...emptyCounts(), files, alreadyLoaded, read: pending.length, seconds: 0, recordsPerSecond: 0 };
  const batchSize = opts.batchSize ?? defaultBatchSize(store.dialect.name);
  const now = Date.now() / 1000;
  const setup = { rules: { preIngest: opts.preIngest ?? [], applications: opts.applications ?? [] }, reverseMap: opts.reverseMap, maxFileSize: opts.maxFileSize ?? DEFAULT_MAX_FILE_SIZE, now };
  const parser = chooseParser(setup, pending.length, batchSize, opts);
  const loader = new StoreLoader(store);
  try {
    const queue = new BatchQueue(pending, batchSize);
    let current = queue.take();
    let next = current ? parser.parse(current) : undefined;
    let done = 0;
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
          r.storedAs = quarantineCopy(r, rootOf.get(r.file)!, opts.quarantineDir, warn);
          if (r.storedAs !== null) storedAs.set(r.file, r.storedAs);
        }
        return results as LoadItem[];
      });
      const { counts, statuses } = await loader.loadChunks(loadChunks, now);
      addCounts(summary, counts);
      queue.report(counts.skipped > batch.length / 2);
      batch.forEach((f, i) => disposeFile(f.abs, f.rel, statuses[i]!, storedAs.get(f) ?? null, opts, warn));
      done += batch.length;
      opts.onProgress?.({ done, total: pending.length, records: summary.runs + summary.links + summary.pkgs });
    }
  } finally {
    await parser.close();
  }
  summary.seconds = (performance.now() - t0) / 1000;
  const records = summary.runs + summary.links + summary.pkgs + summary.duplicates;
  summary.recordsPerSecond = summary.seconds > 0 ? records / summary.seconds : 0;
  return summary;
}
