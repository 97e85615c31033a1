import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jobMatches, parseJobSpec, slurmJobName, type JobFacts } from './job-spec.js';

const run = (job_id: string | null, job_step: string | null, array_job_id: string | null = null, array_task_id: string | null = null): JobFacts => ({ job_id, job_step, array_job_id, array_task_id });

// an array job 110 of three tasks (job ids 111, 112 and 110 itself), a job 1002 with a batch step and step 0, and a PBS job
const RUNS = {
  task1: run('111', 'batch', '110', '1'), task2: run('112', 'batch', '110', '2'), task2step0: run('112', '0', '110', '2'), task3: run('110', 'batch', '110', '3'),
  batch: run('1002', 'batch'), step0: run('1002', '0'), step1: run('1002', '1'), other: run('10021', '0'), pbs: run('1234.pbs01', null),
};
const found = (text: string) => Object.entries(RUNS).filter(([, r]) => jobMatches(parseJobSpec(text), r)).map(([k]) => k);

test('--job names jobs as Slurm does: the array, a task, a step, a task\'s step', () => {
  assert.deepEqual(found('110'), ['task1', 'task2', 'task2step0', 'task3'], 'the array id finds every task');
  assert.deepEqual(found('110_2'), ['task2', 'task2step0']);
  assert.deepEqual(found('110_2.0'), ['task2step0']);
  assert.deepEqual(found('112'), ['task2', 'task2step0'], "a task's own job id finds it");
  assert.deepEqual(found('1002'), ['batch', 'step0', 'step1']);
  assert.deepEqual(found('1002.0'), ['step0']);
  assert.deepEqual(found('1002.batch'), ['batch']);
  assert.deepEqual(found('110.batch'), ['task1', 'task2', 'task3'], 'the batch steps of every task of the array');
  assert.deepEqual(found('1234.pbs01'), ['pbs'], 'other schedulers: the recorded id as it is');
  assert.deepEqual(found('100'), []);
  assert.deepEqual(found('1002.x'), [], 'not a Slurm step name and not a recorded id');
});

test('the printed form round-trips', () => {
  for (const [name, r] of Object.entries(RUNS)) {
    const printed = slurmJobName(r)!;
    assert.ok(jobMatches(parseJobSpec(printed), r), `${name} printed as ${printed} is found by it`);
  }
  assert.deepEqual(Object.values(RUNS).map(slurmJobName), ['110_1.batch', '110_2.batch', '110_2.0', '110_3.batch', '1002.batch', '1002.0', '1002.1', '10021.0', '1234.pbs01']);
  assert.equal(slurmJobName(run(null, null)), null);
});
