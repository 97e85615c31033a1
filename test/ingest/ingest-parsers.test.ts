/**
 * Large spools may be parsed on worker threads (`--jobs`, IngestOptions.jobs): what reaches the
 * store must be exactly what parsing on the main thread gives, bad files included.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chownSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Queryable, Store } from '../../src/db/store.js';
import { ingestSpools } from '../../src/ingest/ingest.js';
import { inlineParser, workerParser } from '../../src/ingest/parser-pool.js';
import type { FileResult } from '../../src/ingest/read-record-file.js';
import { walkSpool } from '../../src/ingest/spool-walk.js';
import { linkRecord, pkgRecord, runPair, runRecord, spoolDir, writeRecord } from '../fixtures/records.js';
import { createTestStore, testEachStore } from '../helpers/test-stores.js';
import { storeDump } from './helpers.js';

type Obj = Record<string, unknown>;

/** Good records and every kind of bad file the workers must report as the main thread does. */
function mixedSpool(): string {
  const root = spoolDir();
  for (let i = 0; i < 400; i++) {
    const { start, end } = runPair({ envT: { N: String(i) } });
    writeRecord(root, 'month/hash', start);
    writeRecord(root, 'month/hash', end);
    if (i % 4 === 0) writeRecord(root, 'month/hash', pkgRecord((end['userT'] as Obj)['run_uuid'] as string));
  }
  writeRecord(root, 'flat', linkRecord());
  writeRecord(root, 'flat', runRecord(), 'garbage');
  writeRecord(root, 'flat', runRecord(), '{"crc":"0x0000","cmdlineA":[');
  writeRecord(root, 'flat', runRecord(), '');
  writeRecord(root, 'flat', runRecord({ userT: { exec_path: `/big/${'x'.repeat(5000)}` } })); // over maxFileSize below
  writeFileSync(join(root, 'notes.json'), '{}'); // unknown name
  symlinkSync('/etc/passwd', join(root, `run.h.2024_01_01_00_00_00_0000.u.aaa.${'0'.repeat(8)}-0000-7000-8000-${'0'.repeat(12)}.json`));
  mkdirSync(join(root, 'fifo'));
  execFileSync('mkfifo', [join(root, 'fifo', `pkg.h.2024_01_01_00_00_00_0000.u.${'1'.repeat(8)}-0000-7000-8000-${'0'.repeat(12)}.abc.json`)]);
  if (process.getuid?.() === 0) chownSync(writeRecord(root, 'flat', runRecord({ userT: { user: 'alice' } })), 65534, 65534);
  return root;
}

testEachStore('parsing on worker threads loads exactly what parsing on the main thread loads', async ({ store, kind }) => {
  const root = mixedSpool();
  const other = await createTestStore(kind);
  try {
    const opts = { batchSize: 300, maxFileSize: 4000 }; // over two batches: workers are used
    const inline = await ingestSpools(other.store, [root], { ...opts, jobs: 0 });
    const threaded = await ingestSpools(store, [root], { ...opts, jobs: 2 });
    const summary = (s: Obj) => ({ ...s, seconds: 0, recordsPerSecond: 0 });
    assert.deepEqual(summary(threaded as unknown as Obj), summary(inline as unknown as Obj));
    assert.deepEqual(inline.reasons, { not_json: 1, truncated: 1, empty: 1, too_large: 1, unknown_name: 1, not_a_file: 2 });
    assert.equal(inline.runs, process.getuid?.() === 0 ? 801 : 800);
    const [a, b] = [await storeDump(other.store), await storeDump(store)];
    for (const k of Object.keys(a)) assert.deepEqual(b[k], a[k], `${k} differ`);
  } finally {
    await other.drop();
  }
});

test('a chunk asked for twice (a retried transaction) gives the same results, from worker threads too', async () => {
  const root = mixedSpool();
  const files = [...walkSpool(root, () => false, () => undefined)];
  const setup = { rules: {}, maxFileSize: 4000, now: 1 };
  const strip = (rs: FileResult[]) => rs.map((r) => ({ ...r, file: r.file.rel }));
  for (const parser of [workerParser(setup, 2), inlineParser(setup)]) {
    try {
      const chunks = parser.parse(files);
      assert.ok(chunks.length > 2);
      const first = (await Promise.all(chunks.map((c) => c()))).flat();
      const again = (await Promise.all(chunks.map((c) => c()))).flat();
      assert.equal(first.length, files.length);
      assert.deepEqual(strip(again), strip(first));
    } finally {
      await parser.close();
    }
  }
});

test('a deadlocked batch is retried whole: chunks are read again and the store ends up as after one clean load', async () => {
  const root = mixedSpool();
  const clean = await createTestStore('sqlite');
  const flaky = await createTestStore('sqlite');
  try {
    await ingestSpools(clean.store, [root], { jobs: 0, batchSize: 300, maxFileSize: 4000 });
    let failures = 0;
    const real = flaky.store;
    // a store whose transactions deadlock every other time, as a server's do under concurrent
    // ingesters (SQLite's writers never deadlock: its dialect retries nothing)
    const deadlocking: Store = Object.assign(Object.create(real) as Store, {
      dialect: { ...real.dialect, isRetryable: (err: unknown) => (err as { errno?: number }).errno === 1213 },
      transaction: <T>(fn: (tx: Queryable) => Promise<T>) => real.transaction(async (tx) => {
        const out = await fn(tx);
        if (failures++ % 2 === 0) throw Object.assign(new Error('Deadlock found when trying to get lock'), { errno: 1213 });
        return out;
      }),
    });
    const s = await ingestSpools(deadlocking, [root], { jobs: 2, batchSize: 300, maxFileSize: 4000 });
    assert.ok(failures >= 6, 'every batch failed once');
    assert.equal(s.runs, process.getuid?.() === 0 ? 801 : 800);
    const [a, b] = [await storeDump(clean.store), await storeDump(real)];
    for (const k of Object.keys(a)) assert.deepEqual(b[k], a[k], `${k} differ`);
  } finally {
    await clean.drop();
    await flaky.drop();
  }
});
