/**
 * xalt-ship against hostile users (issues 11 and 13): two real unprivileged users plant
 * symlinks, FIFOs, hard links, oversized and foreign files in staging, and race the shipper
 * by swapping files and directories for symbolic links while it works. Root must never read
 * or write through anything they control, never ship one user's file as another's, never
 * hang, and always exit 0 in job mode.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { monthDir, serializeRecord } from '../../src/schema/index.js';
import { runPair } from '../fixtures/records.js';
import {
  alice, asUser, bob, bundleFiles, identityOf, lines, node, onlyBundle, readBundle, runName, runOverrides, scratch, sha1, ship, shAs, stageRun, staged,
} from './helpers.js';

type Obj = Record<string, unknown>;

/** A root-only file with a marker no bundle may ever contain. */
function secretFile(): { path: string; marker: string } {
  const dir = scratch('secret', 0o700);
  const marker = `s3cr3t-${randomBytes(8).toString('hex')}`;
  const path = join(dir, 'shadow');
  writeFileSync(path, `{"crc":"0x0000","cmdlineA":["${marker}"]}\n`, { mode: 0o600 });
  return { path, marker };
}

const allBundleText = (spool: string) => bundleFiles(spool).map((f) => readFileSync(f, 'utf8')).join('');

test('symlinks, FIFOs, directories, hard links, oversized and foreign files in staging are refused and left alone', () => {
  const n = node();
  const a = alice(), b = bob();
  const secret = secretFile();
  const victim = join(scratch('victim'), 'root-owned');
  writeFileSync(victim, 'root data\n', { mode: 0o644 });
  const u = () => runPair().start['userT'] as Obj;
  const name = () => runName(a.uid, '77', (u()['run_uuid'] as string));
  const planted = [name(), name(), name(), name(), name(), name(), name()];
  const good = stageRun(n, a, '77', { end: true });
  asUser(a, () => {
    symlinkSync(secret.path, join(n.staging, planted[0]!)); // a root-only file
    symlinkSync(victim, join(n.staging, planted[1]!)); // a root-owned file root could write
  });
  const r0 = shAs(a, [
    `cd ${n.staging}`,
    `mkfifo ${planted[2]}`,
    `mkdir ${planted[3]}`,
    `cp ${good.file} ${planted[4]} && ln ${planted[4]} ${planted[5]}`, // her own file, twice linked
    `truncate -s 65M ${planted[6]}`, // beyond 64 MiB
  ].join(' && '));
  assert.equal(r0.status, 0, r0.stderr);
  // and a file of hers named as bob's, in bob's job
  const forged = join(n.staging, runName(b.uid, '77', u()['run_uuid'] as string));
  asUser(a, () => writeFileSync(forged, serializeRecord(runPair(runOverrides(b, '77')).start)));
  const bobs = stageRun(n, b, '77', { end: true });

  const r = ship(n, ['--job', '77', '--uid', String(a.uid)]);
  assert.equal(r.status, 0);
  assert.equal(r.signal, null, 'a FIFO never blocks the shipper');
  assert.equal(lines(r.stderr).length, 1);
  assert.match(r.stderr, /: 1 file shipped to .*; refused 7 files: symlink 2, not a regular file 2, hard link 2, too large 1 \(left in place\)\n$/);
  const rb = ship(n, ['--job', '77', '--uid', String(b.uid)]);
  assert.match(rb.stderr, /: 1 file shipped to .*; refused 1 file: wrong owner 1 \(left in place\)\n$/);

  const text = allBundleText(n.spool);
  assert.ok(!text.includes(secret.marker), 'the secret never reaches a bundle');
  assert.equal(readFileSync(victim, 'utf8'), 'root data\n', 'nothing is written through a symlink');
  assert.equal(readFileSync(secret.path, 'utf8').includes(secret.marker), true);
  for (const p of planted) assert.ok(lstatSync(join(n.staging, p)), `${p} left in place`);
  assert.ok(existsSync(forged), 'the forged file is left alone');
  assert.ok(!existsSync(good.file) && !existsSync(bobs.file), 'the genuine files were shipped');
  const owners = bundleFiles(n.spool).flatMap((f) => readBundle(f).entries.map((e) => [e.owner, (e.json['userT'] as Obj)['user']]));
  assert.deepEqual(owners.sort(), [[a.uid, a.name], [b.uid, b.name]].sort());
});

test('a spool prefix that is a symlink, not root\'s, or writable by others is refused; staging is kept', () => {
  const a = alice();
  for (const spoil of ['symlink', 'alice owns it', 'mode 0777', 'mode 01775'] as const) {
    const n = node();
    const s = stageRun(n, a, '5', { end: true });
    let spool = n.spool;
    if (spoil === 'symlink') {
      spool = join(n.spool, '..', 'spool-link');
      symlinkSync(n.spool, spool);
    } else if (spoil === 'alice owns it') chownSync(n.spool, a.uid, a.gid);
    else chmodSync(n.spool, spoil === 'mode 0777' ? 0o777 : 0o1775);
    const r = ship(n, ['--job', '5', '--uid', String(a.uid), '--spool', spool]);
    assert.equal(r.status, 0, spoil);
    assert.match(r.stderr, /error: spool .*(a symbolic link or not a directory|is not owned by root or is writable by group or others); nothing shipped/, spoil);
    assert.deepEqual(readdirSync(n.spool), [], spoil);
    assert.ok(existsSync(s.file), `${spoil}: staging kept`);
  }
});

