/**
 * Load bundles (bundle-read.ts) into the store. Each entry is loaded like a record file named
 * `<bundle path>#<n>` — claimed in the ledger under that name, so an entry is loaded once
 * however often its bundle is read, merged, counted and quarantined on its own — with the owner
 * uid of its entry line as the truth about whose record it is. The bundle itself enters the
 * ledger in the transaction that holds its last entries: a bundle in the ledger is never read
 * again; one read part-way when an ingest died is read again and its loaded entries skipped.
 *
 * An untrusted or unreadable bundle is quarantined whole (one ledger row, one quarantine row,
 * a copy), and never deleted. Bundles are read on this thread, one at a time, in batches that
 * may span many small bundles or part of a large one.
 */
import { closeSync } from 'node:fs';
import { openBundle, readEntries, type BundleEntry } from './bundle-read.js';
import { interpretRecord } from './interpret.js';
import type { ReadContext } from './read-record-file.js';
import { pathHash, type SpoolFile } from './spool-walk.js';
import { parseRecordFileName } from '../schema/index.js';
import type { BatchCounts, LedgerRow, LoadItem, StoreLoader } from './store-loader.js';

/** A bundle found in a spool. */
export interface PendingBundle extends SpoolFile {
  readonly root: string;
}

export interface BundleRun {
  readonly loader: StoreLoader;
  readonly ctx: ReadContext;
  readonly euid: number;
  readonly batchSize: number;
  readonly now: number;
  /** true when the ledger already holds this hash (entries of a bundle read part-way before) */
  loaded(hash: string): boolean;
  /** keep a quarantine copy; where it went, or null */
  keep(root: string, rel: string, text: string | Buffer): string | null;
  /** after commit: delete or archive a bundle if asked to (only called when nothing of it is left only there) */
  dispose(bundle: PendingBundle): void;
  addCounts(c: BatchCounts): void;
  progress(): void;
}

/** What reading the bundles adds to the ingest summary. */
export interface BundleCounts {
  /** bundles read (not already in the ledger) */
  read: number;
  /** entries found in them */
  entries: number;
  /** entries skipped because the ledger had them (a bundle read part-way before) */
  entriesLoaded: number;
}

/** The ledger name of a bundle's entry `index`. */
export function entryRel(bundleRel: string, index: number): string {
  return `${bundleRel}#${index}`;
}

function entryFile(b: PendingBundle, e: BundleEntry): SpoolFile {
  const rel = entryRel(b.rel, e.index);
  const parsed = parseRecordFileName(e.name);
  return { abs: b.abs, rel, hash: pathHash(rel), kind: parsed?.kind, nameUser: parsed?.user ?? '' };
}

/** An entry → the item the loader takes (interpreted; its quarantine copy kept now). */
function entryItem(b: PendingBundle, e: BundleEntry, file: SpoolFile, mtime: number, bundleUid: number, run: BundleRun): LoadItem {
  if (!e.ok) {
    const named = e.name ? `${e.name}: ` : '';
    const storedAs = e.raw !== undefined ? run.keep(b.root, file.rel, e.raw) : null;
    return { file, size: e.raw?.length ?? 0, mtime, outcome: { status: 'quarantine', reason: e.reason, detail: `${named}${e.detail}` }, storedAs };
  }
  const size = Buffer.byteLength(e.text);
  const named = `${e.name} (owner uid ${e.ownerUid}): `;
  const quarantine = (reason: 'unknown_name' | 'untrusted_entry', detail: string): LoadItem =>
    ({ file, size, mtime, outcome: { status: 'quarantine', reason, detail: `${named}${detail}` }, storedAs: run.keep(b.root, file.rel, e.text) });
  if (!file.kind) return quarantine('unknown_name', 'not a run., link. or pkg. record file name');
  // a bundle written by an ordinary account (xalt-ship without root) vouches for that account only
  if (bundleUid !== 0 && e.ownerUid !== bundleUid) return quarantine('untrusted_entry', `owner uid ${e.ownerUid} in a bundle owned by uid ${bundleUid}, which can vouch only for its own records`);
  const owner = { uid: e.ownerUid, name: run.ctx.users.nameOf(e.ownerUid), nameUser: file.nameUser, flags: e.flags };
  const outcome = interpretRecord(file.kind, e.text, owner, run.ctx);
  const withDetail = outcome.status === 'quarantine' ? { ...outcome, detail: `${named}${outcome.detail}` } : outcome;
  const copy = outcome.status === 'quarantine' || (outcome.status === 'record' && outcome.ownerMismatch);
  return { file, size, mtime, outcome: withDetail, storedAs: copy ? run.keep(b.root, file.rel, e.text) : null };
}

/** Load `bundles`; returns what was read. Throws only when the store fails (nothing uncommitted is disposed of). */
export async function ingestBundles(bundles: readonly PendingBundle[], run: BundleRun): Promise<BundleCounts> {
  const counts: BundleCounts = { read: 0, entries: 0, entriesLoaded: 0 };
  let items: LoadItem[] = [];
  let done: { bundle: PendingBundle; row: LedgerRow | null }[] = [];
  /** bundles an entry of which was quarantined without a copy: the original must stay */
  const keepOriginal = new Set<PendingBundle>();
  const itemBundle = new Map<LoadItem, PendingBundle>();
  const flush = async () => {
    if (items.length === 0 && done.length === 0) return;
    const { counts: c, statuses } = await run.loader.loadBatch(items, run.now, done.flatMap((d) => (d.row ? [d.row] : [])));
    run.addCounts(c);
    items.forEach((item, i) => {
      if (statuses[i] === 'quarantined' && !item.storedAs) keepOriginal.add(itemBundle.get(item)!);
    });
    for (const d of done) if (!keepOriginal.has(d.bundle)) run.dispose(d.bundle);
    items = [];
    done = [];
    itemBundle.clear();
    run.progress();
  };
  const push = async (b: PendingBundle, item: LoadItem) => {
    items.push(item);
    itemBundle.set(item, b);
    if (items.length >= run.batchSize) await flush();
  };
  for (const b of bundles) {
    counts.read++;
    const opened = openBundle(b.abs, run.euid, run.ctx.maxFileSize);
    if (!opened.ok) {
      // the bundle itself is the quarantined file; its ledger row is its claim
      const storedAs = opened.bytes ? run.keep(b.root, b.rel, opened.bytes) : null;
      await push(b, { file: b, size: opened.size, mtime: opened.mtime, outcome: { status: 'quarantine', reason: opened.reason, detail: opened.detail }, storedAs });
      done.push({ bundle: b, row: null });
      continue;
    }
    try {
      for (const e of readEntries(opened.fd, run.ctx.maxFileSize)) {
        counts.entries++;
        const file = entryFile(b, e);
        if (run.loaded(file.hash)) { counts.entriesLoaded++; continue; }
        await push(b, entryItem(b, e, file, opened.mtime, opened.uid, run));
      }
    } finally {
      closeSync(opened.fd);
    }
    done.push({ bundle: b, row: { hash: b.hash, rel: b.rel, size: opened.size, mtime: opened.mtime } });
  }
  await flush();
  return counts;
}
