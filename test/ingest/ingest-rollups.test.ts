/**
 * Ingest keeps what the store derives for reports — each run's library set and the daily
 * usage totals — equal to what its runs make, as it loads: new runs, ends completing starts
 * of an earlier ingest (more libraries, a run time, an outcome), starts arriving after their
 * ends, and copies. Checked against a reference computed from the stored runs after each
 * ingest, on both stores.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingestSpools } from '../../src/ingest/ingest.js';
import { serializeRecord } from '../../src/schema/index.js';
import { recordPath, spoolDir } from '../fixtures/records.js';
import { generatedRecords, USAGE_REVERSE_MAP, writeOwned } from '../fixtures/usage-records.js';
import { assertLibsetsMatchObjects, assertUsageMatchesRuns } from '../helpers/rollup-check.js';
import { testEachStore } from '../helpers/test-stores.js';
import { count } from './helpers.js';

testEachStore('ingest keeps library sets and daily totals equal to what the runs make, through a second ingest that completes, adds and repeats runs', async ({ store }) => {
  const first = spoolDir();
  const second = spoolDir();
  const runs = generatedRecords(21, 160);
  runs.forEach(({ start, end, forged }, i) => {
    const [a, b] = ([[first, first], [first, second], [second, first], [second, second]] as const)[i % 4]!;
    writeOwned(a, start, forged.start);
    if (end) writeOwned(b, end, forged.end);
    if (end && i % 10 === 0) { // a copy under another name: a duplicate
      const copy = join(second, 'copies', recordPath('flat', end));
      mkdirSync(join(copy, '..'), { recursive: true });
      writeFileSync(copy, serializeRecord(end));
    }
  });
  const options = { jobs: 0, batchSize: 7, reverseMap: USAGE_REVERSE_MAP };
  await ingestSpools(store, [first], options);
  assert.ok(await count(store, 'xalt_run', 'has_end = 0') > 20, 'the first ingest leaves starts for the second to complete');
  await assertLibsetsMatchObjects(store);
  await assertUsageMatchesRuns(store);
  if (process.getuid?.() === 0) assert.ok(await count(store, 'xalt_run', 'flagged = 1') > 3, 'some runs are flagged');
  const s = await ingestSpools(store, [second], options);
  assert.ok(s.duplicates > 0, 'copies were seen');
  assert.equal(await count(store, 'xalt_run'), runs.length);
  await assertLibsetsMatchObjects(store);
  await assertUsageMatchesRuns(store);
});
