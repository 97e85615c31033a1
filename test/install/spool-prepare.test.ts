/**
 * The `direct` transport's spool: `xalt spool prepare` (and `xalt install`) make the
 * directories users' processes write into — root's, sticky, world-writable — and nothing
 * above them that users could write; the `ship` transport needs none of it.
 */
import assert from 'node:assert/strict';
import { chownSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runXalt } from '../helpers/run-xalt.js';

function scratch(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'xalt-prepare-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const mode = (p: string) => statSync(p).mode & 0o7777;

test('xalt spool prepare makes each month\'s 997 hash directories root-owned 01777 under a 0755 month, again harmlessly', (t) => {
  if (process.getuid?.() !== 0) { t.skip('makes root-owned directories'); return; }
  const dir = scratch(t);
  const spool = join(dir, 'spool');
  const config = join(dir, 'direct.toml');
  writeFileSync(config, `[spool]\ntransport = "direct"\nprefix = "${spool}"\n`);
  const r = runXalt(['spool', 'prepare', '-c', config, '--month', '202701', '--month', '202702']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /: months 202701, 202702 ready \(\d+ changed\)\n$/);
  assert.equal(mode(spool), 0o755);
  for (const m of ['202701', '202702']) {
    assert.equal(mode(join(spool, m)), 0o755, 'users cannot add or rename anything in a month');
    const hashes = readdirSync(join(spool, m)).sort();
    assert.equal(hashes.length, 997);
    assert.deepEqual([hashes[0], hashes[996]], ['000', '996']);
    for (const h of ['000', '417', '996']) {
      const st = statSync(join(spool, m, h));
      assert.deepEqual([st.uid, st.mode & 0o7777], [0, 0o1777]);
    }
  }
  const again = runXalt(['spool', 'prepare', '-c', config, '--month', '202701']);
  assert.equal(again.status, 0);
  assert.match(again.stdout, /ready \(0 changed\)/);
  // without --month: this month and next
  const now = runXalt(['spool', 'prepare', '-c', config]);
  assert.equal(now.status, 0, now.stderr);
  const d = new Date();
  const ym = (y: number, m: number) => `${y + Math.floor(m / 12)}${String((m % 12) + 1).padStart(2, '0')}`;
  const expected = new Set(['202701', '202702', ym(d.getFullYear(), d.getMonth()), ym(d.getFullYear(), d.getMonth() + 1)]);
  assert.deepEqual(readdirSync(spool).filter((n) => /^\d{6}$/.test(n)).sort(), [...expected].sort());
});

test('xalt spool prepare refuses a month directory a user made, and a bad --month; with transport ship it has nothing to do', (t) => {
  if (process.getuid?.() !== 0) { t.skip('makes root-owned directories'); return; }
  const dir = scratch(t);
  const spool = join(dir, 'spool');
  const config = join(dir, 'direct.toml');
  writeFileSync(config, `[spool]\ntransport = "direct"\nprefix = "${spool}"\n`);
  mkdirSync(join(spool, '202703'), { recursive: true });
  chownSync(join(spool, '202703'), 65534, 65534); // made by a user before root prepared it
  const r = runXalt(['spool', 'prepare', '-c', config, '--month', '202703']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^xalt: error: xalt spool prepare: refusing to use .*202703: it is owned by uid 65534, not 0/m);
  const bad = runXalt(['spool', 'prepare', '-c', config, '--month', '2027-03']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--month "2027-03" is not YYYYMM/);
  const ship = join(dir, 'ship.toml');
  writeFileSync(ship, `[spool]\nprefix = "${join(dir, 'other')}"\n`);
  const s = runXalt(['spool', 'prepare', '-c', ship]);
  assert.equal(s.status, 0);
  assert.match(s.stderr, /the transport is ship .*nothing to prepare/);
});

test('xalt install with transport direct prepares this month and next', (t) => {
  if (process.getuid?.() !== 0) { t.skip('makes root-owned directories'); return; }
  const dir = scratch(t);
  const spool = join(dir, 'spool');
  const config = join(dir, 'direct.toml');
  writeFileSync(config, `[spool]\ntransport = "direct"\nprefix = "${spool}"\n`);
  assert.equal(runXalt(['build', '-c', config, '--out', join(dir, 'build')]).status, 0);
  const r = runXalt(['install', '-c', config, '--build', join(dir, 'build'), join(dir, 'sw')]);
  assert.equal(r.status, 0, r.stderr);
  const months = readdirSync(spool).filter((n) => /^\d{6}$/.test(n));
  assert.equal(months.length, 2);
  for (const m of months) assert.equal(mode(join(spool, m, '500')), 0o1777);
  assert.equal(mode(join(spool, '.quarantine')), 0o700);
});
