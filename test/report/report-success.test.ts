/**
 * `xalt report success` and the core- and GPU-hours beside it, on the runs the issue describes:
 * a job whose five runs end ok, ok, exit 2, SIGSEGV and SIGABRT (failure rate 60 %, not 33 %);
 * runs the scheduler killed at job end (TIMEOUT, CANCELLED, state unknown) and one a COMPLETED
 * job left behind; a run that never ended; a run with 8 CPUs per task; a run that used GPUs and
 * one that merely saw them; and a forged record (flagged owner_mismatch), left out unless asked.
 * Records by the real serializer, loaded by the real ingest, reported through the CLI.
 */
import assert from 'node:assert/strict';
import { chownSync } from 'node:fs';
import { ingestSpools } from '../../src/ingest/ingest.js';
import { linkRecord, pkgRecord, runPair, spoolDir, writeRecord } from '../fixtures/records.js';
import { FIXTURE_EPOCH } from '../fixtures/store-rows.js';
import { xalt } from '../find/run-cli.js';
import { testEachStore } from '../helpers/test-stores.js';

type Obj = Record<string, unknown>;
type Tables = Record<string, Record<string, string | number | null>[]>;
const isRoot = process.getuid?.() === 0;
const PERIOD = ['--since', '2026-11-02', '--until', '2026-11-03'];

interface Run { job: string; userT?: Obj; userDT?: Obj; startOnly?: boolean; forged?: boolean }
const EXIT = { end_reason: 'exit' };
const jobEnd = (state: string): Pick<Run, 'userT' | 'userDT'> => ({ userT: { end_reason: 'job_end', job_state: state }, userDT: { exit_status: -1 } });

const RUNS: Run[] = [
  { job: '2001', userT: EXIT, userDT: { exit_status: 0, num_gpus: 4, gpu_used: 0 } }, // GPUs visible, not used
  { job: '2001', userT: EXIT, userDT: { exit_status: 0 } },
  { job: '2001', userT: EXIT, userDT: { exit_status: 2 } },
  { job: '2001', userT: { end_reason: 'signal' }, userDT: { exit_status: -1, signal: 11 } },
  { job: '2001', userT: { end_reason: 'signal' }, userDT: { exit_status: -1, signal: 6 } },
  { job: '2002', ...jobEnd('TIMEOUT'), userDT: { exit_status: -1, num_tasks: 2, cpus_per_task: 8, num_cores: 16 } },
  { job: '2003', ...jobEnd('CANCELLED by 1000') },
  { job: '2004', ...jobEnd('COMPLETED'), userDT: { exit_status: -1, cpus_per_task: 4, num_cores: 4 } },
  { job: '2005', ...jobEnd('') },
  { job: '2006', startOnly: true },
  { job: '2007', userT: EXIT, userDT: { exit_status: 0, num_gpus: 2, gpu_used: 1 } },
  { job: '2008', userT: EXIT, userDT: { exit_status: 1 }, forged: true },
];

async function seed(store: Parameters<typeof ingestSpools>[0]): Promise<void> {
  const root = spoolDir();
  RUNS.forEach((r, i) => {
    const t = FIXTURE_EPOCH + 3600 + 60 * i;
    const { start, end } = runPair({
      userT: { job_id: r.job, user: 'alice', ...(r.userT ?? {}) },
      userDT: { start_time: t, end_time: t + 3600, run_time: 3600, num_tasks: 1, cpus_per_task: 1, num_cores: 1, num_gpus: 0, gpu_used: 0, schema_version: 2, ...(r.userDT ?? {}) },
    });
    Object.assign(start['userT'] as Obj, { end_reason: '', job_state: '' });
    for (const rec of r.startOnly ? [start] : [start, end]) {
      const path = writeRecord(root, 'flat', rec);
      if (r.forged && isRoot) chownSync(path, 65534, 65534);
    }
  });
  await ingestSpools(store, [root], { jobs: 0 });
}

async function report(url: string, kind: string, ...more: string[]): Promise<{ doc: Obj; tables: Tables }> {
  const r = await xalt('report', kind, '--db', url, ...PERIOD, '--json', ...more);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as Obj;
  return { doc, tables: doc['tables'] as Tables };
}

const measures = (rows: Tables[string]) => Object.fromEntries(rows.map((r) => [String(r['measure']), Math.round(Number(r['value']) * 100) / 100]));

