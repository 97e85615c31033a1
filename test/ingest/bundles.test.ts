/**
 * Ingest of bundles (docs/ingest.md): the same records give the same store whether they come
 * as record files or in bundles; a bundle is trusted only when root (or the ingesting account)
 * wrote it and nobody else can change it; a bad entry is quarantined alone, named by bundle and
 * entry; loading is idempotent and survives being interrupted part-way through a bundle.
 */
import assert from 'node:assert/strict';
import { chownSync, existsSync, linkSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { Store } from '../../src/db/store.js';
import { ingestSpools } from '../../src/ingest/ingest.js';
import { pkgFileName, serializeRecord } from '../../src/schema/index.js';
import { recordName, writeBundle, type EntrySpec } from '../fixtures/bundles.js';
import { linkRecord, pkgRecord, recordPath, runPair, runRecord, spoolDir } from '../fixtures/records.js';
import { createTestStore, testEachStore } from '../helpers/test-stores.js';
import { testUser } from '../ship/helpers.js';
import { count, storeDump, tableCounts, xalt } from './helpers.js';

type Obj = Record<string, unknown>;
const uuidOf = (r: Obj) => (r['userT'] as Obj)['run_uuid'] as string;
const isRoot = process.getuid?.() === 0;

/** A pkg record with its spool file name for `user`. */
function pkgFor(runUuid: string, user: string, name: string): { record: Obj; name: string } {
  const record = pkgRecord(runUuid, { package_name: name });
  return { record, name: pkgFileName('testhost', 1_700_000_000, user, runUuid, name.padEnd(12, '0').slice(0, 12).replace(/[^0-9a-f]/g, 'a')) };
}

/** Records of two users' jobs: runs closed normally and by the shipper, a link, packages, one mismatch. */
function jobRecords(alice: { name: string; uid: number }, bob: { name: string; uid: number }): EntrySpec[] {
  const a = runPair({ userT: { user: alice.name } });
  const killed = runPair({ userT: { user: alice.name, end_reason: 'job_end', job_state: 'TIMEOUT' }, userDT: { exit_status: -1 } });
  const b = runPair({ userT: { user: bob.name, job_id: '4243' } });
  const forged = runRecord({ userT: { user: bob.name } }); // alice's process claiming to be bob
  const link = linkRecord({ resultT: { build_user: alice.name } });
  const p1 = pkgFor(uuidOf(a.end), alice.name, 'numpy');
  const p2 = pkgFor(uuidOf(a.end), alice.name, 'scipy');
  return [
    { record: a.start, owner: alice.uid }, { record: a.end, owner: alice.uid },
    { record: killed.start, owner: alice.uid }, { record: killed.end, owner: alice.uid },
    { record: p1.record, name: p1.name, owner: alice.uid }, { record: p2.record, name: p2.name, owner: alice.uid },
    { record: link, owner: alice.uid },
    { record: b.start, owner: bob.uid }, { record: b.end, owner: bob.uid },
    { record: forged, owner: alice.uid, flags: ['owner_mismatch'] },
  ];
}

/** The same entries as record files, each owned by its entry's owner. */
function writeAsFiles(root: string, entries: readonly EntrySpec[]): void {
  for (const e of entries) {
    const path = join(root, e.name ? join('pkg', e.name) : recordPath('month/hash', e.record!));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, serializeRecord(e.record!));
    chownSync(path, e.owner, e.owner);
  }
}

/** What a store holds, without the bookkeeping that names files (paths differ between the two loads). */
async function records(store: Store): Promise<Obj> {
  const { ledger: _l, quarantine: _q, ...rest } = await storeDump(store);
  return rest;
}

