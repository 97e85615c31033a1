/**
 * Every report takes --user, --account, --module and --exec beside --syshost. The overview and
 * libraries reports read daily totals that cannot be split by user or account, so a narrowed
 * report computes them from the runs: its numbers must equal the reference computed from the
 * selected runs (reference-reports.ts), for whole days and days cut at both ends. Every other
 * kind must count only the selected runs. On SQLite, MariaDB and PostgreSQL (whose distinct
 * counts of a report narrowed by user, account or module come from the daily tuples, and by
 * executable from the runs); bad filter values are usage errors.
 */
import assert from 'node:assert/strict';
import type { DocTable } from '../../src/document/document.js';
import { buildReport } from '../../src/report/build-report.js';
import { REPORT_KINDS, type ReportSpec } from '../../src/report/report-spec.js';
import type { RunSelection } from '../../src/query/run-selection.js';
import { FIXTURE_EPOCH, storeRows } from '../fixtures/store-rows.js';
import { generatedRuns } from '../fixtures/usage-runs.js';
import { close } from '../helpers/rollup-check.js';
import { testEachStore } from '../helpers/test-stores.js';
import { xalt } from '../find/run-cli.js';
import { referenceLibraries, referenceOverview, type RefRow } from './reference-reports.js';

const DAY = 86400;
const T = FIXTURE_EPOCH;

const SELECTIONS: readonly RunSelection[] = [
  { user: ['alice'] },
  { user: ['bob', 'carol'], account: ['chem', 'bio'] },
  { module: ['openmpi'] }, // a library's module: runs that loaded it
  { module: ['gromacs/2024', 'python'] },
  { exec: ['a.out'] },
  { exec: ['/sw/gromacs/*'], user: ['dave', 'eve', 'frank'] },
  { user: ['alice', 'grace'], module: ['openmpi'] }, // users and a module: on servers, both over the daily tuples
  { account: ['phys', 'unknown'], module: ['gromacs'] },
];
const PERIODS: readonly Omit<ReportSpec, 'kind'>[] = [
  { since: T - DAY, until: T + 8 * DAY, top: 50, weighted: true },
  { since: T + DAY + 5000.5, until: T + 3 * DAY + 777, top: 50, weighted: false, syshost: 'alpha' },
  { since: T - DAY, until: T + 8 * DAY, top: 50, weighted: true, includeFlagged: true },
];

/** The table's rows equal the reference rows, matched by `label` (order aside). */
function assertRows(t: DocTable | undefined, expected: readonly RefRow[], label: string, what: string): void {
  assert.ok(t, `${what}: table present`);
  const sorted = (rows: readonly Record<string, unknown>[]) => [...rows].sort((a, b) => (String(a[label]) < String(b[label]) ? -1 : String(a[label]) > String(b[label]) ? 1 : Number(a['runs']) - Number(b['runs'])));
  const got = sorted(t.rows);
  const want = sorted(expected);
  assert.deepEqual(got.map((r) => r[label]), want.map((r) => r[label]), `${what}: rows`);
  want.forEach((e, i) => {
    for (const [k, v] of Object.entries(e)) {
      if (typeof v === 'number') assert.ok(close(Number(got[i]![k]), v), `${what} ${String(e[label])} ${k}: ${String(got[i]![k])} ≠ ${v}`);
      else assert.equal(got[i]![k], v, `${what} ${String(e[label])} ${k}`);
    }
  });
}

