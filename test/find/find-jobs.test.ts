/**
 * `xalt find --job` names jobs as Slurm does — an array and its tasks, steps, the batch step —
 * and what find prints finds the run again; flagged runs are left out with a note, and shown
 * marked with --include-flagged. Records are made by the real serializer, ingested by the real
 * ingest, and searched through the CLI, in the store (SQLite, MariaDB) and straight from the spool.
 */
import assert from 'node:assert/strict';
import { chownSync } from 'node:fs';
import { test } from 'node:test';
import { ingestSpools } from '../../src/ingest/ingest.js';
import { runPair, spoolDir, writeRecord } from '../fixtures/records.js';
import { FIXTURE_EPOCH } from '../fixtures/store-rows.js';
import { testEachStore } from '../helpers/test-stores.js';
import { xalt } from './run-cli.js';

type Obj = Record<string, unknown>;
const isRoot = process.getuid?.() === 0;

interface JobRun {
  readonly name: string;
  readonly job_id: string;
  /** as the collector writes SLURM_STEP_ID: a number, or Slurm's id of the batch step */
  readonly step: string;
  readonly array?: readonly [string, string];
  readonly end?: Obj;
  readonly userDT?: Obj;
  /** written as owned by another user than the record names: flagged owner_mismatch */
  readonly forged?: boolean;
}

const BATCH = '4294967294';
const RUNS: readonly JobRun[] = [
  // array job 110 of three tasks; Slurm gives each task a job id of its own (task 3 has 110 itself)
  { name: 'task1', job_id: '111', step: BATCH, array: ['110', '1'] },
  { name: 'task2', job_id: '112', step: BATCH, array: ['110', '2'] },
  { name: 'task2.0', job_id: '112', step: '0', array: ['110', '2'] },
  { name: 'task3', job_id: '110', step: BATCH, array: ['110', '3'] },
  // job 1002: the batch step and two srun steps; a forged record in step 0 too
  { name: 'batch', job_id: '1002', step: BATCH },
  { name: 'step0', job_id: '1002', step: '0' },
  { name: 'step1', job_id: '1002', step: '1' },
  { name: 'forged', job_id: '1002', step: '0', forged: true },
  { name: 'prefix', job_id: '10021', step: '0' },
  // job 1003 hit its time limit: 2 tasks × 8 CPUs; job 1004 completed with a run left behind
  { name: 'timeout', job_id: '1003', step: '0', userDT: { num_tasks: 2, cpus_per_task: 8, num_cores: 16 }, end: { userT: { end_reason: 'job_end', job_state: 'TIMEOUT' }, userDT: { exit_status: -1 } } },
  { name: 'leftover', job_id: '1004', step: BATCH, end: { userT: { end_reason: 'job_end', job_state: 'COMPLETED' }, userDT: { exit_status: -1 } } },
];

/** Write every run's start and end record into a new spool; uuids by name. */
function writeJobs(): { root: string; uuid: Map<string, string> } {
  const root = spoolDir();
  const uuid = new Map<string, string>();
  RUNS.forEach((r, i) => {
    const start = FIXTURE_EPOCH + 600 * i;
    const array = r.array ? { array_job_id: r.array[0], array_task_id: r.array[1] } : {};
    const { start: s, end } = runPair({
      userT: { job_id: r.job_id, job_step: r.step, user: 'alice', ...array, ...((r.end?.['userT'] as Obj) ?? {}) },
      userDT: { start_time: start, end_time: start + 60, run_time: 60, num_tasks: 1, cpus_per_task: 1, num_cores: 1, schema_version: 2, ...(r.userDT ?? {}), ...((r.end?.['userDT'] as Obj) ?? {}) },
    });
    (s['userT'] as Obj)['end_reason'] = '';
    (s['userT'] as Obj)['job_state'] = '';
    for (const rec of [s, end]) {
      const path = writeRecord(root, 'month/hash', rec);
      if (r.forged && isRoot) chownSync(path, 65534, 65534);
    }
    uuid.set(r.name, String((end['userT'] as Obj)['run_uuid']));
  });
  return { root, uuid };
}

