import assert from 'node:assert/strict';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ingestSpools } from '../../src/ingest/ingest.js';
import { parseReverseMap } from '../../src/ingest/reverse-map.js';
import { serializeRecord } from '../../src/schema/index.js';
import {
  linkRecord, pkgRecord, recordPath, runPair, runRecord, spoolDir, withStringNumbers, writeRecord,
  xaltFlatLinkRecord, xaltPkgRecord, xaltRunRecord,
} from '../fixtures/records.js';
import { testEachStore } from '../helpers/test-stores.js';
import { count, tableCounts } from './helpers.js';

type Obj = Record<string, unknown>;
const uuidOf = (r: Obj) => (r['userT'] as Obj)['run_uuid'] as string;
const q = (store: { dialect: { quote(name: string): string } }, col: string) => store.dialect.quote(col);

testEachStore('a month/hash spool loads runs (start+end merged), links, packages, objects, env and functions', async ({ store }) => {
  const root = spoolDir();
  const pairs = Array.from({ length: 3 }, () => runPair());
  for (const { start, end } of pairs) { writeRecord(root, 'month/hash', start); writeRecord(root, 'month/hash', end); }
  const link = linkRecord();
  const linked = runRecord({ xaltLinkT: { Build_UUID: (link['resultT'] as Obj)['uuid'] } });
  writeRecord(root, 'month/hash', linked);
  writeRecord(root, 'month/hash', link);
  writeRecord(root, 'month/hash', pkgRecord(uuidOf(pairs[0]!.end)));
  writeRecord(root, 'month/hash', pkgRecord(uuidOf(pairs[0]!.end), { package_name: 'scipy' }));

  const s = await ingestSpools(store, [root], { jobs: 0 });
  assert.deepEqual([s.files, s.runs, s.links, s.pkgs, s.duplicates, s.quarantined], [10, 7, 1, 2, 0, 0]);
  assert.equal(await count(store, 'xalt_run'), 4, 'a start and its end are one run');
  assert.equal(await count(store, 'xalt_run', 'has_start = 1 AND has_end = 1'), 3);
  const [r] = await store.all<Obj>(`SELECT * FROM xalt_run WHERE run_uuid = ?`, [uuidOf(pairs[1]!.end)]);
  assert.equal(r!['exit_status'], 0);
  assert.equal(r!['end_reason'], 'exit');
  assert.equal(Number(r!['run_time']), 10);
  assert.equal(r!['exec_name'], 'a.out');
  assert.equal(await count(store, 'join_run_object', 'run_id = ?', [Number(r!['run_id'])]), 3, 'libraries of the end record (superset of the start)');
  assert.equal(await count(store, 'join_run_env', 'run_id = ?', [Number(r!['run_id'])]), 3);
  const joined = await store.all<Obj>(`SELECT l.link_program FROM xalt_run r JOIN xalt_link l ON l.uuid = r.build_uuid WHERE r.run_uuid = ?`, [uuidOf(linked)]);
  assert.deepEqual(joined.map((x) => x['link_program']), ['gcc'], 'run joins its link by the watermark uuid');
  assert.equal(await count(store, 'join_link_function'), 2);
  assert.equal(await count(store, 'xalt_pkg', 'run_uuid = ?', [uuidOf(pairs[0]!.end)]), 2);
  assert.equal(await count(store, 'xalt_object', 'lib_type = ?', ['so']), 3);
});

testEachStore('an end arriving before its start: the start only sets has_start; a copy is a duplicate', async ({ store }) => {
  const { start, end } = runPair();
  const first = spoolDir();
  writeRecord(first, 'month/hash', end);
  let s = await ingestSpools(store, [first], { jobs: 0 });
  assert.equal(s.runs, 1);
  let [r] = await store.all<Obj>(`SELECT has_start, has_end, end_time FROM xalt_run`);
  assert.deepEqual([Number(r!['has_start']), Number(r!['has_end'])], [0, 1], 'an end without a start is visible as such');

  const second = spoolDir();
  writeRecord(second, 'month/hash', start);
  const copy = join(second, 'elsewhere', recordPath('flat', end));
  mkdirSync(dirname(copy), { recursive: true });
  writeFileSync(copy, serializeRecord(end));
  s = await ingestSpools(store, [second], { jobs: 0 });
  assert.deepEqual([s.runs, s.duplicates], [1, 1]);
  [r] = await store.all<Obj>(`SELECT has_start, has_end, end_time, end_reason FROM xalt_run`);
  assert.deepEqual([Number(r!['has_start']), Number(r!['has_end']), Number(r!['end_time']), r!['end_reason']], [1, 1, Number((end['userDT'] as Obj)['end_time']), 'exit']);
  assert.equal(await count(store, 'xalt_run'), 1);
});