testEachStore('a report narrowed to users, accounts, modules or executables equals the reference over those runs', async (s) => {
  const rows = storeRows(s.store);
  for (const run of generatedRuns(51, 300)) await rows.run(run);
  let seen = 0;
  for (const selection of SELECTIONS) {
    for (const [p, period] of PERIODS.entries()) {
      const what = `${JSON.stringify(selection)} period ${p}`;
      const spec = { ...period, selection };
      const overview = await buildReport(s.store, { kind: 'overview', ...spec }, 0);
      const ref = await referenceOverview(s.store, { kind: 'overview', ...spec });
      for (const [id, label] of [['summary', 'measure'], ['sys_vs_usr', 'kind'], ['mpi_vs_non_mpi', 'kind'], ['top_executables', 'executable'], ['top_modules', 'module']] as const) {
        assertRows(overview.tables.find((t) => t.id === id), ref.tables[id]!, label, `${what} overview ${id}`);
      }
      const series = overview.series!.find((x) => x.id === 'runs_by_time')!;
      for (const point of series.points) assert.ok(close(point.value, ref.days[point.t]?.runs ?? 0), `${what} runs on ${point.t}`);
      const libs = await buildReport(s.store, { kind: 'libraries', ...spec }, 0);
      const refLibs = await referenceLibraries(s.store, { kind: 'libraries', ...spec });
      assertRows(libs.tables.find((t) => t.id === 'modules_by_core_hours'), refLibs['modules_by_core_hours']!, 'module', `${what} libraries modules`);
      assertRows(libs.tables.find((t) => t.id === 'objects_by_runs'), refLibs['objects_by_runs']!, 'library', `${what} libraries objects`);
      // the other kinds count the same runs: their totals equal the overview's
      const total = Number(ref.tables['summary']!.find((r) => r['measure'] === 'Runs')!['value']);
      const execs = await buildReport(s.store, { kind: 'executables', ...spec }, 0);
      assert.ok(close(execs.tables.find((t) => t.id === 'all_by_runs')!.rows.reduce((n, r) => n + Number(r['runs']), 0), total), `${what}: executables`);
      const users = await buildReport(s.store, { kind: 'users', ...spec }, 0);
      assert.ok(close(users.tables[0]!.rows.reduce((n, r) => n + Number(r['runs']), 0), total), `${what}: users`);
      if (selection.user) assert.ok(users.tables[0]!.rows.every((r) => selection.user!.includes(String(r['user']))), `${what}: only the selected users`);
      const success = await buildReport(s.store, { kind: 'success', ...spec }, 0);
      assert.ok(close(Number(success.tables[0]!.rows.find((r) => r['measure'] === 'Runs')!['value']), total), `${what}: success`);
      const runtime = await buildReport(s.store, { kind: 'runtime', ...spec }, 0);
      assert.ok(runtime.tables.length > 0);
      seen += total;
    }
  }
  assert.ok(seen > 100, 'the selections hold runs');
  // every kind takes every filter
  for (const kind of REPORT_KINDS) {
    const doc = await buildReport(s.store, { kind, ...PERIODS[0]!, selection: { user: ['alice', 'bob'], account: ['chem'], module: ['openmpi'], exec: ['LAMMPS*', 'sim'] } }, 0);
    assert.ok(doc.meta.some((m) => m.key === 'runs_of' && m.value === '--user alice,bob --account chem --exec LAMMPS*,sim --module openmpi'), kind);
  }
});

testEachStore('report filters on the command line: comma lists, the header, and bad values', async (s) => {
  const rows = storeRows(s.store);
  for (const run of generatedRuns(52, 120)) await rows.run(run);
  const period = ['--since', '2026-11-01', '--until', '2026-11-10'];
  const r = await xalt('report', 'users', '--db', s.url, ...period, '--user', 'alice,bob', '--json');
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { runs_of: string; tables: { by_core_hours: { user: string }[] } };
  assert.equal(doc.runs_of, '--user alice,bob');
  assert.deepEqual(doc.tables.by_core_hours.map((u) => u.user).sort(), ['alice', 'bob']);
  const text = await xalt('report', 'overview', '--db', s.url, ...period, '-u', 'carol', '-m', 'openmpi', '-A', 'chem,phys', '-e', '/sw/*');
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^ {2}Runs of: +--user carol --account chem,phys --exec \/sw\/\* --module openmpi$/m);
  for (const [args, message] of [[['--user', ','], /--user ",": no value given/], [['--module', ''], /--module "": no value given/], [['--since', 'Tuesday'], /--since "Tuesday": not a date/]] as const) {
    const bad = await xalt('report', 'overview', '--db', s.url, ...args);
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, message);
    assert.equal(bad.stderr.split('\n').filter((l) => l.startsWith('xalt: error:')).length, 1);
  }
});
