/**
 * The overview and libraries reports read daily usage totals and library sets, which ingest
 * keeps and migration 2 backfills. Their numbers must equal a reference computed the plain
 * way from the stored runs (reference-reports.ts), for periods of whole days, periods cut
 * inside days at both ends, a period inside one day, a cluster, weighted and unweighted — in
 * a store built run by run, in a store loaded by two ingests (checked after each: end records
 * complete runs of the first), after a purge that cuts a day and after rebuild-rollups, and in
 * a store of schema 1 migrated to the latest. Jobs have runs on several days, some a hair
 * before or at midnight. On SQLite, MariaDB and PostgreSQL (which read the distinct counts
 * from the daily tuples, xalt_tuple_day).
 */
import assert from 'node:assert/strict';
import { LATEST_SCHEMA_VERSION, migrate } from '../../src/db/migrations/migrations.js';
import { purgeRuns } from '../../src/db/purge-runs.js';
import { rebuildRollups } from '../../src/db/rollups.js';
import type { Queryable } from '../../src/db/store.js';
import { ingestSpools } from '../../src/ingest/ingest.js';
import type { DocTable } from '../../src/document/document.js';
import { buildReport } from '../../src/report/build-report.js';
import type { ReportSpec } from '../../src/report/report-spec.js';
import { spoolDir } from '../fixtures/records.js';
import { FIXTURE_EPOCH, storeRows } from '../fixtures/store-rows.js';
import { generatedRecords, USAGE_REVERSE_MAP, writeOwned } from '../fixtures/usage-records.js';
import { generatedRuns } from '../fixtures/usage-runs.js';
import { assertUsageMatchesRuns, close } from '../helpers/rollup-check.js';
import { createTestStore, testEachStore } from '../helpers/test-stores.js';
import { referenceLibraries, referenceOverview, type RefRow } from './reference-reports.js';

const DAY = 86400;
const T = FIXTURE_EPOCH;

const PERIODS: readonly Omit<ReportSpec, 'kind'>[] = [
  { since: T - DAY, until: T + 8 * DAY, top: 20, weighted: true }, // whole days: the stored totals only
  { since: T + DAY + 5000.5, until: T + 3 * DAY + 777, top: 20, weighted: false, syshost: 'alpha' }, // cut inside a day at both ends
  { since: T + 2 * DAY + 3600, until: T + 2 * DAY + 30000, top: 20, weighted: true }, // inside one day
  { since: T + DAY, until: T + 3 * DAY, top: 20, weighted: true, syshost: 'beta' }, // from midnight to midnight
  { since: T - DAY, until: T + 8 * DAY, top: 20, weighted: true, includeFlagged: true }, // flagged runs too: stored totals plus theirs
  { since: T + DAY + 5000.5, until: T + 3 * DAY + 777, top: 20, weighted: false, includeFlagged: true }, // … and cut inside days
];

/**
 * The report's table equals the reference rows: the same rows (matched by `label`, then by
 * their measures where two rows share a label — one path on two clusters), and in `sortBy` order.
 */
function assertTable(t: DocTable | undefined, expected: readonly RefRow[], label: string, sortBy: string | null, what: string): void {
  assert.ok(t, `${what}: table present`);
  const measures = ['runs', 'core_hours', 'users', 'accounts', 'jobs'];
  const byMeasures = (a: Record<string, unknown>, b: Record<string, unknown>) => measures.reduce((d, m) => d || Number(a[m] ?? 0) - Number(b[m] ?? 0), 0);
  const canonical = (rows: readonly Record<string, unknown>[]) => [...rows].sort((a, b) => (String(a[label]) < String(b[label]) ? -1 : String(a[label]) > String(b[label]) ? 1 : byMeasures(a, b)));
  const got = canonical(t.rows);
  assert.deepEqual(got.map((r) => r[label]), canonical(expected).map((r) => r[label]), `${what}: rows`);
  canonical(expected).forEach((e, i) => {
    for (const [k, v] of Object.entries(e)) {
      const x: unknown = got[i]![k];
      if (typeof v === 'number') assert.ok(typeof x === 'number' && close(x, v), `${what} ${String(e[label])} ${k}: ${String(x)} ≠ ${v}`);
      else assert.equal(x, v, `${what} ${String(e[label])} ${k}`);
    }
  });
  if (sortBy === null) return;
  const keys = t.rows.filter((r) => r[label] !== 'Total').map((r) => Number(r[sortBy]));
  keys.forEach((k, i) => assert.ok(i === 0 || k <= keys[i - 1]! * (1 + 1e-9) + 1e-9, `${what}: sorted by ${sortBy}`));
}