testEachStore('a start alone is visible as a run without an end; its end completes it later', async ({ store }) => {
  const { start, end } = runPair({ userDT: { exit_status: 137, signal: 9 }, userT: { end_reason: 'signal' } });
  const root = spoolDir();
  writeRecord(root, 'hash', start);
  await ingestSpools(store, [root], { jobs: 0 });
  assert.equal(await count(store, 'xalt_run', 'has_start = 1 AND has_end = 0 AND end_reason IS NULL'), 1);
  writeRecord(root, 'hash', end);
  const s = await ingestSpools(store, [root], { jobs: 0 });
  assert.deepEqual([s.alreadyLoaded, s.read, s.runs], [1, 1, 1]);
  const [r] = await store.all<Obj>(`SELECT has_end, exit_status, exit_signal, end_reason FROM xalt_run`);
  assert.deepEqual([Number(r!['has_end']), r!['exit_status'], r!['exit_signal'], r!['end_reason']], [1, 137, 9, 'signal']);
  assert.equal(await count(store, 'join_run_object'), 3, "the end record's extra library was added");
});

testEachStore('re-running over a loaded spool reads nothing and changes nothing', async ({ store }) => {
  const root = spoolDir();
  for (let i = 0; i < 20; i++) { const { start, end } = runPair(); writeRecord(root, 'month/hash', start); writeRecord(root, 'month/hash', end); }
  await ingestSpools(store, [root], { jobs: 0, batchSize: 7 });
  const before = await tableCounts(store);
  const s = await ingestSpools(store, [root], { jobs: 0 });
  assert.deepEqual([s.files, s.alreadyLoaded, s.read, s.runs, s.duplicates], [40, 40, 0, 0, 0]);
  assert.deepEqual(await tableCounts(store), before);
});

testEachStore('XALT 2.x/3.x variants: dotted watermark, flat link, %.4f strings, one-file-per-package', async ({ store }) => {
  const root = spoolDir();
  const link = xaltFlatLinkRecord();
  const run = xaltRunRecord({ xaltLinkT: { 'Build.UUID': link['uuid'] } }, { dotted: true });
  writeRecord(root, 'hash', run, withStringNumbers(run));
  writeRecord(root, 'hash', link);
  writeRecord(root, 'hash', xaltPkgRecord(uuidOf(run)));
  writeRecord(root, 'hash', xaltPkgRecord(uuidOf(run), { package_name: 'os', package_path: '/usr/lib/python3.8/os.py' }));
  const s = await ingestSpools(store, [root], { jobs: 0 });
  assert.deepEqual([s.runs, s.links, s.pkgs, s.quarantined], [1, 1, 2, 0]);
  const [r] = await store.all<Obj>(`SELECT r.run_time, r.num_cores, l.link_program FROM xalt_run r JOIN xalt_link l ON l.uuid = r.build_uuid`);
  assert.equal(Number(r!['run_time']), 10, '"10.0000" read as a number');
  assert.equal(Number(r!['num_cores']), 4);
  const pkgs = await store.all<Obj>(`SELECT pkg_name, pkg_version, program_version FROM xalt_pkg ORDER BY pkg_name`);
  assert.deepEqual(pkgs.map((p) => [p['pkg_name'], p['pkg_version'], p['program_version']]), [['json', null, '3.8.5'], ['os', null, '3.8.5']]);
});

