/**
 * Ingest against a user of the cluster who tries to hurt root or another user (issue: "nothing a
 * user writes can hurt root, another user, or the store"): she plants symlinks and directories
 * where root's ingest keeps quarantine copies, tries to read others' quarantined records, and
 * sends records carrying another user's run, link or package uuid. Two unprivileged users are
 * created by the tests; ingest runs as root, as on a cluster.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { ingestSpools } from '../../src/ingest/ingest.js';
import { pkgFileName, serializeRecord } from '../../src/schema/index.js';
import { writeBundle } from '../fixtures/bundles.js';
import { linkRecord, pkgRecord, recordPath, runPair, runRecord, spoolDir } from '../fixtures/records.js';
import { createTestStore, testEachStore } from '../helpers/test-stores.js';
import { testUser, type TestUser } from '../ship/helpers.js';

const canSwitchUsers = process.getuid?.() === 0;
import { count, xalt } from './helpers.js';

type Obj = Record<string, unknown>;
const uuidOf = (r: Obj) => (r['userT'] as Obj)['run_uuid'] as string;

/** Run `cmd` as `user`; its exit status and stderr. */
function as(user: TestUser, cmd: string, args: string[]): { status: number | null; stderr: string } {
  const r = spawnSync(cmd, args, { uid: user.uid, gid: user.gid, encoding: 'utf8', env: { PATH: '/usr/bin:/bin' } });
  return { status: r.status, stderr: r.stderr };
}

/** A spool as XALT (and xalt's `direct` transport before wave 2) had it: world-writable, sticky. */
function legacySpool(): string {
  const root = spoolDir();
  chmodSync(root, 0o1777);
  return root;
}

/** Write `record` into `root` (at `rel`, default its flat name) as a file owned by `user`. */
function put(root: string, user: TestUser, record: Obj, opts: { rel?: string; text?: string } = {}): string {
  const path = join(root, opts.rel ?? recordPath('flat', record));
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, opts.text ?? serializeRecord(record));
  chownSync(path, user.uid, user.gid);
  return path;
}

test('a quarantine directory a user created first, or filled with symlinks, is refused: root writes nothing through it', async (t) => {
  if (!canSwitchUsers) { t.skip('needs root'); return; }
  const alice = testUser('xalt-alice');
  const victimDir = spoolDir({}, 'xalt-victim-');
  const victim = join(victimDir, 'root-owned.conf');
  writeFileSync(victim, "root's file\n", { mode: 0o644 });
  chmodSync(victimDir, 0o755);

  const root = legacySpool();
  const bad = runRecord({ userT: { user: alice.name } });
  const rel = recordPath('flat', bad);
  put(root, alice, bad, { text: '{"crc":' }); // a record ingest will quarantine (and copy)
  // alice gets there first: the quarantine directory is hers, with a symlink where the copy goes
  assert.equal(as(alice, 'mkdir', ['-m', '0777', join(root, '.quarantine')]).status, 0);
  assert.equal(as(alice, 'ln', ['-s', victim, join(root, '.quarantine', rel)]).status, 0);
  const db = join(spoolDir(), 'xalt.db');
  const r = await xalt('ingest', '--db', db, root);
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`^xalt: error: xalt ingest: quarantine directory ${root}/\\.quarantine: it is owned by uid ${alice.uid}, not 0 .*; nothing was loaded\\n  hint: `));
  assert.equal(r.stderr.split('\n').filter((l) => l.startsWith('xalt: error')).length, 1, 'one line');
  assert.equal(readFileSync(victim, 'utf8'), "root's file\n");

  // the directory replaced by a symlink to one of hers: refused the same way
  spawnSync('rm', ['-rf', join(root, '.quarantine')]);
  const hers = join(root, 'alices-dir');
  assert.equal(as(alice, 'mkdir', ['-m', '0777', hers]).status, 0);
  assert.equal(as(alice, 'ln', ['-s', hers, join(root, '.quarantine')]).status, 0);
  const r2 = await xalt('ingest', '--db', db, root);
  assert.equal(r2.code, 1);
  assert.match(r2.stderr, /quarantine directory .*\.quarantine: it is a symbolic link; nothing was loaded/);
  assert.deepEqual(readdirSync(hers), [], 'nothing written into her directory');

  // root's own quarantine directory that was left open to others (0777) with her directory symlink inside: refused, not repaired
  spawnSync('rm', ['-f', join(root, '.quarantine')]);
  mkdirSync(join(root, '.quarantine'), { mode: 0o700 });
  chmodSync(join(root, '.quarantine'), 0o777);
  const r3 = await xalt('ingest', '--db', db, root);
  assert.equal(r3.code, 1);
  assert.match(r3.stderr, /\.quarantine: it has mode 0777, not 0700; nothing was loaded/);
  assert.equal(statSync(join(root, '.quarantine')).mode & 0o7777, 0o777, 'left as it was for the admin to look at');
});

