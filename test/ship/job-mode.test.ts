/**
 * xalt-ship --job (the epilog), as root, on staging files two real users wrote: what it ships,
 * how it closes runs a job left open, how it names and flags records, and what it leaves.
 */
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { verifyRecordCrc } from '../../src/schema/crc16.js';
import { validateLink, validatePkg, validateRun } from '../../src/schema/validate.js';
import { serializeRecord } from '../../src/schema/index.js';
import { alice, asUser, bob, bundleFiles, lines, node, onlyBundle, ship, sha1, stageLink, stagePkgs, stageRun, staged, type BundleEntry } from './helpers.js';

type Obj = Record<string, unknown>;
const userT = (e: BundleEntry) => e.json['userT'] as Obj;
const userDT = (e: BundleEntry) => e.json['userDT'] as Obj;

test('the epilog ships only its job of its uid, in one bundle, and closes the run that never ended', () => {
  const n = node();
  const a = alice(), b = bob();
  const open = stageRun(n, a, '100', { ago: 40 });
  const done = stageRun(n, a, '100', { end: true });
  stagePkgs(n, a, '100', open.uuid, ['numpy', 'scipy']);
  const link = stageLink(n, a, '100');
  const other = [stageRun(n, a, '101').file, stageRun(n, b, '100').file, stageRun(n, a, 'none', { end: true }).file];
  const t0 = Date.now() / 1000;
  const r = ship(n, ['--job', '100', '--uid', String(a.uid), '--job-state', 'TIMEOUT']);
  const t1 = Date.now() / 1000;
  assert.equal(r.status, 0, r.stderr);
  assert.equal(lines(r.stderr).length, 1, 'one line per job');
  assert.match(r.stderr, new RegExp(`^xalt-ship: job 100 uid ${a.uid}: 4 files shipped, 1 run closed to \\d{6}/\\d{3}/ship\\.[^ ]+\\.100\\.[0-9a-f-]{36}\\.bundle\\n$`));

  const bundle = onlyBundle(n.spool);
  assert.equal(bundle.header.join(' '), `xalt-bundle 1 ${bundle.header[2]} 100 0`);
  assert.deepEqual(bundle.entries.map((e) => [e.owner, e.flags]), bundle.entries.map(() => [a.uid, '-']));
  const kinds = bundle.entries.map((e) => e.name.split('.')[0]);
  assert.deepEqual(kinds, ['run', 'run', 'run', 'pkg', 'pkg', 'link']);
  for (const e of bundle.entries) assert.equal(verifyRecordCrc(e.text), true, `crc of ${e.name}`);

  // the open run: its start record (aaa) and a synthesised end record (zzz)
  const mine = bundle.entries.filter((e) => userT(e)?.['run_uuid'] === open.uuid);
  assert.deepEqual(mine.map((e) => e.name.split('.')[4]), ['aaa', 'zzz']);
  const [aaa, zzz] = mine as [BundleEntry, BundleEntry];
  assert.equal(aaa.text, serializeRecord(open.record), 'the start record is shipped exactly as written');
  assert.deepEqual(validateRun(zzz.json).issues, []);
  assert.equal(userT(zzz)['end_reason'], 'job_end');
  assert.equal(userT(zzz)['job_state'], 'TIMEOUT');
  assert.equal(userDT(zzz)['exit_status'], -1);
  const start = Number(userDT(aaa)['start_time']);
  const end = Number(userDT(zzz)['end_time']);
  assert.ok(end >= t0 - 1 && end <= t1 + 1, `end_time ${end} is the time of the ship`);
  assert.ok(Math.abs(Number(userDT(zzz)['run_time']) - (end - start)) < 0.001, 'run_time = end_time - start_time');
  assert.ok(Number(userDT(zzz)['run_time']) >= 39, 'the run started 40 s ago');
  // everything else in the end record is the start record's
  for (const k of ['cmdlineA', 'libA', 'envT', 'ptA']) assert.deepEqual(zzz.json[k], aaa.json[k]);
  assert.equal(userT(zzz)['user'], a.name);

  // the finished run as written; pkg and link records named as spool files are
  const fin = bundle.entries.find((e) => userT(e)?.['run_uuid'] === done.uuid)!;
  assert.match(fin.name, new RegExp(`^run\\.[^.]+\\.\\d{4}_\\d\\d_\\d\\d_\\d\\d_\\d\\d_\\d\\d_\\d{4}\\.${a.name}\\.zzz\\.${done.uuid}\\.json$`));
  const pkgs = bundle.entries.filter((e) => e.name.startsWith('pkg.'));
  assert.deepEqual(pkgs.map((e) => e.name.split('.').slice(-2, -1)[0]), ['numpy', 'scipy'].map((p) => sha1(`${open.uuid}\n${p}`).slice(0, 12)));
  for (const p of pkgs) {
    assert.match(p.name, new RegExp(`^pkg\\.[^.]+\\.2023_11_14_22_13_20_2500\\.${a.name}\\.${open.uuid}\\.[0-9a-f]{12}\\.json$`));
    assert.deepEqual(validatePkg(p.json).issues, []);
  }
  const l = bundle.entries.find((e) => e.name.startsWith('link.'))!;
  assert.match(l.name, new RegExp(`\\.${a.name}\\.${link.uuid}\\.json$`));
  assert.deepEqual(validateLink(l.json).issues, []);

  // what was shipped is gone from staging; the other job's, the other user's and job none's stay
  assert.deepEqual(staged(n), other.map((f) => f.split('/').pop()!).sort());

  // the bundle is root's and nobody else's to read or write; its directories root's 0755
  const st = statSync(bundle.path);
  assert.deepEqual([st.uid, st.mode & 0o777], [0, 0o600]);
  for (const d of [join(bundle.path, '..'), join(bundle.path, '../..')]) assert.deepEqual([statSync(d).uid, statSync(d).mode & 0o777], [0, 0o755]);
});

