import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateLink, validatePkg, validateRun } from '../schema/index.js';
import { libType, normaliseLink, normalisePkg, normaliseRun, objectKey } from './normalise.js';
import { linkRecord, pkgRecord, runRecord, xaltPkgRecord, xaltRunRecord } from '../../test/fixtures/records.js';

const ctx = { moduleOf: (p: string) => (p.startsWith('/opt/apps/gcc/') ? 'gcc/12.2.0' : null), appName: (p: string) => p.split('/').pop()!, preIngestProbability: 1, ownerMismatch: false, owner: 'alice', now: 5 };

test('lib_type follows XALT: last dot component without digits, if a, o or so', () => {
  assert.equal(libType('/usr/lib64/libmpi.so.12.1.8'), 'so');
  assert.equal(libType('/opt/x/libgcc.a'), 'a');
  assert.equal(libType('/usr/lib64/crt1.o'), 'o');
  assert.equal(libType('/home/a/a.out'), '--');
  assert.equal(libType('/usr/bin/python3'), '--');
});

test('an end record becomes one run row with objects, env and module', () => {
  const v = validateRun(runRecord({ userT: { queue: 'normal,debug', account: 'unknown' }, userDT: { exit_status: 3, probability: 0.5 } }));
  const n = normaliseRun(v.record!, { ...ctx, preIngestProbability: 0.25 });
  assert.equal(n.isStart, false);
  assert.equal(n.row['queue'], 'normal');
  assert.equal(n.row['account'], null, '"unknown" is stored as NULL');
  assert.equal(n.row['exit_status'], 3);
  assert.equal(n.row['probability'], 0.125, 'record probability × pre-ingest probability');
  assert.equal(n.row['has_end'], 1);
  assert.equal(n.objects.length, 3);
  assert.equal(n.objects.find((o) => o.object_path.includes('gfortran'))?.module_name, 'gcc/12.2.0');
  assert.equal(n.objects[0]!.object_key, objectKey('testhost', '/usr/lib64/libc.so.6'));
  assert.deepEqual(n.env.find(([k]) => k === 'OMP_NUM_THREADS'), ['OMP_NUM_THREADS', '4']);
});

test('a start record has no end facts', () => {
  const n = normaliseRun(validateRun(runRecord({}, { end: false })).record!, ctx);
  assert.equal(n.isStart, true);
  assert.deepEqual([n.row['end_time'], n.row['exit_status'], n.row['end_reason'], n.row['has_start'], n.row['has_end']], [0, null, null, 1, 0]);
});

test('XALT 2 records: dotted watermark keys give build_uuid; end reason defaults to exit', () => {
  const rec = xaltRunRecord({}, { dotted: true });
  const n = normaliseRun(validateRun(rec).record!, ctx);
  assert.equal(n.row['build_uuid'], (rec['xaltLinkT'] as Record<string, string>)['Build.UUID']);
  assert.equal(n.row['end_reason'], 'exit');
  assert.equal(n.row['exit_status'], null, 'XALT does not record the exit status');
});

test('link: compiler module from the path after an MPI wrapper prefix', () => {
  const l = linkRecord({ resultT: { link_path: 'gcc:/opt/apps/gcc/12.2.0/bin/gcc', shared: 'yes' } });
  const n = normaliseLink(validateLink(l).record!, ctx);
  assert.equal(n.row['link_module_name'], 'gcc/12.2.0');
  assert.equal(n.row['shared'], 1);
  assert.deepEqual(n.functions, ['MPI_Init', 'MPI_Finalize']);
  assert.equal(n.objects.length, 4);
});

test("pkg: xalt's records keep the package version; XALT's hold the interpreter's", () => {
  const ours = normalisePkg(validatePkg(pkgRecord('018bcfe5-8452-7868-a477-65408dddba7a')).record!, ctx);
  assert.deepEqual([ours.row['pkg_version'], ours.row['program_version']], ['1.26.4', '3.11.7']);
  const xalt = normalisePkg(validatePkg(xaltPkgRecord('018bcfe5-8452-7868-a477-65408dddba7a')).record!, ctx);
  assert.deepEqual([xalt.row['pkg_version'], xalt.row['program_version']], [null, '3.8.5']);
});