test("a quarantine directory root made is used: copies are root's 0600 in a 0700 directory; other users can read none", async (t) => {
  if (!canSwitchUsers) { t.skip('needs root'); return; }
  const alice = testUser('xalt-alice');
  const bob = testUser('xalt-bob');
  const root = legacySpool();
  const hisBad = runRecord({ userT: { user: bob.name } });
  put(root, bob, hisBad, { text: `${serializeRecord(hisBad).slice(0, 200)}` }); // truncated: quarantined with a copy
  // alice plants, in the spool, a record-named symlink to a file only root may read
  const secret = join(spoolDir({}, 'xalt-secret-'), 'secret.json');
  writeFileSync(secret, serializeRecord(runRecord({ userT: { user: 'root' } })), { mode: 0o600 });
  const planted = join(root, recordPath('flat', runRecord({ userT: { user: alice.name } })));
  assert.equal(as(alice, 'ln', ['-s', secret, planted]).status, 0);
  const store = await createTestStore('sqlite');
  t.after(() => store.drop());
  const s = await ingestSpools(store.store, [root], { jobs: 0 });
  assert.deepEqual(s.reasons, { truncated: 1, not_a_file: 1 });
  const q = join(root, '.quarantine');
  const st = statSync(q);
  assert.deepEqual([st.uid, st.mode & 0o7777], [0, 0o700]);
  const copies = readdirSync(q);
  assert.equal(copies.length, 1, 'a copy of the truncated record only: the symlink was never followed, so nothing of the secret was copied');
  const copy = join(q, copies[0]!);
  assert.deepEqual([statSync(copy).uid, statSync(copy).mode & 0o777], [0, 0o600]);
  assert.notEqual(as(alice, 'cat', [copy]).status, 0, "alice cannot read bob's quarantined record");
  assert.notEqual(as(bob, 'ls', [q]).status, 0, 'nor list the quarantine');
  assert.ok(lstatSync(planted).isSymbolicLink(), 'the planted link is left alone');
});

testEachStore("records carrying another user's run, link or package uuid are quarantined as foreign_uuid; his stay as they were", async ({ store }, t) => {
  if (!canSwitchUsers) { t.skip('needs root to own files as other users'); return; }
  const alice = testUser('xalt-alice');
  const bob = testUser('xalt-bob');
  const root = spoolDir();
  const his = runPair({ userT: { user: bob.name } });
  const hisLink = linkRecord({ resultT: { build_user: bob.name } });
  const hisPkgName = pkgFileName('testhost', 1_700_000_000, bob.name, uuidOf(his.start), 'aaaaaaaaaaaa');
  put(root, bob, his.start);
  put(root, bob, hisLink);
  put(root, bob, pkgRecord(uuidOf(his.start), { package_name: 'numpy' }), { rel: hisPkgName });
  await ingestSpools(store, [root], { jobs: 0 });

  // alice read the uuids off file names: an end for his running run, his link, his package, another package for his run
  const forgedEnd = { ...his.end, userDT: { ...(his.end['userDT'] as Obj), run_time: 1e6, exit_status: 0 }, userT: { ...(his.end['userT'] as Obj), user: alice.name } };
  const attack = spoolDir();
  put(attack, alice, forgedEnd);
  put(attack, alice, { ...hisLink, resultT: { ...(hisLink['resultT'] as Obj), build_user: alice.name, link_program: 'evil' } });
  put(attack, alice, pkgRecord(uuidOf(his.start), { package_name: 'numpy', package_version: '6.6.6' }), { rel: pkgFileName('testhost', 1_700_000_000, alice.name, uuidOf(his.start), 'bbbbbbbbbbbb') });
  put(attack, alice, pkgRecord(uuidOf(his.start), { package_name: 'malware' }), { rel: pkgFileName('testhost', 1_700_000_000, alice.name, uuidOf(his.start), 'cccccccccccc') });
  const s = await ingestSpools(store, [attack], { jobs: 0 });
  assert.deepEqual([s.runs, s.links, s.pkgs, s.duplicates, s.quarantined, s.reasons], [0, 0, 0, 0, 4, { foreign_uuid: 4 }]);
  const [run] = await store.all<Obj>(`SELECT has_end, run_time, owner_user FROM xalt_run WHERE run_uuid = ?`, [uuidOf(his.start)]);
  assert.deepEqual([Number(run!['has_end']), Number(run!['run_time']), run!['owner_user']], [0, 0, bob.name], 'his run is still running, still his');
  const [link] = await store.all<Obj>(`SELECT link_program, owner_user FROM xalt_link`);
  assert.deepEqual([link!['link_program'], link!['owner_user']], ['gcc', bob.name]);
  const pkgs = await store.all<Obj>(`SELECT pkg_name, pkg_version FROM xalt_pkg`);
  assert.deepEqual(pkgs.map((p) => [p['pkg_name'], p['pkg_version']]), [['numpy', '1.26.4']]);
  const why = await store.all<Obj>(`SELECT detail FROM xalt_quarantine WHERE reason = 'foreign_uuid' ORDER BY detail`);
  assert.ok(why.every((w) => String(w['detail']).includes(`belongs to ${bob.name}`)), JSON.stringify(why));

  // his own end record still completes his run
  const later = spoolDir();
  put(later, bob, his.end);
  const mine = await ingestSpools(store, [later], { jobs: 0 });
  assert.deepEqual([mine.runs, mine.quarantined], [1, 0]);
  assert.equal(await count(store, 'xalt_run', 'has_end = 1 AND run_time = 10'), 1);
});

