import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runXalt } from '../helpers/run-xalt.js';

test('xalt demo tracks, links, closes, ingests and reports what a newcomer should see', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'xalt-demo-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const r = runXalt(['demo', '--dir', dir], { timeout: 300_000 });
  assert.equal(r.status, 0, r.stderr);
  const all = r.stdout + r.stderr;
  // the programs ran and ended as they should
  assert.match(all, /solver +a program that fails.*→ exit status 3/);
  assert.match(all, /simulate .*→ killed by SIGKILL/);
  // the epilog closed the killed run; ingest loaded links, runs and the package
  assert.match(all, /1 runs closed/);
  assert.match(all, /ingest: \d+ files .* 8 run records, 3 links, 1 packages, 0 duplicates, 0 quarantined/);
  // find shows each outcome, how the binaries were built and the Python package
  assert.match(r.stdout, /outcome +exit 3 +\[FAILED\]/);
  assert.match(r.stdout, /outcome +still running when the job ended \(closed by the epilog\)/);
  assert.match(r.stdout, /built +cc on /);
  assert.match(r.stdout, /packages +fluxsolver 2\.1\.0/);
  // a store was written where --dir said
  assert.ok(readdirSync(dir).includes('xalt.db'));
});
