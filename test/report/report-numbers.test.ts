import assert from 'node:assert/strict';
import { xalt } from '../find/run-cli.js';
import { testEachStore } from '../helpers/test-stores.js';
import { PERIOD, seedReportStore } from './report-fixture.js';

type Tables = Record<string, Record<string, string | number | null>[]>;

async function report(url: string, kind: string, ...more: string[]): Promise<{ doc: Record<string, unknown>; tables: Tables }> {
  const r = await xalt('report', kind, '--db', url, ...PERIOD, '--json', ...more);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as Record<string, unknown>;
  return { doc, tables: doc['tables'] as Tables };
}

const pick = (rows: Tables[string], key: string, ...cols: string[]) =>
  Object.fromEntries(rows.map((r) => [String(r[key]), cols.map((c) => r[c])]));

testEachStore('overview: totals, sys vs usr and MPI vs non-MPI, weighted and unweighted', async (s) => {
  await seedReportStore(s.store);
  const { doc, tables } = await report(s.url, 'overview');
  assert.equal(doc['weighting'], '1/probability');
  assert.equal(doc['since'], '2026-11-02T00:00:00Z');
  assert.deepEqual(pick(tables['summary']!, 'measure', 'value'), {
    'Core-hours': [172.6], 'GPU-hours': [4], Runs: [10], 'Failed runs (%)': [60], Jobs: [6], Users: [4], Accounts: [3], Executables: [4], Hosts: [1],
  });
  assert.deepEqual(pick(tables['sys_vs_usr']!, 'kind', 'core_hours', 'runs', 'jobs', 'users'), {
    sys: [160.1, 4, 4, 3], usr: [12.5, 6, 3, 3], Total: [172.6, 10, 6, 4],
  });
  assert.deepEqual(pick(tables['mpi_vs_non_mpi']!, 'kind', 'core_hours', 'runs'), { MPI: [164.5, 4], 'non-MPI': [8.1, 6], Total: [172.6, 10] });
  const unweighted = await report(s.url, 'overview', '--unweighted');
  assert.equal(unweighted.doc['weighting'], 'none');
  assert.deepEqual(pick(unweighted.tables['summary']!, 'measure', 'value')['Core-hours'], [166.6]);
  assert.deepEqual(pick(unweighted.tables['summary']!, 'measure', 'value')['Runs'], [7]);
  const allClusters = await xalt('report', 'overview', '--db', s.url, '--since', '2026-11-02', '--until', '2026-11-09', '--json');
  const summary = (JSON.parse(allClusters.stdout) as { tables: Tables }).tables['summary']!;
  assert.deepEqual(pick(summary, 'measure', 'value')['Core-hours'], [182.6], 'eve\'s 10 core-hours on "other" count without --syshost');
});

testEachStore('executables: all, MPI and non-MPI by core-hours, with runs, users, accounts, jobs', async (s) => {
  await seedReportStore(s.store);
  const { tables } = await report(s.url, 'executables');
  assert.deepEqual(tables['all_by_core_hours']!.map((r) => [r['executable'], r['core_hours'], r['runs'], r['users'], r['accounts'], r['jobs']]), [
    ['LAMMPS*', 160, 2, 1, 1, 2], ['a.out', 8.5, 5, 2, 1, 2], ['vasp_gpu', 4, 1, 1, 1, 1], ['python3', 0.1, 2, 2, 1, 2],
  ]);
  assert.deepEqual(tables['mpi_by_core_hours']!.map((r) => [r['executable'], r['core_hours']]), [['LAMMPS*', 160], ['vasp_gpu', 4], ['a.out', 0.5]]);
  assert.deepEqual(tables['non_mpi_by_core_hours']!.map((r) => [r['executable'], r['core_hours'], r['runs']]), [['a.out', 8, 4], ['python3', 0.1, 2]]);
  assert.deepEqual(tables['all_by_runs']!.map((r) => r['executable']), ['a.out', 'LAMMPS*', 'python3', 'vasp_gpu']);
  const top1 = await report(s.url, 'executables', '--top', '1');
  assert.deepEqual(top1.tables['all_by_core_hours']!.map((r) => r['executable']), ['LAMMPS*']);
});

