import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runUserDT, runUserT, type RunRecord } from '../schema/run-record.js';
import { serializeRecord } from '../schema/serialize.js';
import { validateRun } from '../schema/validate.js';
import { jobEndRecord } from './end-record.js';

const start = validateRun(JSON.parse(serializeRecord({
  cmdlineA: ['a.out'], hash_id: 'f'.repeat(40), libA: [],
  userT: { syshost: 's', run_uuid: '0190a0b0-0000-7000-8000-000000000001', exec_path: '/a.out', user: 'u', job_id: '42', site_extra: 'kept' },
  userDT: { start_time: 1000.5, end_time: 0, run_time: 0, probability: 1, num_tasks: 4 },
}))).record as RunRecord;

test('the end record closes the run at the given time with job_end and an unknown exit status', () => {
  const end = jobEndRecord(start, 1100.75);
  assert.equal(end.userT.end_reason, 'job_end');
  assert.equal(end.userDT.end_time, 1100.75);
  assert.equal(end.userDT.run_time, 100.25);
  assert.equal(end.userDT.exit_status, -1);
  assert.equal(end.userDT.num_tasks, 4);
  assert.equal(end.userT['site_extra'], 'kept');
  assert.deepEqual(validateRun(JSON.parse(serializeRecord(end))).issues, []);
});

test('members come out in schema order, unknown ones last', () => {
  const end = jobEndRecord(start, 1100);
  const order = (keys: string[], table: object) => keys.filter((k) => k in table);
  assert.deepEqual(Object.keys(end.userT), [...order(Object.keys(runUserT), end.userT), 'site_extra']);
  assert.deepEqual(Object.keys(end.userDT), order(Object.keys(runUserDT), end.userDT));
  assert.equal(Object.keys(end)[0], 'crc');
});

test('a clock behind the start time gives run time 0, never negative', () => {
  assert.equal(jobEndRecord(start, 900).userDT.run_time, 0);
});