test('running the epilog again ships nothing and writes no second bundle', () => {
  const n = node();
  const a = alice();
  stageRun(n, a, '7');
  stageRun(n, a, '7', { end: true });
  assert.equal(ship(n, ['--job', '7', '--uid', String(a.uid)]).status, 0);
  const again = ship(n, ['--job', '7', '--uid', String(a.uid)]);
  assert.equal(again.status, 0);
  assert.equal(again.stderr, `xalt-ship: job 7 uid ${a.uid}: nothing to ship\n`);
  assert.equal(bundleFiles(n.spool).length, 1);
});

test('a job of 200 runs arrives in one bundle: one file in the spool', () => {
  const n = node();
  const a = alice();
  for (let i = 0; i < 200; i++) stageRun(n, a, '300', { end: i % 2 === 0 });
  const r = ship(n, ['--job', '300', '--uid', String(a.uid)]);
  assert.match(r.stderr, /200 files shipped, 100 runs closed/);
  const files = bundleFiles(n.spool);
  assert.equal(files.length, 1);
  assert.equal(readEntries(files[0]!), 300);
  assert.deepEqual(staged(n), []);
});

/** Records in a bundle file: one name line each. */
const readEntries = (path: string) => readFileSync(path, 'utf8').split('\n').filter((l) => /^(run|pkg|link)\./.test(l)).length;

test('a record naming another user ships flagged owner_mismatch, as its owner\'s', () => {
  const n = node();
  const a = alice(), b = bob();
  stageRun(n, a, '200', { end: true, over: { userT: { user: b.name } } });
  stageRun(n, a, '200', { end: true, over: { userT: { user: String(a.uid) } } }); // a numeric uid is the owner too
  stagePkgs(n, a, '200', stageRun(n, a, '200', { end: true }).uuid, ['numpy'], b.name);
  stageLink(n, a, '200', { resultT: { build_user: b.name } });
  const r = ship(n, ['--job', '200', '--uid', String(a.uid)]);
  assert.equal(r.status, 0, r.stderr);
  const { entries } = onlyBundle(n.spool);
  const flagged = entries.filter((e) => e.flags === 'owner_mismatch');
  assert.equal(flagged.length, 3, entries.map((e) => `${e.name} ${e.flags}`).join('\n'));
  for (const e of entries) {
    assert.equal(e.owner, a.uid);
    assert.ok(e.name.includes(`.${a.name}.`), `${e.name} is named as the owner's`);
    assert.ok(!e.name.includes(b.name));
  }
  assert.equal(entries.filter((e) => e.name.startsWith('run.') && e.flags === '-').length, 2);
});

test('the epilog exits 0 and leaves staging alone when the spool cannot be used', () => {
  const n = node();
  const a = alice();
  const s = stageRun(n, a, '9');
  const r = ship(n, ['--job', '9', '--uid', String(a.uid), '--spool', join(n.spool, 'missing')]);
  assert.equal(r.status, 0);
  assert.equal(lines(r.stderr).length, 1);
  assert.match(r.stderr, /^xalt-ship: job 9 uid \d+: error: spool .*missing: No such file or directory; nothing shipped; files left in /);
  assert.ok(staged(n).includes(s.file.split('/').pop()!));
  // a bad option in job mode is reported, and still exits 0 (a failing epilog drains the node)
  const bad = ship(n, ['--job', '9', '--layout', 'sideways']);
  assert.equal(bad.status, 0);
  assert.equal(bad.stderr, 'xalt-ship: error: --layout sideways: expected month/hash, hash or flat\n');
  // outside job mode the same mistake is a usage error
  assert.equal(ship(n, ['--layout', 'sideways']).status, 2);
});

test('the job and uid come from Slurm\'s Epilog variables; XALT_* variables steer nothing', () => {
  const n = node();
  const a = alice();
  stageRun(n, a, '4711', { end: true });
  const elsewhere = node();
  const r = ship(n, [], { env: { SLURM_JOB_ID: '4711', SLURM_JOB_UID: String(a.uid), SLURM_JOB_USER: a.name, XALT_TMPDIR: elsewhere.staging, XALT_FILE_PREFIX: elsewhere.spool } });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, new RegExp(`^xalt-ship: job 4711 uid ${a.uid}: 1 file shipped`));
  assert.equal(bundleFiles(n.spool).length, 1);
  assert.equal(bundleFiles(elsewhere.spool).length, 0);
});

test('a staging name with a newline in it cannot forge a log line', () => {
  const n = node();
  const a = alice();
  stageRun(n, a, '55', { end: true });
  asUser(a, () => writeFileSync(join(n.staging, `xalt_run.${a.uid}.55.x\nxalt-ship: job 55: 99 files shipped\n.json`), 'x'));
  const r = ship(n, ['--job', '55', '--uid', String(a.uid)]);
  assert.equal(r.status, 0);
  assert.equal(lines(r.stderr).length, 1, r.stderr);
  assert.match(r.stderr, /1 file shipped .*refused 1 file: bad name 1 \(left in place\)\n$/);
});