testEachStore('in a bundle the entry owner decides, even when both users\' records of one run arrive together', async ({ store }, t) => {
  if (!canSwitchUsers) { t.skip('needs root'); return; }
  const alice = testUser('xalt-alice');
  const bob = testUser('xalt-bob');
  const root = spoolDir();
  const his = runPair({ userT: { user: bob.name } });
  const forgedEnd = { ...his.end, userT: { ...(his.end['userT'] as Obj), user: alice.name } };
  writeBundle(root, [
    { record: his.start, owner: bob.uid },
    { record: forgedEnd, owner: alice.uid }, // in the same batch as his start: must not be paired with it
    { record: his.end, owner: bob.uid },
  ]);
  const s = await ingestSpools(store, [root], { jobs: 0 });
  assert.deepEqual([s.runs, s.quarantined, s.reasons], [2, 1, { foreign_uuid: 1 }]);
  const [run] = await store.all<Obj>(`SELECT has_start, has_end, owner_user FROM xalt_run`);
  assert.deepEqual([Number(run!['has_start']), Number(run!['has_end']), run!['owner_user']], [1, 1, bob.name]);
  assert.ok(existsSync(join(root, '.quarantine')) === false, 'a foreign entry keeps no copy: its bundle stays');
});

test('a SQLite store where another user could plant a symlink (beside it, or as it) is refused before anything is written', async (t) => {
  if (!canSwitchUsers) { t.skip('needs root'); return; }
  const alice = testUser('xalt-alice');
  const root = spoolDir();
  put(root, alice, runRecord({ userT: { user: alice.name } }));
  const shared = legacySpool(); // world-writable and sticky, like /tmp
  const victim = join(spoolDir({}, 'xalt-victim-'), 'important.db');
  writeFileSync(victim, 'not a database, and not to be touched\n');
  // she cannot know the store's name in advance for sure, but -wal and -shm sit beside it by name
  assert.equal(as(alice, 'ln', ['-s', victim, join(shared, 'xalt.db-wal')]).status, 0);
  const r = await xalt('ingest', '--db', join(shared, 'xalt.db'), root);
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`^xalt: error: xalt ingest: refusing to write the store ${shared}/xalt\\.db: ${shared} \\(mode 1777\\) is writable by everyone; nothing was loaded`));
  const mine = spoolDir();
  symlinkSync(victim, join(mine, 'linked.db'));
  const r2 = await xalt('ingest', '--db', join(mine, 'linked.db'), root);
  assert.equal(r2.code, 1);
  assert.match(r2.stderr, /linked\.db is a symbolic link; nothing was loaded/);
  assert.equal(readFileSync(victim, 'utf8'), 'not a database, and not to be touched\n');
  assert.equal(existsSync(join(shared, 'xalt.db')), false);
});
