/**
 * What the dashboard's find pages and users view stand on, in each database: pages of a find
 * neither repeat nor skip a run, even among runs that started in the same second; the users of
 * the matching runs are counted per user, failed runs and jobs included, flagged runs left out.
 */
import assert from 'node:assert/strict';
import { findInStore } from '../../src/query/find-in-store.js';
import { findUsers } from '../../src/query/find-users.js';
import { FIXTURE_EPOCH, storeRows } from '../fixtures/store-rows.js';
import { testEachStore } from '../helpers/test-stores.js';

testEachStore('find pages cover every run once, newest first, ties in a fixed order', async ({ store }) => {
  const rows = storeRows(store);
  const T = FIXTURE_EPOCH;
  // 23 runs, several starting in the same second
  for (let i = 0; i < 23; i++) await rows.run({ user: i % 3 ? 'alice' : 'bob', exec_path: '/opt/app/bin/sim', start_time: T + Math.floor(i / 4) * 60, job_id: String(100 + (i % 5)) });
  const pages: string[][] = [];
  for (let offset = 0; ; offset += 5) {
    const page = await findInStore(store, { exec: ['sim'] }, 5, offset);
    pages.push(page.runs.map((r) => r.run_uuid));
    assert.equal(page.truncated, offset + 5 < 23, `more after offset ${offset}`);
    if (!page.truncated) break;
  }
  const all = pages.flat();
  assert.deepEqual(pages.map((p) => p.length), [5, 5, 5, 5, 3]);
  assert.equal(new Set(all).size, 23, 'no run twice');
  const once = await findInStore(store, { exec: ['sim'] }, 100);
  assert.deepEqual(all, once.runs.map((r) => r.run_uuid), 'pages in the order of one long list');
  assert.deepEqual((await findInStore(store, { exec: ['sim'] }, 5, 10)).runs.map((r) => r.run_uuid), pages[2], 'the same page again');
});

testEachStore('the users of the runs a find matches: runs, jobs, core-hours, failures, first and last use', async ({ store }) => {
  const rows = storeRows(store);
  const T = FIXTURE_EPOCH;
  await rows.run({ user: 'alice', exec_path: '/opt/app/bin/sim', start_time: T, run_time: 3600, num_cores: 4, job_id: '1' });
  await rows.run({ user: 'alice', exec_path: '/opt/app/bin/sim', start_time: T + 7200, run_time: 1800, num_cores: 4, job_id: '1', exit_status: 1 });
  await rows.run({ user: 'alice', exec_path: '/opt/app/bin/sim', start_time: T + 9000, run_time: 60, num_cores: 1, job_id: '2' });
  await rows.run({ user: 'bob', exec_path: '/opt/app/bin/sim', start_time: T + 100, run_time: 3600, num_cores: 2, job_id: 'unknown' });
  await rows.run({ user: 'bob', exec_path: '/opt/app/bin/other', start_time: T + 200, run_time: 3600, num_cores: 2, job_id: '3' });
  await rows.run({ user: 'carol', exec_path: '/opt/app/bin/sim', start_time: T + 300, run_time: 3600, flags: ['owner_mismatch'] });
  const found = await findUsers(store, { exec: ['sim'] }, 10);
  assert.equal(found.truncated, false);
  assert.deepEqual(found.rows.map((r) => ({ ...r, core_hours: Number(Number(r['core_hours']).toFixed(4)) })), [
    { user: 'alice', runs: 3, jobs: 2, core_hours: 4 + 2 + 60 / 3600, failed: 1, first_use: T, last_use: T + 9000 },
    { user: 'bob', runs: 1, jobs: 0, core_hours: 2, failed: 0, first_use: T + 100, last_use: T + 100 },
  ].map((r) => ({ ...r, core_hours: Number(r.core_hours.toFixed(4)) })));
  const one = await findUsers(store, { exec: ['sim'] }, 1);
  assert.deepEqual([one.rows.length, one.truncated], [1, true]);
  const flagged = await findUsers(store, { exec: ['sim'], includeFlagged: true }, 10);
  assert.deepEqual(flagged.rows.map((r) => r['user']), ['alice', 'bob', 'carol']);
});
