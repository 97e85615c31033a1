/**
 * Reports take one of two routes on SQLite: over a large share of the store they walk the
 * covering indexes (and read libraries in run_id order); over a small share they read the
 * period through the start_time range. Both must print the same numbers. The fixture period
 * holds 7 of 9 runs (the index route); adding 100 older runs makes it a small share (the
 * range route), and every report kind must come out the same. On MySQL/MariaDB there is one
 * route, and the check still holds.
 */
import assert from 'node:assert/strict';
import { buildReport } from '../../src/report/build-report.js';
import { REPORT_KINDS, type ReportSpec } from '../../src/report/report-spec.js';
import type { Queryable } from '../../src/db/store.js';
import { FIXTURE_EPOCH, storeRows } from '../fixtures/store-rows.js';
import { testEachStore } from '../helpers/test-stores.js';
import { seedReportStore } from './report-fixture.js';

const DAY = 86400;
const WEEK = { since: FIXTURE_EPOCH, until: FIXTURE_EPOCH + 7 * DAY };

async function everyKind(q: Queryable, syshost?: string, weighted = true): Promise<string[]> {
  const out: string[] = [];
  for (const kind of REPORT_KINDS) {
    const spec: ReportSpec = { kind, ...WEEK, top: 20, weighted, ...(syshost ? { syshost } : {}) };
    const doc = await buildReport(q, spec, 0);
    out.push(JSON.stringify({ kind, tables: doc.tables.map((t) => [t.id, t.rows]), series: doc.series ?? [] }));
  }
  return out;
}

testEachStore('every report kind gives the same numbers whether the period is most of the store or a small part of it', async (s) => {
  await seedReportStore(s.store);
  const large = [await everyKind(s.store, 'testhost'), await everyKind(s.store), await everyKind(s.store, 'testhost', false)];
  const rows = storeRows(s.store);
  for (let i = 0; i < 100; i++) {
    await rows.run({ user: `old${i % 7}`, account: 'old', job_id: `old${i}`, exec_path: '/home/old/a.out', num_cores: 1 + (i % 3), run_time: 60 * i, start_time: FIXTURE_EPOCH - 400 * DAY + i * DAY });
  }
  const small = [await everyKind(s.store, 'testhost'), await everyKind(s.store), await everyKind(s.store, 'testhost', false)];
  for (let v = 0; v < large.length; v++) {
    for (let k = 0; k < REPORT_KINDS.length; k++) assert.deepEqual(JSON.parse(small[v]![k]!), JSON.parse(large[v]![k]!), `${REPORT_KINDS[k]} (variant ${v})`);
  }
  assert.ok(large[0]!.some((j) => j.includes('LAMMPS*')), 'the reports are not empty');
});