testEachStore('report success: outcomes with job states, and failure rates of runs and jobs to set beside Slurm', async (s, t) => {
  if (!isRoot) t.diagnostic('not root: the forged record cannot be chowned and counts as an ordinary run');
  await seed(s.store);
  const { doc, tables } = await report(s.url, 'success');
  const forged = isRoot ? 0 : 1; // without root the "forged" run is an ordinary failed run of job 2008
  assert.deepEqual(tables['outcomes']!.map((r) => [r['outcome'], r['detail'], r['failed'], r['runs']]), [
    ['exit', 'status 0', 'no', 3], ['exit', 'status > 0', 'yes', 1 + forged], ['signal', '', 'yes', 2],
    ['job_end', 'COMPLETED', 'no', 1], ['job_end', 'CANCELLED', 'yes', 1], ['job_end', 'TIMEOUT', 'yes', 1], ['job_end', 'state unknown', 'yes', 1],
    ['never_ended', '', 'yes', 1],
  ]);
  assert.deepEqual(measures(tables['summary']!), {
    Runs: 11 + forged, 'Failed runs': 7 + forged, 'Failure rate of runs (%)': forged ? 66.67 : 63.64,
    Jobs: 7 + forged, 'Jobs with a failed run': 5 + forged, 'Jobs with a failed run (%)': forged ? 75 : 71.43,
  });
  assert.deepEqual([doc['flagged'], doc['flagged_runs']], ['left out', isRoot ? 1 : 0]);
  const a = tables['by_executable']!.find((r) => r['executable'] === 'a.out')!;
  assert.deepEqual([a['runs'], a['ok'], a['exit_nonzero'], a['signalled'], a['job_end'], a['never_ended']], [11 + forged, 4, 1 + forged, 2, 3, 1]);
  const text = await xalt('report', 'success', '--db', s.url, ...PERIOD);
  assert.match(text.stdout, /Flagged: {3}(1 in the period, left out \(--include-flagged includes them\)|none in the period)\n/);
  assert.match(text.stdout, /Failure rate of runs \(%\) +6\d\.\d/);
});

testEachStore('--include-flagged counts the flagged run in every report; left out, it is in none', async (s, t) => {
  if (!isRoot) { t.skip('needs root to chown a record to another user'); return; }
  await seed(s.store);
  const summary = measures((await report(s.url, 'success', '--include-flagged')).tables['summary']!);
  assert.deepEqual([summary['Runs'], summary['Failed runs'], summary['Jobs']], [12, 8, 8]);
  const overview = measures((await report(s.url, 'overview')).tables['summary']!);
  const withFlagged = measures((await report(s.url, 'overview', '--include-flagged')).tables['summary']!);
  assert.deepEqual([overview['Runs'], overview['Core-hours'], overview['Jobs']], [11, 28, 7]);
  assert.deepEqual([withFlagged['Runs'], withFlagged['Core-hours'], withFlagged['Jobs']], [12, 29, 8]);
  const users = await report(s.url, 'users');
  assert.equal(users.tables['by_core_hours']![0]!['runs'], 11);
  const included = await report(s.url, 'users', '--include-flagged');
  assert.equal(included.tables['by_core_hours']![0]!['runs'], 12);
  assert.equal(included.doc['flagged'], 'included');
  // a link and a package record in files another user owned are flagged too
  const [good] = await s.store.all<{ run_uuid: string }>(`SELECT run_uuid FROM xalt_run WHERE job_id = '2007'`);
  const more = spoolDir();
  const t0 = FIXTURE_EPOCH + 7200;
  writeRecord(more, 'flat', linkRecord({ resultT: { build_user: 'alice', link_program: 'icx', build_epoch: t0.toFixed(4) } }));
  chownSync(writeRecord(more, 'flat', linkRecord({ resultT: { build_user: 'alice', link_program: 'forged-cc', build_epoch: t0.toFixed(4) } })), 65534, 65534);
  writeRecord(more, 'flat', pkgRecord(good!.run_uuid, { package_name: 'numpy' }));
  chownSync(writeRecord(more, 'flat', pkgRecord(good!.run_uuid, { package_name: 'forgedpkg' })), 65534, 65534);
  await ingestSpools(s.store, [more], { jobs: 0 });
  const links = async (...args: string[]) => (await report(s.url, 'compilers', ...args)).tables['by_links']!.map((r) => r['compiler']).sort();
  assert.deepEqual(await links(), ['icx']);
  assert.deepEqual(await links('--include-flagged'), ['forged-cc', 'icx']);
  const pkgs = async (...args: string[]) => (await report(s.url, 'packages', ...args)).tables['packages_by_runs']!.map((r) => r['package']).sort();
  assert.deepEqual(await pkgs(), ['numpy']);
  // a package record another user wrote for alice's run is not even loaded (foreign_uuid)
  assert.deepEqual(await pkgs('--include-flagged'), ['numpy']);
  const foreign = await s.store.all<{ reason: string }>(`SELECT reason FROM xalt_quarantine WHERE reason = 'foreign_uuid'`);
  assert.equal(foreign.length, 1);
});

testEachStore('core-hours are tasks × CPUs per task × hours (MPI: more than one task); GPU-hours count GPUs a run used', async (s) => {
  await seed(s.store);
  const { tables } = await report(s.url, 'overview');
  const m = measures(tables['summary']!);
  // ten ended runs of 1 h: 1 core each but the 2 × 8 and 1 × 4 CPU runs; the run that never ended has no run time
  assert.equal(m['Core-hours'], 28 + (isRoot ? 0 : 1));
  assert.equal(m['GPU-hours'], 2, 'the run that used 2 GPUs for an hour; the one that only saw 4 counts none');
  const split = Object.fromEntries(tables['mpi_vs_non_mpi']!.map((r) => [String(r['kind']), [r['core_hours'], r['runs']]]));
  assert.deepEqual(split['MPI'], [16, 1], 'the 2-task run; the 1-task run with 4 CPUs is not MPI');
  const gpu = await report(s.url, 'gpu');
  assert.deepEqual(gpu.tables['executables']!.map((r) => [r['executable'], r['gpu_hours'], r['runs']]), [['a.out', 2, 1]]);
});
