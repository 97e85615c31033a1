/**
 * Users run their programs under valgrind in CI. With the collector loaded, valgrind must
 * report no error of ours (the PROCMAP_QUERY ioctl fills a buffer valgrind cannot see being
 * filled: under valgrind the collector reads the maps text instead), and the run is recorded.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { compile, endRecords, ROOT, trackingEnv } from './harness.js';
import { join } from 'node:path';

const valgrind = spawnSync('valgrind', ['--version']).status === 0;

test('a tracked program under valgrind: no errors reported, the run recorded with its libraries', { skip: valgrind ? false : 'valgrind is not installed' }, () => {
  const exe = compile('hello');
  const t = trackingEnv();
  const r = spawnSync('valgrind', ['--error-exitcode=99', exe], {
    encoding: 'utf8', env: { PATH: '/usr/bin:/bin', HOME: t.tmp, ...t.env, LD_PRELOAD: join(ROOT, 'native', 'build', 'libxalt.so') },
  });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /ERROR SUMMARY: 0 errors/);
  const [rec] = endRecords(t.tmp);
  assert.ok(rec, 'the run is recorded');
  assert.ok(rec.record.libA.some(([p]) => p.includes('libc.so')), 'libA names libc');
});
