/**
 * What failures cost (`report success`): core-hours lost to failed runs per executable, module
 * and library version, and the failure rate per week; and `report packages` ranked by distinct
 * users as well as runs — on a small store whose numbers are worked out by hand below. On
 * SQLite and MariaDB, narrowed by user too.
 */
import assert from 'node:assert/strict';
import { FIXTURE_EPOCH, storeRows } from '../fixtures/store-rows.js';
import { testEachStore } from '../helpers/test-stores.js';
import { xalt } from '../find/run-cli.js';

type Tables = Record<string, Record<string, string | number | null>[]>;
const H = 3600;
const WEEK = 7 * 86400;
const T = FIXTURE_EPOCH; // a Monday
const LIBC = { path: '/lib64/libc.so.6' };
const FOO1 = { path: '/sw/foo/1/lib/libfoo.so.1', module: 'foo/1' };
const FOO2 = { path: '/opt/foo2/lib/libfoo.so.2' }; // from no module

async function report(url: string, kind: string, ...more: string[]): Promise<{ doc: Record<string, unknown>; tables: Tables }> {
  const r = await xalt('report', kind, '--db', url, '--since', '2026-11-02', '--until', '2026-11-16', '--json', ...more);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as Record<string, unknown>;
  return { doc, tables: doc['tables'] as Tables };
}

const pick = (rows: Tables[string], ...keys: string[]) => rows.map((r) => keys.map((k) => (typeof r[k] === 'number' ? Math.round(Number(r[k]) * 100) / 100 : r[k])));

testEachStore('report success: core-hours lost per executable, module and library version; failure rate per week', async (s) => {
  const rows = storeRows(s.store);
  const sim = { exec_path: '/sw/chem/bin/sim', module_name: 'chem/1', run_time: H, num_cores: 4, libs: [LIBC, FOO1] };
  const md = { exec_path: '/home/bob/md', user: 'bob', run_time: 2 * H, num_cores: 8, libs: [LIBC, FOO2] };
  // week 1: sim 4 runs, one exits 2 (4 core-hours lost); md 2 runs, one killed (16 lost)
  for (let i = 0; i < 4; i++) await rows.run({ ...sim, start_time: T + i * H, exit_status: i === 0 ? 2 : 0 });
  await rows.run({ ...md, start_time: T + 86400 });
  await rows.run({ ...md, start_time: T + 86400 + H, end_reason: 'signal', exit_signal: 9, exit_status: null });
  // week 2: sim 2 runs, ok; md 2 runs, one never ended (no run time: nothing lost)
  for (let i = 0; i < 2; i++) await rows.run({ ...sim, start_time: T + WEEK + i * H });
  await rows.run({ ...md, start_time: T + WEEK + 86400 });
  await rows.run({ ...md, start_time: T + WEEK + 86400 + H, has_end: 0, run_time: 0 });

  const { doc, tables } = await report(s.url, 'success');
  assert.deepEqual(pick(tables['lost_by_executable']!, 'executable', 'lost_core_hours', 'failed', 'runs', 'failed_pct'), [['md', 16, 2, 4, 50], ['sim', 4, 1, 6, 16.67]]);
  assert.deepEqual(pick(tables['lost_by_module']!, 'module', 'lost_core_hours', 'failed', 'runs'), [['chem/1', 4, 1, 6]]);
  assert.deepEqual(pick(tables['lost_by_library']!, 'library', 'module', 'lost_core_hours', 'failed', 'runs', 'failed_pct'), [
    ['/lib64/libc.so.6', null, 20, 3, 10, 30], ['/opt/foo2/lib/libfoo.so.2', null, 16, 2, 4, 50], ['/sw/foo/1/lib/libfoo.so.1', 'foo/1', 4, 1, 6, 16.67],
  ]);
  const series = (doc['series'] as Record<string, { bucket: string; unit: string; points: { t: string; value: number }[] }>)['failure_rate_by_week']!;
  assert.equal(series.bucket, 'week');
  assert.deepEqual(series.points.map((p) => [p.t, Math.round(p.value * 100) / 100]), [['2026-11-02', 33.33], ['2026-11-09', 25]]);
  // narrowed to bob: only md
  const bob = await report(s.url, 'success', '--user', 'bob');
  assert.deepEqual(pick(bob.tables['lost_by_executable']!, 'executable', 'lost_core_hours'), [['md', 16]]);
  assert.deepEqual(pick(bob.tables['lost_by_library']!, 'library', 'runs'), [['/lib64/libc.so.6', 4], ['/opt/foo2/lib/libfoo.so.2', 4]]);
  const bobSeries = (bob.doc['series'] as Record<string, { points: { value: number }[] }>)['failure_rate_by_week']!;
  assert.deepEqual(bobSeries.points.map((p) => p.value), [50, 50]);
  const text = await xalt('report', 'success', '--db', s.url, '--since', '2026-11-02', '--until', '2026-11-16');
  assert.match(text.stdout, /Top 20 executables sorted by core-hours lost to failed runs\n/);
  assert.match(text.stdout, /Lost CoreHrs +# Failed +# Runs +Failed +Executable/);
});

testEachStore('report packages ranks by distinct users as well as by runs', async (s) => {
  const rows = storeRows(s.store);
  for (const user of ['alice', 'bob', 'carol']) await rows.run({ user, exec_path: '/usr/bin/python3', start_time: T + H, pkgs: [{ name: 'numpy', version: '1.26.4' }] });
  for (let i = 0; i < 5; i++) await rows.run({ user: 'dave', exec_path: '/usr/bin/python3', start_time: T + 2 * H + i, pkgs: [{ name: 'scipy', version: '1.11.0' }] });
  const { tables } = await report(s.url, 'packages');
  assert.deepEqual(pick(tables['packages_by_runs']!, 'package', 'runs', 'users'), [['scipy', 5, 1], ['numpy', 3, 3]]);
  assert.deepEqual(pick(tables['packages_by_users']!, 'package', 'users', 'runs'), [['numpy', 3, 3], ['scipy', 1, 5]]);
  const mine = await report(s.url, 'packages', '--user', 'alice,dave');
  assert.deepEqual(pick(mine.tables['packages_by_users']!, 'package', 'users', 'runs'), [['numpy', 1, 1], ['scipy', 1, 5]]);
});
