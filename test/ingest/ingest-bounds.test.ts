/**
 * Numbers no real run has — a probability of 1e-320, a start time of 1e308, a negative run
 * time, 200,000 libraries — used to fail the whole batch they arrived in, on every ingest,
 * with an error that named no file. Each such record is now quarantined alone with the
 * bound it broke, and every good record beside it loads, on SQLite and MariaDB alike.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ingestSpools } from '../../src/ingest/ingest.js';
import { serializeRecord } from '../../src/schema/index.js';
import { deepMerge, linkRecord, pkgRecord, recordPath, runRecord, spoolDir, writeRecord, type Overrides } from '../fixtures/records.js';
import { testEachStore } from '../helpers/test-stores.js';
import { count } from './helpers.js';

type Obj = Record<string, unknown>;
const uuidOf = (r: Obj) => (r['userT'] as Obj)['run_uuid'] as string;

testEachStore('a record with an impossible number is quarantined alone, naming the field; the rest of its batch loads', async ({ store }) => {
  const root = spoolDir();
  const good = Array.from({ length: 5 }, () => runRecord());
  // Each bad record sits under the file name its sane twin would have (a name is derived from
  // the start time, and a name that cannot be derived is a different fault).
  const bad: [string, Obj, Overrides][] = [
    ['userDT.probability', runRecord(), { userDT: { probability: 1e-320 } }],
    ['userDT.start_time', runRecord(), { userDT: { start_time: 1e308 } }],
    ['userDT.run_time', runRecord(), { userDT: { run_time: -5 } }],
    ['userDT.num_cores', runRecord(), { userDT: { num_cores: 1e15 } }],
    ['userDT.end_time', runRecord(), { userDT: { end_time: 4e9 } }],
    ['libA', runRecord(), { libA: Array.from({ length: 200_000 }, (_, i) => [`/lib/l${i}.so`, '0']) }],
    ['cmdlineA[1]', runRecord(), { cmdlineA: ['./a.out', 'x'.repeat(200_000)] }],
    ['resultT.build_epoch', linkRecord(), { resultT: { build_epoch: '1e308' } }],
  ];
  for (const r of good) writeRecord(root, 'month/hash', r);
  for (const [, sane, over] of bad) {
    const file = join(root, recordPath('month/hash', sane));
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, serializeRecord(deepMerge(sane, over) as never));
  }
  writeRecord(root, 'month/hash', pkgRecord(uuidOf(good[0]!)));

  const s = await ingestSpools(store, [root], { jobs: 0 });
  assert.equal(s.runs, 5, 'every good run loaded');
  assert.equal(s.pkgs, 1);
  assert.equal(s.quarantined, bad.length);
  assert.equal(await count(store, 'xalt_run'), 5);
  const rows = await store.all<{ reason: string; detail: string }>('SELECT reason, detail FROM xalt_quarantine');
  assert.equal(rows.length, bad.length);
  for (const [field] of bad) {
    const row = rows.find((r) => r.detail.startsWith(`${field}:`));
    assert.ok(row, `a quarantine row names ${field}: ${rows.map((r) => r.detail).join(' | ')}`);
    assert.equal(row.reason, 'out_of_range');
  }
  // A second ingest is a no-op: the bad records stay quarantined, nothing blocks.
  const again = await ingestSpools(store, [root], { jobs: 0 });
  assert.equal(again.runs + again.quarantined, 0);
});

testEachStore("a record of xalt's writers whose bytes changed after it was written is flagged crc_mismatch; XALT's records are not judged by their crc", async ({ store }) => {
  const root = spoolDir();
  const honest = runRecord();
  const edited = runRecord({ userDT: { run_time: 10 } });
  const xaltStyle = runRecord({ userDT: { schema_version: undefined } });
  for (const r of [honest, edited, xaltStyle]) writeRecord(root, 'month/hash', r);
  // change bytes of two records after they were written, keeping their crc
  for (const r of [edited, xaltStyle]) {
    const file = join(root, recordPath('month/hash', r));
    writeFileSync(file, readFileSync(file, 'utf8').replace('"run_time":10.0000', '"run_time":99.0000'));
  }
  const s = await ingestSpools(store, [root], { jobs: 0 });
  assert.equal(s.runs, 3);
  const rows = await store.all<{ run_uuid: string; flags: string; run_time: number }>('SELECT run_uuid, flags, run_time FROM xalt_run');
  const flagsOf = (r: Obj) => rows.find((x) => x.run_uuid === uuidOf(r))!.flags;
  assert.equal(flagsOf(honest), '');
  assert.equal(flagsOf(edited), 'crc_mismatch');
  assert.equal(flagsOf(xaltStyle), '', "XALT's writers compute crcs their own way");
});
