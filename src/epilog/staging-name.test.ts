import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileTimeStamp } from '../schema/spool-layout.js';
import { uuid7 } from '../schema/uuid7.js';
import { dateTimeToEpoch, parseStagingName } from './staging-name.js';

const u = uuid7();

test('pkg and start staging names of the job are parsed', () => {
  assert.deepEqual(parseStagingName(`xalt_pkg.1001.42.${u}.777.delta.2026_11_23_10_00_00_0125.john.doe.jsonl`, 1001, '42'), {
    kind: 'pkg', runUuid: u, pid: 777, syshost: 'delta', dateTime: '2026_11_23_10_00_00_0125', user: 'john.doe',
  });
  assert.deepEqual(parseStagingName(`xalt_start.1001.42.${u}.json`, 1001, '42'), { kind: 'start', runUuid: u });
  assert.deepEqual(parseStagingName(`xalt_pkg.1001.42.${u}.777.delta.2026_11_23_10_00_00_0125.john.jsonl.new`, 1001, '42'), { kind: 'rewrite', runUuid: u });
});

test("another job's, another user's or a malformed name is not the job's", () => {
  assert.equal(parseStagingName(`xalt_start.1001.12.5.${u}.json`, 1001, '12'), undefined, 'job 12 is not job 12.5');
  assert.equal(parseStagingName(`xalt_start.1001.420.${u}.json`, 1001, '42'), undefined);
  assert.equal(parseStagingName(`xalt_start.1002.42.${u}.json`, 1001, '42'), undefined);
  assert.equal(parseStagingName(`xalt_start.1001.42.${u}.json.tmp`, 1001, '42'), undefined);
  assert.equal(parseStagingName(`xalt_pkg.1001.42.${u}.notapid.delta.2026_11_23_10_00_00_0125.john.jsonl`, 1001, '42'), undefined);
  assert.equal(parseStagingName('xalt_start.1001.42.not-a-uuid-at-all-but-36-characters.json', 1001, '42'), undefined);
});

test('a staging date-time converts to an epoch whose file stamp is the same digits', () => {
  for (const dt of ['2026_11_23_10_00_00_0125', '2026_01_01_00_00_00_0000', '2026_06_30_23_59_59_9999', '2026_03_29_02_30_00_1230']) {
    const back = fileTimeStamp(dateTimeToEpoch(dt));
    // 02:30 on a DST change day may not exist locally; every other stamp must round-trip.
    if (!dt.startsWith('2026_03_29_02')) assert.equal(back, dt);
  }
});