testEachStore('layouts: flat, hash, kind/hash, NCSA YYYYMM/NNN, ~/.xalt.d are all read by name', async ({ store }) => {
  const root = spoolDir();
  const recs = Array.from({ length: 5 }, () => runRecord());
  writeRecord(join(root, 'flat'), 'flat', recs[0]!);
  writeRecord(join(root, 'hash'), 'hash', recs[1]!);
  writeRecord(join(root, 'sep', 'run'), 'hash', recs[2]!);
  writeRecord(join(root, 'delta', 'json', '202403'), 'hash', recs[3]!);
  writeRecord(join(root, 'home', 'alice', '.xalt.d'), 'flat', recs[4]!);
  writeFileSync(join(root, 'flat', 'README'), 'not a record');
  writeFileSync(join(root, 'flat', '.run.x.json.new'), '{"half');
  const s = await ingestSpools(store, [join(root, 'flat'), join(root, 'hash'), join(root, 'sep'), join(root, 'delta', 'json'), join(root, 'home', 'alice', '.xalt.d')], { jobs: 0 });
  assert.deepEqual([s.files, s.runs, s.quarantined], [5, 5, 0], 'hidden in-progress files and non-json files are not records');
});

testEachStore('bad input is quarantined with a reason and a copy, the rest loads, originals stay', async ({ store }) => {
  const good = runRecord();
  const root = spoolDir();
  writeRecord(root, 'month/hash', good);
  const text = serializeRecord(runRecord());
  const put = (rec: Obj, body: string) => writeRecord(root, 'month/hash', rec, body);
  const truncated = put(runRecord(), text.slice(0, 100));
  const notJson = put(runRecord(), 'hello world\n');
  const empty = put(runRecord(), '');
  const missing = put(runRecord(), serializeRecord({ ...runRecord(), userT: undefined }));
  const wrongType = put(runRecord(), serializeRecord(runRecord({ cmdlineA: 'not an array', userDT: { start_time: 'yesterday' } })));
  const badUuid = put(runRecord(), serializeRecord(runRecord({ userT: { run_uuid: '1234' } })));
  const unknown = join(root, '202311', 'foo.testhost.2023_11_14_22_13_27_2500.alice.json');
  writeFileSync(unknown, text);
  const s = await ingestSpools(store, [root], { jobs: 0 });
  assert.equal(s.runs, 1);
  assert.equal(s.quarantined, 7);
  assert.deepEqual(s.reasons, { truncated: 1, not_json: 1, empty: 1, missing_field: 1, bad_value: 2, unknown_name: 1 });
  const rows = await store.all<Obj>(`SELECT path, reason, detail, stored_as FROM xalt_quarantine ORDER BY reason`);
  const bad = rows.find((r) => r['reason'] === 'bad_value' && String(r['detail']).includes('cmdlineA'));
  assert.match(String(bad!['detail']), /cmdlineA: expected an array of strings.*userDT\.start_time: expected a number/);
  assert.match(String(rows.find((r) => r['reason'] === 'missing_field')!['detail']), /^userT: missing$/);
  for (const p of [truncated, notJson, empty, missing, wrongType, badUuid, unknown]) assert.ok(existsSync(p), `original kept: ${p}`);
  for (const r of rows) assert.ok(existsSync(String(r['stored_as'])), `copy kept: ${String(r['stored_as'])}`);
  const again = await ingestSpools(store, [root], { jobs: 0 });
  assert.deepEqual([again.read, again.quarantined], [0, 0], 'quarantined files are not looked at again');
});

testEachStore('a huge file is quarantined without being read; a symlink is refused', async ({ store }) => {
  const root = spoolDir();
  const huge = writeRecord(root, 'flat', runRecord(), '');
  const { truncateSync, symlinkSync } = await import('node:fs');
  truncateSync(huge, 1024 * 1024 * 1024); // sparse 1 GiB
  const target = join(root, 'secret.txt');
  writeFileSync(target, serializeRecord(runRecord()));
  symlinkSync(target, join(root, recordPath('flat', runRecord())));
  const s = await ingestSpools(store, [root], { jobs: 0 });
  assert.deepEqual(s.reasons, { too_large: 1, not_a_file: 1 });
  const [r] = await store.all<Obj>(`SELECT detail, stored_as FROM xalt_quarantine WHERE reason = 'too_large'`);
  assert.match(String(r!['detail']), /^1073741824 bytes, over the 67108864-byte limit; not read$/);
  assert.equal(r!['stored_as'], null, 'no copy of a huge file');
  assert.ok(existsSync(huge));
});