async function assertReportsMatch(q: Queryable, where: string): Promise<void> {
  let seen = 0;
  for (const [p, period] of PERIODS.entries()) {
    const what = `${where}, period ${p}`;
    const overview = await buildReport(q, { kind: 'overview', ...period }, 0);
    const ref = await referenceOverview(q, { kind: 'overview', ...period });
    const keys: Record<string, [string, string | null]> = {
      summary: ['measure', null], sys_vs_usr: ['kind', 'core_hours'], mpi_vs_non_mpi: ['kind', 'core_hours'], top_executables: ['executable', 'core_hours'], top_modules: ['module', 'core_hours'],
    };
    for (const [id, [label, sortBy]] of Object.entries(keys)) assertTable(overview.tables.find((t) => t.id === id), ref.tables[id]!, label, sortBy, `${what} overview ${id}`);
    for (const [id, key] of [['core_hours_by_time', 'core_hours'], ['runs_by_time', 'runs']] as const) {
      const series = overview.series?.find((s) => s.id === id);
      assert.ok(series && series.bucket === 'day', `${what} ${id}`);
      for (const point of series.points) assert.ok(close(point.value, ref.days[point.t]?.[key] ?? 0), `${what} ${id} ${point.t}: ${point.value}`);
      assert.ok(Object.keys(ref.days).every((d) => series.points.some((x) => x.t === d)), `${what} ${id}: every day with runs is charted`);
    }
    const libraries = await buildReport(q, { kind: 'libraries', ...period }, 0);
    const refLibs = await referenceLibraries(q, { kind: 'libraries', ...period });
    assertTable(libraries.tables.find((t) => t.id === 'modules_by_core_hours'), refLibs['modules_by_core_hours']!, 'module', 'core_hours', `${what} libraries modules`);
    assertTable(libraries.tables.find((t) => t.id === 'objects_by_runs'), refLibs['objects_by_runs']!, 'library', 'runs', `${what} libraries objects`);
    seen += refLibs['objects_by_runs']!.length + ref.tables['top_executables']!.length;
  }
  assert.ok(seen > 20, `${where}: the periods hold runs`);
}

testEachStore('overview and libraries equal the reference: a store built run by run', async (s) => {
  const rows = storeRows(s.store);
  for (const run of generatedRuns(31, 300)) await rows.run(run);
  await assertReportsMatch(s.store, 'built');
});

testEachStore('overview and libraries equal the reference: a store loaded by two ingests, after each', async (s) => {
  const first = spoolDir();
  const second = spoolDir();
  generatedRecords(32, 240).forEach(({ start, end, forged }, i) => {
    writeOwned(i % 3 === 0 ? second : first, start, forged.start);
    if (end) writeOwned(i % 2 === 0 ? second : first, end, forged.end); // many ends complete runs of the first ingest
  });
  const options = { jobs: 0, batchSize: 9, reverseMap: USAGE_REVERSE_MAP };
  await ingestSpools(s.store, [first], options);
  await assertReportsMatch(s.store, 'first ingest');
  await ingestSpools(s.store, [second], options);
  await assertReportsMatch(s.store, 'second ingest');
});

testEachStore('overview and libraries equal the reference: after a purge, and after rebuild-rollups', async (s) => {
  const spool = spoolDir();
  for (const { start, end, forged } of generatedRecords(34, 240)) {
    writeOwned(spool, start, forged.start);
    if (end) writeOwned(spool, end, forged.end);
  }
  await ingestSpools(s.store, [spool], { jobs: 0, batchSize: 9, reverseMap: USAGE_REVERSE_MAP });
  // inside a day: the day keeps some of its tuples, and jobs some of their runs
  const purged = await purgeRuns(s.store, { before: T + 2 * DAY + 40000 });
  assert.ok(purged.runs > 20, 'runs were purged');
  await assertUsageMatchesRuns(s.store);
  await assertReportsMatch(s.store, 'after purge');
  await s.store.run(`UPDATE xalt_tuple_day SET runs = runs + 1, job_id = 'ghost' WHERE day % 2 = 1`);
  await s.store.transaction((tx) => rebuildRollups(tx));
  await assertUsageMatchesRuns(s.store);
  await assertReportsMatch(s.store, 'after rebuild-rollups');
});

testEachStore('overview and libraries equal the reference: a store of schema 1 migrated', async (s) => {
  const old = await createTestStore(s.kind, 1);
  try {
    const rows = storeRows(old.store, { derive: false, schema: 1 });
    for (const run of generatedRuns(33, 300)) await rows.run(run);
    await assert.rejects(buildReport(old.store, { kind: 'overview', ...PERIODS[0]! }, 0), new RegExp(`schema 1; reports need schema ${LATEST_SCHEMA_VERSION}`), 'reports ask for a migration');
    await migrate(old.store);
    await assertReportsMatch(old.store, 'migrated');
  } finally {
    await old.drop();
  }
});
