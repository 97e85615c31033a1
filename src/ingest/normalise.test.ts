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