testEachStore('a bundle and the same records as files give identical stores; loading either again changes nothing', async ({ store, kind }, t) => {
  if (!isRoot) { t.skip('needs root to own files as other users'); return; }
  const alice = testUser('xalt-alice');
  const bob = testUser('xalt-bob');
  const entries = jobRecords(alice, bob);
  const files = spoolDir();
  writeAsFiles(files, entries);
  const bundles = spoolDir();
  writeBundle(bundles, entries.slice(0, 7));
  writeBundle(bundles, entries.slice(7), { job: '4243' });
  const other = await createTestStore(kind);
  try {
    const f = await ingestSpools(other.store, [files], { jobs: 0 });
    const b = await ingestSpools(store, [bundles], { jobs: 0, batchSize: 3 }); // batches that split a bundle
    assert.deepEqual([b.bundles, b.bundlesRead, b.bundleEntries, b.files], [2, 2, 10, 0]);
    for (const k of ['runs', 'links', 'pkgs', 'duplicates', 'quarantined', 'flagged'] as const) assert.equal(b[k], f[k], k);
    assert.deepEqual([b.runs, b.links, b.pkgs, b.flagged, b.quarantined], [7, 1, 2, 1, 0]);
    assert.deepEqual(await records(store), await records(other.store));

    const runs = await store.all<Obj>(`SELECT owner_user, owner_mismatch, end_reason FROM xalt_run ORDER BY start_time`);
    assert.deepEqual(runs.map((r) => [r['owner_user'], Number(r['owner_mismatch']), r['end_reason']]), [
      [alice.name, 0, 'exit'], [alice.name, 0, 'job_end'], [bob.name, 0, 'exit'], [alice.name, 1, 'exit'],
    ], "each run is its staging file owner's; the forged one is alice's, flagged");
    assert.equal(await count(store, 'xalt_ingested_file', "path LIKE '%.bundle'"), 2, 'each bundle is in the ledger');

    const before = await tableCounts(store);
    const again = await ingestSpools(store, [bundles], { jobs: 0 });
    assert.deepEqual([again.bundles, again.bundlesRead, again.runs, again.duplicates], [2, 0, 0, 0], 'a loaded bundle is not read again');
    assert.deepEqual(await tableCounts(store), before);
    // the same records once more, as files, into the store the bundles filled: all duplicates
    const asFiles = await ingestSpools(store, [files], { jobs: 0 });
    assert.deepEqual([asFiles.runs, asFiles.links, asFiles.pkgs, asFiles.duplicates, asFiles.quarantined], [0, 0, 0, 10, 0]);
    assert.deepEqual(await records(store), await records(other.store));
  } finally {
    await other.drop();
  }
});

testEachStore('an untrusted bundle is quarantined whole and loads nothing', async ({ store }, t) => {
  if (!isRoot) { t.skip('needs root to own files as other users'); return; }
  const alice = testUser('xalt-alice');
  const root = spoolDir();
  const entries = (user: string) => [{ record: runRecord({ userT: { user } }), owner: 0 }];
  const hers = writeBundle(root, entries('xalt-bob'), { owner: alice.uid }); // a bundle alice wrote claiming root vouched
  const writable = writeBundle(root, entries('xalt-bob'), { mode: 0o620 });
  const target = writeBundle(spoolDir(), entries('xalt-bob'));
  const linked = join(dirname(writable), 'ship.testhost.2026_01_01_00_00_00_0000.c001.1.018bcfe5-8452-7868-a477-65408dddba7a.bundle');
  linkSync(target, linked); // a second name for a root bundle: not how xalt-ship writes
  const planted = join(dirname(writable), 'ship.testhost.2026_01_01_00_00_00_0000.c001.2.018bcfe5-8452-7868-a477-65408dddba7b.bundle');
  symlinkSync(target, planted);
  const s = await ingestSpools(store, [root], { jobs: 0 });
  assert.deepEqual([s.bundles, s.runs, s.quarantined], [4, 0, 4]);
  assert.deepEqual(s.reasons, { untrusted_bundle: 3, not_a_file: 1 });
  const rows = await store.all<Obj>(`SELECT path, reason, detail, stored_as FROM xalt_quarantine ORDER BY detail`);
  const detail = (p: string) => String(rows.find((r) => r['path'] === relative(root, p))!['detail']);
  assert.match(detail(hers), new RegExp(`owned by uid ${alice.uid}, not root`));
  assert.match(detail(writable), /writable by its group \(mode 0620\)/);
  assert.match(detail(linked), /2 hard links/);
  assert.match(detail(planted), /symbolic link/);
  const copy = rows.find((r) => r['path'] === relative(root, hers))!['stored_as'];
  assert.equal(readFileSync(String(copy), 'utf8'), readFileSync(hers, 'utf8'), 'the whole bundle is kept in the quarantine');
  assert.equal(await count(store, 'xalt_run'), 0);
  const again = await ingestSpools(store, [root], { jobs: 0, delete: true });
  assert.equal(again.bundlesRead, 0, 'quarantined bundles are not read again');
  for (const p of [hers, writable, linked]) assert.ok(existsSync(p), `${p} is left where it was`);
});

