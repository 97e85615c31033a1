/**
 * hash_id, filled by xalt-ship: the SHA-1 of the executable (as XALT computes it), only when
 * the file the record names is the one it ran (exec_identity) and its owner may read it, and
 * cached on the node so one executable run many times is hashed once.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { alice, bundleFiles, identityOf, node, readBundle, scratch, sha1, shAs, ship, stageRun } from './helpers.js';

/** An executable of alice's (unique content, so its hash is its own). */
function program(tag: string): { path: string; hash: string } {
  const dir = scratch(`bin-${tag}`);
  const path = join(dir, 'prog');
  writeFileSync(path, Buffer.concat([readFileSync('/bin/true'), randomBytes(64)]), { mode: 0o755 });
  return { path, hash: sha1(readFileSync(path)) };
}

/** Ship job `job` and return the hash_id of each record in the new bundle, and the log line. */
function shipHashes(n: ReturnType<typeof node>, job: string, uid: number): { hashes: string[]; log: string } {
  const before = new Set(bundleFiles(n.spool));
  const r = ship(n, ['--job', job, '--uid', String(uid)]);
  assert.equal(r.status, 0, r.stderr);
  const fresh = bundleFiles(n.spool).filter((f) => !before.has(f));
  return { hashes: fresh.flatMap((f) => readBundle(f).entries.map((e) => e.json['hash_id'] as string)), log: r.stderr };
}

test('hash_id is the SHA-1 of the executable, computed once and then taken from the cache', () => {
  const n = node();
  const a = alice();
  const prog = program('once');
  const over = { userT: { exec_path: prog.path, exec_identity: identityOf(prog.path) } };
  for (let i = 0; i < 50; i++) stageRun(n, a, '1', { end: true, over });
  const first = shipHashes(n, '1', a.uid);
  assert.deepEqual([...new Set(first.hashes)], [prog.hash]);
  assert.equal(first.hashes.length, 50);
  assert.match(first.log, /50 files shipped, 1 executable hashed, 49 from cache/);
  // the next job finds it in the node's cache: <state>/sha1/<dev>.<ino>, root-only
  const st = statSync(prog.path);
  const entry = join(n.state, 'sha1', `${st.dev}.${st.ino}`);
  assert.match(readFileSync(entry, 'utf8'), new RegExp(`^${st.size} \\d+\\.\\d{9} \\d+\\.\\d{9} ${prog.hash}\\n$`));
  assert.deepEqual([statSync(entry).uid, statSync(entry).mode & 0o777], [0, 0o600]);
  stageRun(n, a, '2', { end: true, over });
  const second = shipHashes(n, '2', a.uid);
  assert.deepEqual(second.hashes, [prog.hash]);
  assert.match(second.log, /1 file shipped, 0 executables hashed, 1 from cache/);
});

test('the cache is what answers: an entry for the file is used while the file is unchanged, and not after', () => {
  const n = node();
  const a = alice();
  const prog = program('cache');
  const over = () => ({ userT: { exec_path: prog.path, exec_identity: identityOf(prog.path) } });
  stageRun(n, a, '3', { end: true, over: over() });
  shipHashes(n, '3', a.uid);
  const st = statSync(prog.path);
  const entry = join(n.state, 'sha1', `${st.dev}.${st.ino}`);
  const planted = 'f'.repeat(40);
  writeFileSync(entry, readFileSync(entry, 'utf8').replace(prog.hash, planted));
  stageRun(n, a, '4', { end: true, over: over() });
  assert.deepEqual(shipHashes(n, '4', a.uid).hashes, [planted], 'the cached value is used');
  // the file changes (same size, new content and times): the entry no longer matches
  const changed = Buffer.from(readFileSync(prog.path));
  changed[changed.length - 1] = changed.at(-1)! ^ 0xff;
  writeFileSync(prog.path, changed);
  utimesSync(prog.path, st.atime, new Date(st.mtimeMs + 5000));
  stageRun(n, a, '5', { end: true, over: over() });
  assert.deepEqual(shipHashes(n, '5', a.uid).hashes, [sha1(changed)]);
});

test('no hash when the file is not the one that ran, or its owner may not read it', () => {
  const n = node();
  const a = alice();
  const prog = program('other');
  const [dev, ino, size, mtime] = identityOf(prog.path).split(':');
  const wrong = [`${dev}:${ino}:${Number(size) + 1}:${mtime}`, `${dev}:${Number(ino) + 1}:${size}:${mtime}`, `${dev}:${ino}:${size}:${Number(mtime) - 1}`, 'junk', `${dev}:${ino}:${size}`];
  for (const id of wrong) stageRun(n, a, '6', { end: true, over: { userT: { exec_path: prog.path, exec_identity: id } } });
  stageRun(n, a, '6', { end: true, over: { userT: { exec_path: 'relative/prog', exec_identity: identityOf(prog.path) } } });
  const r = shipHashes(n, '6', a.uid);
  assert.deepEqual(r.hashes, Array(6).fill(''));
  // readable by root but not by alice: root does not hash it for her
  chmodSync(prog.path, 0o700);
  stageRun(n, a, '7', { end: true, over: { userT: { exec_path: prog.path, exec_identity: identityOf(prog.path) } } });
  assert.deepEqual(shipHashes(n, '7', a.uid).hashes, ['']);
  // hers, 0700: hashed, read as her
  chownSync(prog.path, a.uid, a.gid);
  stageRun(n, a, '8', { end: true, over: { userT: { exec_path: prog.path, exec_identity: identityOf(prog.path) } } });
  assert.deepEqual(shipHashes(n, '8', a.uid).hashes, [prog.hash]);
  // a record whose identity is empty keeps the hash_id it has
  stageRun(n, a, '9', { end: true, over: { hash_id: 'c'.repeat(40), userT: { exec_path: prog.path, exec_identity: '' } } });
  assert.deepEqual(shipHashes(n, '9', a.uid).hashes, ['c'.repeat(40)]);
  assert.deepEqual(readdirSync(join(n.state, 'sha1')).length, 1);
});

test('a FIFO or device named as the executable is never opened for reading', () => {
  const n = node();
  const a = alice();
  const dir = scratch('fifo');
  const fifo = join(dir, 'prog');
  chownSync(dir, a.uid, a.gid);
  assert.equal(shAs(a, `mkfifo ${fifo}`).status, 0);
  stageRun(n, a, '10', { end: true, over: { userT: { exec_path: fifo, exec_identity: identityOf(fifo) } } });
  stageRun(n, a, '10', { end: true, over: { userT: { exec_path: '/dev/zero', exec_identity: identityOf('/dev/zero') } } });
  const r = ship(n, ['--job', '10', '--uid', String(a.uid)]);
  assert.equal(r.signal, null);
  assert.match(r.stderr, /2 files shipped to /);
});