testEachStore('owner check: a record whose user does not own the file is loaded, flagged and listed', async ({ store }, t) => {
  if (process.getuid?.() !== 0) { t.skip('needs root to chown'); return; }
  const { chownSync } = await import('node:fs');
  const root = spoolDir();
  const nobody = 65534;
  const forged = writeRecord(root, 'flat', runRecord({ userT: { user: 'alice' } }));
  chownSync(forged, nobody, nobody);
  const honest = writeRecord(root, 'flat', runRecord({ userT: { user: 'nobody' } }));
  chownSync(honest, nobody, nobody);
  const byRoot = writeRecord(root, 'flat', runRecord({ userT: { user: 'bob' } }));
  const forgedLink = writeRecord(root, 'flat', linkRecord({ resultT: { build_user: 'carol' } }));
  chownSync(forgedLink, nobody, nobody);
  const s = await ingestSpools(store, [root], { jobs: 0 });
  assert.deepEqual([s.runs, s.links, s.flagged, s.quarantined], [3, 1, 2, 0]);
  const flagged = await store.all<Obj>(`SELECT ${q(store, 'user')} AS u FROM xalt_run WHERE owner_mismatch = 1`);
  assert.deepEqual(flagged.map((r) => r['u']), ['alice']);
  assert.equal(await count(store, 'xalt_link', 'owner_mismatch = 1'), 1);
  const listed = await store.all<Obj>(`SELECT detail FROM xalt_quarantine WHERE reason = 'owner_mismatch' ORDER BY detail`);
  assert.equal(listed.length, 2);
  assert.match(String(listed[0]!['detail']), /file owned by nobody \(uid 65534\) but the record is alice's; loaded and flagged/);
  assert.ok(existsSync(byRoot));
});

testEachStore('--delete removes only committed files; quarantined originals go only once copied', async ({ store }) => {
  const root = spoolDir();
  const files = Array.from({ length: 6 }, () => writeRecord(root, 'month/hash', runRecord()));
  const bad = writeRecord(root, 'month/hash', runRecord(), '{"crc":');
  const s = await ingestSpools(store, [root], { jobs: 0, delete: true, batchSize: 2 });
  assert.deepEqual([s.runs, s.quarantined], [6, 1]);
  for (const f of [...files, bad]) assert.ok(!existsSync(f), `${f} removed`);
  assert.ok(existsSync(join(root, '.quarantine', bad.slice(root.length + 1))), 'the quarantined file survives as its copy');
});

testEachStore('--archive moves committed files under the archive with their relative path', async ({ store }) => {
  const root = spoolDir();
  const archive = spoolDir({}, 'xalt-archive-');
  const f = writeRecord(root, 'month/hash', runRecord());
  await ingestSpools(store, [root], { jobs: 0, archiveDir: archive });
  assert.ok(!existsSync(f));
  assert.ok(existsSync(join(archive, f.slice(root.length + 1))));
});

testEachStore('a failing store commit deletes nothing', async ({ store }) => {
  const root = spoolDir();
  const files = Array.from({ length: 3 }, () => writeRecord(root, 'flat', runRecord()));
  const failing = { ...store, location: store.location, dialect: store.dialect, all: store.all.bind(store), run: store.run.bind(store), close: store.close.bind(store),
    transaction: () => Promise.reject(Object.assign(new Error('connection lost'), { code: 'PROTOCOL_CONNECTION_LOST' })) };
  await assert.rejects(ingestSpools(failing, [root], { jobs: 0, delete: true }), /connection lost/);
  for (const f of files) assert.ok(existsSync(f));
  assert.equal(await count(store, 'xalt_run'), 0);
});

testEachStore('reverse map, pre-ingest sampling and application names', async ({ store }) => {
  const root = spoolDir();
  const rmap = parseReverseMap(JSON.stringify({ reverseMapT: { '/opt/apps/lammps/2023/bin': 'lammps/2023', '/opt/apps/gcc/12.2.0/lib64': 'gcc/12.2.0' } }), 'rmap.json');
  for (let i = 0; i < 40; i++) writeRecord(root, 'flat', runRecord({ userT: { exec_path: '/opt/apps/lammps/2023/bin/lmp_mpi' } }));
  const dropped = Array.from({ length: 5 }, () => runPair({ userT: { exec_path: '/usr/bin/foobar' } }));
  for (const { start, end } of dropped) { writeRecord(root, 'flat', start); writeRecord(root, 'flat', end); }
  const half = Array.from({ length: 200 }, () => writeRecord(root, 'flat', runRecord({ userT: { exec_path: '/usr/bin/sometimes' } })));
  const s = await ingestSpools(store, [root], {
    jobs: 0, reverseMap: rmap,
    preIngest: [{ probability: 0, pattern: '.*/foobar' }, { probability: 0.5, pattern: '/usr/bin/sometimes' }],
    applications: [{ name: 'LAMMPS', pattern: '.*/lmp_[a-z]+' }],
  });
  assert.equal(await count(store, 'xalt_run', 'module_name = ? AND app_name = ?', ['lammps/2023', 'LAMMPS']), 40);
  assert.equal(await count(store, 'xalt_run', 'exec_name = ?', ['foobar']), 0, 'probability 0 drops start and end alike');
  const kept = await count(store, 'xalt_run', 'exec_name = ? AND probability = 0.5', ['sometimes']);
  assert.ok(kept > 60 && kept < 140, `about half of 200 kept, got ${kept}`);
  assert.equal(s.filtered, 10 + (half.length - kept));
  assert.equal(await count(store, 'xalt_object', 'module_name = ?', ['gcc/12.2.0']), 1);
});

testEachStore('parsing on worker threads loads the same as parsing inline', async ({ store }) => {
  const root = spoolDir();
  for (let i = 0; i < 300; i++) { const { start, end } = runPair(); writeRecord(root, 'month/hash', start); writeRecord(root, 'month/hash', end); writeRecord(root, 'month/hash', pkgRecord(uuidOf(end))); }
  writeRecord(root, 'month/hash', runRecord(), 'garbage');
  const isRoot = process.getuid?.() === 0;
  if (isRoot) (await import('node:fs')).chownSync(writeRecord(root, 'month/hash', runRecord({ userT: { user: 'alice' } })), 65534, 65534);
  const s = await ingestSpools(store, [root], { jobs: 2, batchSize: 100 });
  assert.deepEqual([s.files, s.runs, s.pkgs, s.quarantined, s.flagged], isRoot ? [902, 601, 300, 1, 1] : [901, 600, 300, 1, 0]);
  assert.equal(await count(store, 'xalt_run', 'owner_mismatch = 1'), isRoot ? 1 : 0);
  assert.equal(await count(store, 'join_run_env'), isRoot ? 903 : 900, 'environment names decoded from the workers');
  assert.equal(await count(store, 'xalt_run', 'has_start = 1 AND has_end = 1'), 300);
  rmSync(root, { recursive: true, force: true });
});

testEachStore('oversized strings are cut to their column width rather than failing the batch', async ({ store }) => {
  const root = spoolDir();
  writeRecord(root, 'flat', runRecord({ userT: { account: 'a'.repeat(500), exec_path: `/x/${'p'.repeat(2000)}` }, envT: { ['E'.repeat(300)]: 'v' } }));
  const s = await ingestSpools(store, [root], { jobs: 0 });
  assert.equal(s.runs, 1);
  const [r] = await store.all<Obj>(`SELECT account, exec_path FROM xalt_run`);
  assert.equal(String(r!['account']).length, 64);
  assert.equal(String(r!['exec_path']).length, 1024);
});

testEachStore('a run without a watermark joins its link by ELF build-id (the documented query)', async ({ store }) => {
  const root = spoolDir();
  const link = linkRecord({ resultT: { build_id: 'ee'.repeat(20), link_source: 'collector' } });
  const run = runRecord({ userT: { exec_build_id: 'ee'.repeat(20) }, xaltLinkT: {} });
  const other = runRecord({ userT: { exec_build_id: 'ff'.repeat(20) } });
  for (const r of [link, run, other]) writeRecord(root, 'flat', r);
  await ingestSpools(store, [root], { jobs: 0 });
  const rows = await store.all<Obj>(`SELECT r.run_uuid, l.link_source FROM xalt_run r JOIN xalt_link l ON l.uuid = r.build_uuid
     OR (r.build_uuid IS NULL AND r.build_id IS NOT NULL AND l.build_id = r.build_id)`);
  assert.deepEqual(rows.map((x) => [x['run_uuid'], x['link_source']]), [[uuidOf(run), 'collector']]);
});