testEachStore('modules, libraries (a run counted once per module), compilers and who built what', async (s) => {
  await seedReportStore(s.store);
  const mods = (await report(s.url, 'modules')).tables;
  assert.deepEqual(pick(mods['by_core_hours']!, 'module', 'core_hours', 'runs', 'users'), { 'lammps/2023': [160, 2, 1], 'python/3.11': [0.1, 2, 2] });
  const libs = (await report(s.url, 'libraries')).tables;
  assert.deepEqual(pick(libs['modules_by_core_hours']!, 'module', 'core_hours', 'runs'), { 'openmpi/4.1': [160, 2], 'fftw/3.3': [32, 1] });
  assert.deepEqual(pick(libs['objects_by_runs']!, 'library', 'runs')['/sw/openmpi/lib/libmpi.so.40'], [2]);
  const comp = (await report(s.url, 'compilers')).tables;
  assert.deepEqual(pick(comp['by_links']!, 'compiler', 'links'), { gcc: [1], nvc: [1] });
  assert.deepEqual(pick(comp['by_core_hours']!, 'compiler', 'core_hours', 'runs', 'users'), { gcc: [8.5, 5, 2], nvc: [4, 1, 1] });
  const built = (await report(s.url, 'built')).tables;
  assert.deepEqual(pick(built['by_kind']!, 'kind', 'core_hours', 'runs'), {
    'system (from a module)': [160.1, 4], 'built by the user': [12, 5], 'built by someone else': [0.5, 1],
  });
  assert.deepEqual(built['built_by_someone_else']!.map((r) => [r['executable'], r['built_by'], r['users']]), [['a.out', 'bob', 1]]);
});

testEachStore('packages, users, accounts, runtime bins, success and GPU', async (s) => {
  await seedReportStore(s.store);
  const pk = (await report(s.url, 'packages')).tables;
  assert.deepEqual(pick(pk['packages_by_runs']!, 'package', 'runs', 'users', 'versions'), { numpy: [2, 2, 2], scipy: [1, 1, 1] });
  assert.deepEqual(pk['versions_by_runs']!.map((r) => `${r['package']} ${r['version']}`).sort(), ['numpy 1.24.0', 'numpy 1.26.4', 'scipy 1.11.0']);
  const users = (await report(s.url, 'users')).tables;
  assert.deepEqual(users['by_core_hours']!.map((r) => [r['user'], r['core_hours'], r['runs']]), [['alice', 160, 2], ['bob', 8.1, 5], ['dave', 4, 1], ['carol', 0.5, 2]]);
  const accts = (await report(s.url, 'accounts')).tables;
  assert.deepEqual(pick(accts['by_core_hours']!, 'account', 'core_hours', 'users'), { chem: [160, 1], phys: [8.6, 2], mat: [4, 1] });
  const rt = (await report(s.url, 'runtime')).tables;
  assert.deepEqual(rt['scalar']!.filter((r) => Number(r['runs']) > 0).map((r) => [r['run_time'], r['runs'], r['cumulative_pct']]), [['5–10 min', 1, 20], ['1–4 h', 4, 100]]);
  assert.deepEqual(rt['mpi']!.filter((r) => Number(r['runs']) > 0).map((r) => [r['run_time'], r['runs']]), [['10–20 min', 1], ['30 min–1 h', 1], ['1–4 h', 2]]);
  assert.equal(rt['scalar']!.length, 8, 'every bin is listed, empty ones with 0');
  const sc = (await report(s.url, 'success')).tables;
  assert.deepEqual(sc['outcomes']!.map((r) => [r['outcome'], r['detail'], r['failed'], r['runs']]), [
    ['exit', 'status 0', 'no', 4], ['exit', 'status > 0', 'yes', 4], ['signal', '', 'yes', 1], ['never_ended', '', 'yes', 1],
  ]);
  assert.deepEqual(pick(sc['summary']!, 'measure', 'value'), {
    Runs: [10], 'Failed runs': [6], 'Failure rate of runs (%)': [60], Jobs: [6], 'Jobs with a failed run': [3], 'Jobs with a failed run (%)': [50],
  });
  assert.deepEqual(pick(sc['by_executable']!, 'executable', 'runs', 'success_pct', 'exit_nonzero', 'signalled'), {
    'a.out': [5, 0, 4, 1], 'LAMMPS*': [2, 100, 0, 0], python3: [2, 50, 0, 0], vasp_gpu: [1, 100, 0, 0],
  });
  const gpu = (await report(s.url, 'gpu')).tables;
  assert.deepEqual(pick(gpu['summary']!, 'measure', 'value', 'share')['GPU runs'], [1, 10]);
  assert.deepEqual(gpu['executables']!.map((r) => [r['executable'], r['gpu_hours'], r['avg_gpus']]), [['vasp_gpu', 4, 4]]);
});

testEachStore('an empty period is an empty report, not an error', async (s) => {
  await seedReportStore(s.store);
  const r = await xalt('report', 'executables', '--db', s.url, '--since', '2020-01-01', '--until', '2020-02-01');
  assert.equal(r.code, 0);
  assert.match(r.stdout, /Top 20 All executables sorted by core-hours\n\n\(none\)/);
});