testEachStore('a bad entry in a good bundle is quarantined alone, named by bundle and entry; the rest loads', async ({ store, url }) => {
  const root = spoolDir();
  const good = runPair();
  const bad = runRecord();
  const text = serializeRecord(bad);
  const path = writeBundle(root, [
    { record: good.start, owner: 0 },
    { record: bad, owner: 0, raw: `${text.slice(0, 80)}\n` }, // truncated record
    { record: bad, owner: 0, raw: 'hello world\n' },
    { record: bad, owner: 0, entryLine: 'no owner here' },
    { record: bad, owner: 0, name: 'core.1234' },
    { record: good.end, owner: 0 },
  ], { text: undefined });
  // a record line with no entry line before it, then one last entry cut short by a full disk
  writeFileSync(path, `${readFileSync(path, 'utf8')}${serializeRecord(runRecord())}${recordName(bad)} 0 -\n${text.slice(0, 50)}`);
  const r = await xalt('ingest', '--db', url, root);
  assert.equal(r.code, 1, 'quarantined entries make ingest exit 1');
  assert.match(r.stdout, /1 bundles \(1 read holding 8 records, 0 already loaded\), 2 run records, .* 6 quarantined \(/);
  const rel = relative(root, path);
  for (const [n, reason] of [[2, 'truncated'], [3, 'not_json'], [4, 'bad_entry'], [5, 'unknown_name'], [7, 'bad_entry'], [8, 'truncated']] as const) {
    assert.match(r.stderr, new RegExp(`^xalt: quarantined ${rel.replace(/[.]/g, '\\.')}#${n}: ${reason}`, 'm'), `entry ${n}: ${reason}`);
  }
  const [run] = await store.all<Obj>(`SELECT has_start, has_end FROM xalt_run`);
  assert.deepEqual([Number(run!['has_start']), Number(run!['has_end'])], [1, 1], 'the good start and end around the bad entries merged');
  const [notJson] = await store.all<Obj>(`SELECT detail, stored_as FROM xalt_quarantine WHERE path = ?`, [`${rel}#3`]);
  assert.equal(readFileSync(String(notJson!['stored_as']), 'utf8'), 'hello world\n', 'the copy holds the record line');
  assert.match(String(notJson!['detail']), new RegExp(`^${recordName(bad).replace(/[.]/g, '\\.')} \\(owner uid 0\\): `), 'the detail names the record and its owner');
  const [noEntry] = await store.all<Obj>(`SELECT stored_as FROM xalt_quarantine WHERE path = ?`, [`${rel}#4`]);
  assert.equal(readFileSync(String(noEntry!['stored_as']), 'utf8'), `no owner here\n${serializeRecord(bad)}`, 'an unreadable entry is kept with its entry line');
  assert.equal(await count(store, 'xalt_ingested_file', 'path = ?', [rel]), 1, 'the bundle is done: its good entries loaded, its bad ones quarantined');
});

testEachStore('an ingest that died part-way through a bundle: the next one loads the rest, nothing twice', async ({ store, kind }) => {
  const root = spoolDir();
  const pairs = Array.from({ length: 6 }, () => runPair());
  const entries = pairs.flatMap(({ start, end }) => [{ record: start, owner: 0 }, { record: end, owner: 0 }]);
  writeBundle(root, entries);
  let commits = 0;
  const dying = {
    ...store, location: store.location, dialect: store.dialect, all: store.all.bind(store), run: store.run.bind(store), close: store.close.bind(store),
    transaction: <T>(fn: (tx: Parameters<Parameters<Store['transaction']>[0]>[0]) => Promise<T>) => {
      if (++commits > 2) return Promise.reject(Object.assign(new Error('connection lost'), { code: 'PROTOCOL_CONNECTION_LOST' }));
      return store.transaction(fn);
    },
  } as Store;
  await assert.rejects(ingestSpools(dying, [root], { jobs: 0, batchSize: 4, delete: true }), /connection lost/);
  assert.equal(await count(store, 'xalt_ingested_file'), 8, 'two batches of entries committed, the bundle itself not yet');
  const s = await ingestSpools(store, [root], { jobs: 0, batchSize: 4, delete: true });
  assert.deepEqual([s.bundlesRead, s.bundleEntries, s.runs, s.duplicates], [1, 12, 4, 0]);
  const clean = await createTestStore(kind);
  try {
    const again = spoolDir();
    writeBundle(again, entries);
    await ingestSpools(clean.store, [again], { jobs: 0 });
    assert.deepEqual(await records(store), await records(clean.store));
  } finally {
    await clean.drop();
  }
  assert.equal(await count(store, 'xalt_run', 'has_start = 1 AND has_end = 1'), 6);
});

testEachStore('--delete removes a loaded bundle; one with an entry kept nowhere else stays', async ({ store }) => {
  const root = spoolDir();
  const loaded = writeBundle(root, [{ record: runRecord(), owner: 0 }]);
  const big = runRecord({ cmdlineA: ['x'.repeat(5000)] });
  const keeps = writeBundle(root, [{ record: runRecord(), owner: 0 }, { record: big, owner: 0 }], { job: '4243' });
  const s = await ingestSpools(store, [root], { jobs: 0, delete: true, maxFileSize: 4096 });
  assert.deepEqual([s.runs, s.reasons], [2, { too_large: 1 }]);
  assert.ok(!existsSync(loaded), 'a fully loaded bundle is deleted after commit');
  assert.ok(existsSync(keeps), 'an entry too large to copy is only in its bundle: the bundle stays');
});

testEachStore('bundles the real xalt-ship wrote load exactly like their records as files', async ({ store, kind }, t) => {
  if (!isRoot) { t.skip('xalt-ship runs as root here'); return; }
  const { alice, bob, node, ship, stageRun, stagePkgs, stageLink, bundleFiles, readBundle } = await import('../ship/helpers.js');
  const n = node();
  const a = alice(), b = bob();
  const open = stageRun(n, a, '700', { ago: 40 }); // killed: the shipper closes it (job_end)
  stageRun(n, a, '700', { end: true });
  stagePkgs(n, a, '700', open.uuid, ['numpy', 'scipy']);
  stageLink(n, a, '700');
  stageRun(n, a, '700', { end: true, over: { userT: { user: b.name } } }); // alice's process calling itself bob: flagged
  stageRun(n, b, '701', { end: true });
  for (const [job, u] of [['700', a], ['701', b]] as const) {
    const r = ship(n, ['--job', job, '--uid', String(u.uid), '--job-state', 'CANCELLED']);
    assert.equal(r.status, 0, r.stderr);
  }
  const bundles = bundleFiles(n.spool).filter((f) => f.endsWith('.bundle'));
  assert.equal(bundles.length, 2);
  const s = await ingestSpools(store, [n.spool], { jobs: 0 });
  assert.deepEqual([s.bundlesRead, s.bundleEntries, s.runs, s.pkgs, s.links, s.flagged, s.quarantined], [2, 8, 5, 2, 1, 1, 0]);
  // the same records, each as a file named as in its entry and owned by its entry's owner
  const files = spoolDir();
  for (const e of bundles.flatMap((p) => readBundle(p).entries)) {
    const path = join(files, e.name);
    writeFileSync(path, e.text);
    chownSync(path, e.owner, e.owner);
  }
  const other = await createTestStore(kind);
  try {
    await ingestSpools(other.store, [files], { jobs: 0 });
    assert.deepEqual(await records(store), await records(other.store));
  } finally {
    await other.drop();
  }
  const [closed] = await store.all<Obj>(`SELECT end_reason, owner_user FROM xalt_run WHERE run_uuid = ?`, [open.uuid]);
  assert.deepEqual([closed!['end_reason'], closed!['owner_user']], ['job_end', a.name]);
});