const names = (stdout: string, uuid: Map<string, string>) => {
  const byUuid = new Map([...uuid].map(([n, u]) => [u, n]));
  return [...stdout.matchAll(/^run (\S+)/gm)].map((m) => byUuid.get(m[1]!)).sort();
};

testEachStore('find --job: an array, a task, a step, the batch step, as Slurm names them', async (s) => {
  const { root, uuid } = writeJobs();
  await ingestSpools(s.store, [root], { jobs: 0 });
  const find = async (...args: string[]) => names((await xalt('find', '--db', s.url, ...args)).stdout, uuid);
  assert.deepEqual(await find('--job', '110'), ['task1', 'task2', 'task2.0', 'task3'], 'the array id finds every task');
  assert.deepEqual(await find('--job', '110_2'), ['task2', 'task2.0']);
  assert.deepEqual(await find('--job', '110_2.0'), ['task2.0']);
  assert.deepEqual(await find('--job', '112'), ['task2', 'task2.0'], "a task's own job id");
  assert.deepEqual(await find('--job', '1002'), ['batch', 'step0', 'step1']);
  assert.deepEqual(await find('--job', '1002.0'), ['step0']);
  assert.deepEqual(await find('--job', '1002.batch'), ['batch']);
  assert.deepEqual(await find('--job', '110.batch'), ['task1', 'task2', 'task3']);
  const t2 = await xalt('find', '--db', s.url, '--job', '110_2.batch');
  assert.match(t2.stdout, /job {8}job 110_2\.batch \(job id 112\) {2}account proj1/, 'shown as Slurm prints it, with the job id');
  const b = await xalt('find', '--db', s.url, '--job', '1002.batch');
  assert.match(b.stdout, /job {8}job 1002\.batch {2}account/);
  const none = await xalt('find', '--db', s.url, '--job', '1002.7');
  assert.equal(none.code, 3);
});

testEachStore('what find prints as the job finds the run again (every run, printed form and JSON)', async (s) => {
  const { root, uuid } = writeJobs();
  await ingestSpools(s.store, [root], { jobs: 0 });
  const all = JSON.parse((await xalt('find', '--db', s.url, '--include-flagged', '--json')).stdout) as { runs: { run_uuid: string; job: string }[] };
  assert.equal(all.runs.length, RUNS.length);
  for (const r of all.runs) {
    const found = await xalt('find', '--db', s.url, '--include-flagged', '--job', r.job, '--json');
    const uuids = (JSON.parse(found.stdout) as { runs: { run_uuid: string }[] }).runs.map((x) => x.run_uuid);
    assert.ok(uuids.includes(r.run_uuid), `job ${r.job} finds run ${r.run_uuid}`);
    const text = (await xalt('find', '--db', s.url, '--include-flagged', '--uuid', r.run_uuid)).stdout;
    const printed = /^ {2}job {8}job (\S+)/m.exec(text)![1]!;
    assert.equal(printed, r.job, 'the text shows the same name');
  }
  assert.ok(uuid.size > 0);
});

testEachStore('cores are tasks × CPUs per task; a run killed at job end fails with its job state, one left behind by a completed job does not', async (s) => {
  const { root, uuid } = writeJobs();
  await ingestSpools(s.store, [root], { jobs: 0 });
  const t = await xalt('find', '--db', s.url, '--job', '1003');
  assert.match(t.stdout, /resources {2}16 cores \(2 tasks × 8 CPUs per task\) {2}1 node/);
  assert.match(t.stdout, /outcome {4}still running when the job ended \(job TIMEOUT\); closed by xalt-ship {2}\[FAILED\]/);
  const left = await xalt('find', '--db', s.url, '--job', '1004');
  assert.match(left.stdout, /outcome {4}still running when the job ended \(job COMPLETED\); closed by xalt-ship\n/);
  const failed = names((await xalt('find', '--db', s.url, '--failed')).stdout, uuid);
  assert.deepEqual(failed, ['timeout']);
  const j = JSON.parse((await xalt('find', '--db', s.url, '--job', '1003', '--json')).stdout) as { runs: Obj[] };
  assert.deepEqual([j.runs[0]!['job_state'], j.runs[0]!['cpus_per_task'], j.runs[0]!['num_tasks'], j.runs[0]!['num_cores'], j.runs[0]!['failed']], ['TIMEOUT', 8, 2, 16, true]);
});

