/**
 * The test cluster itself: jobs of an ordinary user run, Slurm's Epilog runs after each, and
 * `scontrol show job` says how each ended — the facts the xalt scenario test compares against.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clusterSkipReason, SlurmCluster } from './cluster.js';
import { ensureUser } from './test-users.js';

const skip = clusterSkipReason();
let cluster: SlurmCluster;

before(async () => {
  if (skip) return;
  ensureUser('xalt_alice');
  cluster = await SlurmCluster.start();
});
after(async () => cluster?.shutdown());

function script(name: string, body: string): string {
  const path = join(cluster.dir, 'jobs', name);
  writeFileSync(path, `#!/bin/bash\n${body}\n`, { mode: 0o755 });
  return path;
}

test('a user\'s jobs run; the Epilog runs after each as root with the job\'s id and user; scontrol says how each ended', { skip }, async () => {
  const out = join(cluster.dir, 'jobs');
  const ok = cluster.submit('xalt_alice', ['-o', `${out}/ok.%j.out`], script('ok.sh', 'echo "uid=$(id -u) step=${SLURM_STEP_ID-none}"'));
  const bad = cluster.submit('xalt_alice', ['-o', `${out}/bad.%j.out`], script('bad.sh', 'exit 3'));
  const jobs = await cluster.waitForJobs([ok, bad]);

  const byId = new Map(jobs.map((j) => [j.id, j]));
  assert.equal(byId.get(ok)?.state, 'COMPLETED');
  assert.deepEqual([byId.get(ok)?.exitCode, byId.get(ok)?.exitSignal], [0, 0]);
  assert.equal(byId.get(bad)?.state, 'FAILED');
  assert.deepEqual([byId.get(bad)?.exitCode, byId.get(bad)?.exitSignal], [3, 0]);
  for (const j of jobs) {
    assert.equal(j.user, 'xalt_alice');
    assert.equal(j.numCpus, 1);
    assert.ok(j.startTime !== null && j.endTime !== null && j.endTime >= j.startTime, JSON.stringify(j.fields));
  }

  const epilogs = cluster.epilogRuns();
  assert.deepEqual(epilogs.map((e) => e.job).sort(), [ok, bad].sort());
  for (const e of epilogs) assert.deepEqual([e.user, e.rc], ['xalt_alice', 0]);
  assert.equal(cluster.nodeState(), 'idle', 'the node is back to idle, not drained');
});