test('a symlinked or foreign directory inside the spool is refused, never followed', () => {
  const a = alice();
  // every hash directory a bundle could go to is a symlink to a decoy
  const n = node();
  const decoy = scratch('decoy');
  for (let i = 0; i < 997; i++) symlinkSync(decoy, join(n.spool, String(i).padStart(3, '0')));
  const s = stageRun(n, a, '6', { end: true });
  const r = ship(n, ['--job', '6', '--uid', String(a.uid), '--layout', 'hash']);
  assert.equal(r.status, 0);
  assert.match(r.stderr, /error: spool directory \d{3}: a symbolic link or not a directory; nothing shipped/);
  assert.deepEqual(readdirSync(decoy), []);
  assert.ok(existsSync(s.file));
  // the month directory owned by a user
  const m = node();
  const now = Date.now() / 1000;
  for (const t of [now, now + 3600]) { // (and the next hour's month, should the month turn now)
    const dir = join(m.spool, monthDir(t));
    if (!existsSync(dir)) mkdirSync(dir, { mode: 0o755 });
    chownSync(dir, a.uid, a.gid);
  }
  stageRun(m, a, '6', { end: true });
  const r2 = ship(m, ['--job', '6', '--uid', String(a.uid)]);
  assert.match(r2.stderr, /error: spool directory \d{6} is not owned by root or is writable by group or others; nothing shipped/);
});

test('swapping a staging file for a symlink while root ships gains nothing', async () => {
  const n = node();
  const a = alice();
  const secret = secretFile();
  const own = scratch('alice-own');
  chownSync(own, a.uid, a.gid);
  const good = stageRun(n, a, '88', { end: true });
  const copy = join(own, 'good.json');
  assert.equal(shAs(a, `cp ${good.file} ${copy}`).status, 0);
  const name = good.file.split('/').pop()!;
  const loop = spawn('/bin/sh', ['-c', `cd ${n.staging}; while :; do ln -s ${secret.path} .x.$$ && mv -f .x.$$ ${name}; cp ${copy} .y.$$ && mv -f .y.$$ ${name}; done`], {
    uid: a.uid, gid: a.gid, stdio: 'ignore',
  });
  try {
    let shipped = 0;
    for (let i = 0; i < 40; i++) {
      const r = ship(n, ['--job', '88', '--uid', String(a.uid)]);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(lines(r.stderr).length, 1);
      if (/1 file shipped/.test(r.stderr)) shipped++;
    }
    assert.ok(shipped > 0, 'the genuine file was shipped while the race ran');
  } finally {
    loop.kill('SIGKILL');
    await new Promise((res) => loop.once('exit', res));
  }
  assert.ok(!allBundleText(n.spool).includes(secret.marker));
  for (const f of bundleFiles(n.spool)) for (const e of readBundle(f).entries) assert.equal(e.owner, a.uid);
});

test('swapping a directory of the executable path for a symlink gains no hash of a file the user cannot read', async () => {
  const n = node();
  const a = alice();
  const secretDir = scratch('secret-bin', 0o700);
  const prog = join(secretDir, 'prog');
  const bytes = randomBytes(8192);
  writeFileSync(prog, bytes, { mode: 0o755 });
  const secretHash = sha1(bytes);
  const identity = identityOf(prog);
  const base = scratch('alice-base');
  chownSync(base, a.uid, a.gid);
  assert.equal(shAs(a, `mkdir ${base}/d && cp /bin/true ${base}/d/prog`).status, 0);
  const execPath = join(base, 'd/prog');
  const loop = spawn('/bin/sh', ['-c', `cd ${base}; while :; do mv -T d d.real && ln -s ${secretDir} d; rm -f d; mv -T d.real d; done 2>/dev/null`], { uid: a.uid, gid: a.gid, stdio: 'ignore' });
  const hashes: string[] = [];
  try {
    for (let i = 0; i < 30; i++) {
      stageRun(n, a, '99', { end: true, over: { userT: { exec_path: execPath, exec_identity: identity } } });
      const r = ship(n, ['--job', '99', '--uid', String(a.uid)]);
      assert.equal(r.status, 0, r.stderr);
    }
  } finally {
    loop.kill('SIGKILL');
    await new Promise((res) => loop.once('exit', res));
  }
  for (const f of bundleFiles(n.spool)) for (const e of readBundle(f).entries) hashes.push(e.json['hash_id'] as string);
  assert.equal(hashes.length, 30);
  assert.deepEqual([...new Set(hashes)], [''], 'no record got the hash of the root-only file');
  // the same record names a file she may read: then the hash is filled (so the check above can fail)
  chmodSync(secretDir, 0o755);
  stageRun(n, a, '99', { end: true, over: { userT: { exec_path: prog, exec_identity: identity } } });
  const before = new Set(bundleFiles(n.spool));
  ship(n, ['--job', '99', '--uid', String(a.uid)]);
  const fresh = bundleFiles(n.spool).filter((f) => !before.has(f));
  assert.equal(fresh.length, 1);
  assert.equal(readBundle(fresh[0]!).entries[0]!.json['hash_id'], secretHash);
});

