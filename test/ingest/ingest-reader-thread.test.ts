/**
 * Large spools are read on a helper thread (IngestOptions.readerThread): what reaches the store
 * must be exactly what reading on the main thread gives, bad files included.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chownSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingestSpools } from '../../src/ingest/ingest.js';
import { linkRecord, pkgRecord, runPair, runRecord, spoolDir, writeRecord } from '../fixtures/records.js';
import { createTestStore, testEachStore } from '../helpers/test-stores.js';
import { storeDump } from './helpers.js';

type Obj = Record<string, unknown>;

/** Good records and every kind of bad file the reader must report as the main thread does. */
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

testEachStore('reading on a helper thread loads exactly what reading on the main thread loads', async ({ store, kind }) => {
  const root = mixedSpool();
  const other = await createTestStore(kind);
  try {
    const opts = { jobs: 0, batchSize: 300, maxFileSize: 4000 };
    const inline = await ingestSpools(other.store, [root], { ...opts, readerThread: false });
    const threaded = await ingestSpools(store, [root], { ...opts, readerThread: true });
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
