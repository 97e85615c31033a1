import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runXalt } from '../helpers/run-xalt.js';

test('xalt demo tracks, links, ships, ingests and reports what a newcomer should see', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'xalt-demo-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const r = runXalt(['demo', '--dir', dir], { timeout: 300_000 });
  assert.equal(r.status, 0, r.stderr);
  const all = r.stdout + r.stderr;
  // the programs ran and ended as they should
  assert.match(all, /solver +a program that fails.*→ exit status 3/);
  assert.match(all, /postproc +a program that crashes.*→ killed by SIGSEGV/);
  assert.match(all, /simulate .*→ killed by SIGKILL/);
  // records were staged node-locally; xalt-ship shipped the job in one bundle and closed the killed run
  assert.match(all, /records are staged node-locally in /);
  assert.match(all, /^xalt-ship: job 4242 uid \d+: 10 files shipped, 1 run closed, .* to \d{6}\/\d{3}\/ship\.[^ ]+\.4242\.[0-9a-f-]{36}\.bundle$/m);
  assert.deepEqual(readdirSync(join(dir, 'staging')).filter((f) => /^xalt_(run|pkg|link)\./.test(f)), [], 'no record left in staging');
  // ingest loaded the bundle: runs (the killed one as start + end), links, the package; nothing quarantined
  assert.match(all, /ingest: 0 files .*, 1 bundles \(1 read holding 11 records, 0 already loaded\), 6 run records, 4 links, 1 packages, 0 duplicates, 0 quarantined/);
  // find shows each outcome, how the binaries were built and the Python package
  assert.match(r.stdout, /outcome +exit 3 +\[FAILED\]/);
  assert.match(r.stdout, /outcome +killed by signal 11 \(SIGSEGV\) +\[FAILED\]/);
  assert.match(r.stdout, /outcome +still running when the job ended(?: \(job [A-Z_]+\))?; closed by xalt-ship/);
  assert.match(r.stdout, /built +cc on /);
  assert.match(r.stdout, /packages +fluxsolver 2\.1\.0/);
  // a store was written where --dir said
  assert.ok(readdirSync(dir).includes('xalt.db'));
});