test('owner check: root and the named user match; a numeric uid matches; "unknown" claims no one', async () => {
  const { ownerMatches } = await import('./interpret.js');
  const alice = { uid: 1001, name: 'alice', nameUser: 'alice' };
  assert.equal(ownerMatches(alice, 'alice'), true);
  assert.equal(ownerMatches(alice, '1001'), true);
  assert.equal(ownerMatches(alice, 'bob'), false);
  assert.equal(ownerMatches(alice, 'unknown'), true);
  assert.equal(ownerMatches({ uid: 0, name: 'root', nameUser: '' }, 'bob'), true);
});

test('scheduler facts: array job and task, CPUs per task (cores = tasks × CPUs), the job state of a run closed at job end', () => {
  const rec = runRecord({
    userT: { array_job_id: '110', array_task_id: '2', job_id: '112', job_step: '4294967294', end_reason: 'job_end', job_state: 'CANCELLED by 1000' },
    userDT: { num_tasks: 2, cpus_per_task: 8, num_cores: 16, exit_status: -1 },
  });
  const n = normaliseRun(validateRun(rec).record!, ctx);
  assert.deepEqual([n.row['array_job_id'], n.row['array_task_id'], n.row['job_id'], n.row['job_step']], ['110', '2', '112', 'batch'], "Slurm's batch step id is stored by name");
  assert.deepEqual([n.row['num_tasks'], n.row['cpus_per_task'], n.row['num_cores']], [2, 8, 16]);
  assert.deepEqual([n.row['end_reason'], n.row['job_state'], n.row['exit_status']], ['job_end', 'CANCELLED', null], 'the state as Slurm names it, first word');
  const start = normaliseRun(validateRun(runRecord({ userT: { job_state: 'TIMEOUT', end_reason: '' } }, { end: false })).record!, ctx);
  assert.equal(start.row['job_state'], null, 'a start record has no job state');
});

test('records before schema 2: CPUs per task 1, num_cores as recorded; a missing num_cores is tasks × CPUs', () => {
  const old = normaliseRun(validateRun(xaltRunRecord({ userDT: { num_tasks: 4, num_cores: 4 } })).record!, ctx);
  assert.deepEqual([old.row['cpus_per_task'], old.row['num_cores'], old.row['array_job_id'], old.row['flags'], old.row['flagged']], [1, 4, null, '', 0]);
  const noCores = runRecord({ userDT: { num_tasks: 3, cpus_per_task: 4 } });
  delete (noCores['userDT'] as Record<string, unknown>)['num_cores'];
  assert.equal(normaliseRun(validateRun(noCores).record!, ctx).row['num_cores'], 12);
  const zero = normaliseRun(validateRun(runRecord({ userDT: { cpus_per_task: 0 } })).record!, ctx);
  assert.equal(zero.row['cpus_per_task'], 1, 'CPUs per task is at least 1');
});

test('GPUs count only for a run that used them (gpu_used), not when merely visible', () => {
  const visible = normaliseRun(validateRun(runRecord({ userDT: { num_gpus: 4, gpu_used: 0 } })).record!, ctx);
  const used = normaliseRun(validateRun(runRecord({ userDT: { num_gpus: 4, gpu_used: 1 } })).record!, ctx);
  const xalt = normaliseRun(validateRun(xaltRunRecord({ userDT: { num_gpus: 2 } })).record!, ctx);
  assert.deepEqual([visible.row['num_gpus'], used.row['num_gpus'], xalt.row['num_gpus']], [0, 4, 2]);
});

test('integrity flags: owner mismatch and flags from outside, sorted, malformed names dropped', () => {
  const rec = validateRun(runRecord()).record!;
  const n = normaliseRun(rec, { ...ctx, ownerMismatch: true, flags: ['zz_other', 'owner_mismatch', 'Bad Flag', ''] });
  assert.deepEqual([n.row['flags'], n.row['flagged'], n.row['owner_mismatch']], ['owner_mismatch,zz_other', 1, 1]);
  const clean = normaliseRun(rec, ctx);
  assert.deepEqual([clean.row['flags'], clean.row['flagged'], clean.row['owner_mismatch']], ['', 0, 0]);
});