test('swapping a spool directory for a symlink while root ships puts nothing elsewhere', async () => {
  const n = node();
  const a = alice();
  const decoy = scratch('decoy');
  const month = join(n.spool, monthDir(Date.now() / 1000));
  mkdirSync(month, { mode: 0o755 });
  const loop = spawn('/bin/sh', ['-c', `cd ${n.spool}; i=0; while :; do i=$((i+1)); mv -T ${month} keep.$i && ln -s ${decoy} ${month}; rm -f ${month}; mv -T keep.$i ${month}; done 2>/dev/null`], { stdio: 'ignore' });
  try {
    for (let i = 0; i < 30; i++) {
      stageRun(n, a, '66', { end: true });
      const r = ship(n, ['--job', '66', '--uid', String(a.uid)]);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(lines(r.stderr).length, 1);
    }
  } finally {
    loop.kill('SIGKILL');
    await new Promise((res) => loop.once('exit', res));
  }
  assert.deepEqual(readdirSync(decoy), [], 'nothing was written through the symlink');
  // every record either reached a bundle or is still staged: nothing lost
  const files = bundleFiles(n.spool);
  const shipped = files.flatMap((f) => readBundle(f).entries).length;
  assert.equal(shipped + staged(n).length, 30, `bundles:\n${files.join('\n')}\nstaged:\n${staged(n).join('\n')}`);
});

test('without root: a user ships only her own files, into a spool she owns', () => {
  const n = node();
  const a = alice(), b = bob();
  chownSync(n.spool, a.uid, a.gid);
  mkdirSync(n.state, { mode: 0o700 });
  chownSync(n.state, a.uid, a.gid);
  const mine = stageRun(n, a, '12', { end: true });
  const theirs = stageRun(n, b, '12', { end: true });
  const r = ship(n, ['--job', '12'], { as: a });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, new RegExp(`^xalt-ship: job 12 uid ${a.uid}: 1 file shipped`));
  const bundle = onlyBundle(n.spool);
  assert.equal(statSync(bundle.path).uid, a.uid);
  assert.equal(bundle.header[4], String(a.uid), 'the bundle says who shipped it');
  assert.ok(!existsSync(mine.file) && existsSync(theirs.file));
  // asking for someone else's files is refused
  const other = ship(n, ['--job', '12', '--uid', String(b.uid)], { as: a });
  assert.equal(other.stderr, `xalt-ship: error: only root ships other users' files (uid ${b.uid} asked, running as ${a.uid})\n`);
  assert.ok(existsSync(theirs.file));
  // and a spool that is root's is not hers to write
  const m = node();
  stageRun(m, a, '12', { end: true });
  assert.match(ship(m, ['--job', '12'], { as: a }).stderr, /error: spool .* is not owned by the caller/);
});

test('the state directory and the hash cache are root-only, and refused when a user could write them', () => {
  const n = node();
  const a = alice();
  stageRun(n, a, '3', { end: true, over: { userT: { exec_path: '/bin/true', exec_identity: identityOf('/bin/true') } } });
  ship(n, ['--job', '3', '--uid', String(a.uid)]);
  const st = statSync(join(n.state, 'sha1'));
  assert.deepEqual([st.uid, st.mode & 0o777], [0, 0o700]);
  assert.deepEqual([statSync(join(n.state, 'lock')).uid, statSync(join(n.state, 'lock')).mode & 0o777], [0, 0o600]);
  // a state directory a user owns: no cache is used or written there, shipping goes on
  const m = node();
  mkdirSync(m.state, { mode: 0o755 });
  chownSync(m.state, a.uid, a.gid);
  stageRun(m, a, '3', { end: true, over: { userT: { exec_path: '/bin/true', exec_identity: identityOf('/bin/true') } } });
  const r = ship(m, ['--job', '3', '--uid', String(a.uid)]);
  assert.equal(lines(r.stderr).length, 1);
  assert.match(r.stderr, /1 file shipped, 1 executable hashed, 0 from cache to .*; warning: state directory .* not owned by uid 0 or writable by others, so no hash cache and no lock\n$/);
  assert.deepEqual(readdirSync(m.state), []);
  assert.equal(onlyBundle(m.spool).entries[0]!.json['hash_id'], sha1(readFileSync('/bin/true')));
});