testEachStore('a flagged run is left out with a note, and shown marked with --include-flagged (text, JSON, CSV)', async (s, t) => {
  if (!isRoot) { t.skip('needs root to chown a record to another user'); return; }
  const { root, uuid } = writeJobs();
  await ingestSpools(s.store, [root], { jobs: 0 });
  const plain = await xalt('find', '--db', s.url, '--job', '1002.0');
  assert.deepEqual(names(plain.stdout, uuid), ['step0']);
  assert.doesNotMatch(plain.stdout, /FLAGGED/);
  assert.match(plain.stderr, /1 flagged run \(owner_mismatch or another integrity flag\) also matched and is not shown; --include-flagged shows it/);
  const shown = await xalt('find', '--db', s.url, '--job', '1002.0', '--include-flagged');
  assert.deepEqual(names(shown.stdout, uuid), ['forged', 'step0']);
  const block = shown.stdout.split('\n\n').find((b) => b.includes(uuid.get('forged')!))!;
  assert.match(block, /^run \S+ {2}alice .* {2}\[FLAGGED owner_mismatch\]$/m);
  assert.match(block, /flags {6}owner_mismatch \(the record names a user other than the owner of its file\); left out of reports unless --include-flagged/);
  assert.equal(shown.stderr, '');
  const j = JSON.parse((await xalt('find', '--db', s.url, '--job', '1002.0', '--include-flagged', '--json')).stdout) as { runs: Obj[]; flagged_left_out: number };
  assert.deepEqual(j.runs.map((r) => [r['flagged'], r['flags']]).sort(), [[false, []], [true, ['owner_mismatch']]]);
  assert.equal(j.flagged_left_out, 0);
  const left = JSON.parse((await xalt('find', '--db', s.url, '--job', '1002.0', '--json')).stdout) as { runs: Obj[]; flagged_left_out: number };
  assert.deepEqual([left.runs.length, left.flagged_left_out], [1, 1], 'JSON says what was left out');
  const info = JSON.parse((await xalt('db', 'info', '--db', s.url, '--json')).stdout) as { flagged_runs: number };
  assert.equal(info.flagged_runs, 1);
  const csv = (await xalt('find', '--db', s.url, '--job', '1002.0', '--include-flagged', '--csv')).stdout.trimEnd().split('\r\n');
  const header = csv[0]!.split(',');
  assert.deepEqual(csv.slice(1).map((l) => l.split(',')[header.indexOf('flags')]).sort(), ['', 'owner_mismatch']);
  // only a flagged run matched: nothing shown, exit 3, and the note says why
  const only = await xalt('find', '--db', s.url, '--uuid', uuid.get('forged')!);
  assert.equal(only.code, 3);
  assert.match(only.stderr, /1 flagged run .* not shown/);
});

test('find --spool reads array and step names from the records too', async () => {
  const { root, uuid } = writeJobs();
  const find = async (...args: string[]) => names((await xalt('find', '--spool', root, ...args)).stdout, uuid);
  assert.deepEqual(await find('--job', '110'), ['task1', 'task2', 'task2.0', 'task3']);
  assert.deepEqual(await find('--job', '110_2.0'), ['task2.0']);
  assert.deepEqual(await find('--job', '1002.batch'), ['batch']);
  const text = (await xalt('find', '--spool', root, '--job', '110_3')).stdout;
  assert.match(text, /job {8}job 110_3\.batch \(job id 110\)/);
});
