/**
 * Batching must not change what ends up in the store: a spool loaded in big batches (where a
 * run's start and end are combined before they are inserted) leaves exactly the rows that
 * loading it one file per transaction, in the same order, leaves.
 */
import assert from 'node:assert/strict';
import { chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { TestContext } from 'node:test';
import type { Store } from '../../src/db/store.js';
import { ingestSpools } from '../../src/ingest/ingest.js';
import { serializeRecord } from '../../src/schema/index.js';
import { linkRecord, pkgRecord, recordPath, runPair, spoolDir, writeRecord } from '../fixtures/records.js';
import { createTestStore, testEachStore } from '../helpers/test-stores.js';
import { storeDump } from './helpers.js';

type Obj = Record<string, unknown>;
const uuidOf = (r: Obj) => (r['userT'] as Obj)['run_uuid'] as string;
const NOBODY = 65534;

/** Write `record` under `root/dir` with its real file name; `owner` chowns it. */
function put(root: string, dir: string, record: Obj, owner?: number): void {
  const path = join(root, dir, recordPath('flat', record));
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, serializeRecord(record));
  if (owner !== undefined) chownSync(path, owner, owner);
}

/** A start and an end that differ in more than the end's columns, so which one leads shows. */
function distinctPair(i: number): { start: Obj; end: Obj } {
  const libA = (n: number) => Array.from({ length: n }, (_, k) => [`/opt/lib${i % 3}/libx${k}.so.1`, '0']);
  const { start, end } = runPair({ libA: libA(6), envT: { A: `end-${i}`, B: 'b' }, userT: { cwd: `/end/${i}`, user: 'alice' }, userDT: { exit_status: i % 4 } });
  return { start: { ...start, libA: libA(3), envT: { A: `start-${i}`, C: 'c' }, userT: { ...(start['userT'] as Obj), cwd: `/start/${i}` } }, end };
}

/**
 * Records in dirs `a/`..`d/`: walked in that order, so an end in `a/` comes before its start in
 * `b/`. As root, every other run's files belong to another user than the record names (loaded
 * flagged), and one run gets a copy of its end from that other user (quarantined as foreign).
 */
function spool(root: string, earlier: string, owned: boolean): void {
  for (let i = 0; i < 12; i++) {
    const { start, end } = distinctPair(i);
    const owner = owned && i % 2 === 0 ? NOBODY : undefined;
    switch (i % 6) {
      case 0: put(root, 'b', start, owner); put(root, 'b', end, owner); break; // start, then end (same dir)
      case 1: put(root, 'a', end, owner); put(root, 'b', start, owner); break; // end first
      case 2: put(root, 'b', start, owner); put(root, 'c', start, owner); put(root, 'c', end, owner); put(root, 'd', end, owner); break; // copies of both
      case 3: put(earlier, 'x', start, owner); put(root, 'c', end, owner); put(root, 'd', start, owner); break; // start loaded by an earlier run
      case 4: put(earlier, 'x', end, owner); put(root, 'a', start, owner); put(root, 'b', end, owner); break; // end loaded earlier, then both
      case 5: put(root, 'a', end, owner); put(root, 'a', start, owner); if (owned) put(root, 'c', end, NOBODY); break; // same dir: start sorts first; another user's copy
    }
    if (i % 3 === 0) writeRecord(root, 'month/hash', pkgRecord(uuidOf(end)));
  }
  writeRecord(root, 'month/hash', linkRecord());
}

async function ingestBoth(t: TestContext, into: [Store, Store], root: string): Promise<[Obj, Obj]> {
  t.mock.method(Math, 'random', () => 0); // batches in spool order, so both loads see one order
  try {
    const one = await ingestSpools(into[0], [root], { jobs: 0, batchSize: 1 });
    const big = await ingestSpools(into[1], [root], { jobs: 0 });
    const counts = (s: Obj) => ({ ...s, seconds: 0, recordsPerSecond: 0 });
    return [counts(one as unknown as Obj), counts(big as unknown as Obj)];
  } finally {
    t.mock.restoreAll();
  }
}

testEachStore('big batches (start and end combined) load exactly what one file per transaction loads', async ({ store, kind }, t) => {
  const other = await createTestStore(kind);
  try {
    const root = spoolDir();
    const earlier = spoolDir();
    spool(root, earlier, process.getuid?.() === 0);
    const first = await ingestBoth(t, [other.store, store], earlier);
    assert.deepEqual(first[1], first[0]);
    const [one, big] = await ingestBoth(t, [other.store, store], root);
    assert.deepEqual(big, one, 'same summary');
    assert.ok(one['duplicates'] as number >= 4 && one['runs'] as number >= 20, `the spool exercises merges and copies: ${JSON.stringify(one)}`);
    const [a, b] = [await storeDump(other.store), await storeDump(store)];
    for (const k of Object.keys(a)) assert.deepEqual(b[k], a[k], `${k} differ`);
    const runs = a['runs'] as Obj[];
    assert.ok(runs.some((r) => String(r['cwd']).startsWith('/end/')) && runs.some((r) => String(r['cwd']).startsWith('/start/')), 'both orders occur');
  } finally {
    await other.drop();
  }
});
