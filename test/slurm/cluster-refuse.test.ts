/**
 * Only one Slurm cluster can run on a machine (slurmctld and slurmd own ports 6817 and 6818):
 * the harness refuses to start one next to a Slurm daemon it did not start, and says which.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clusterSkipReason, refuseIfBusy, withClusterLock } from './cluster.js';

test('a slurmctld running from elsewhere: the cluster is refused, naming its pid and command', { skip: clusterSkipReason() }, async () => {
  await withClusterLock(async () => {
    await refuseIfBusy(); // nothing in the way yet
    const dir = mkdtempSync(join(tmpdir(), 'xalt-fake-slurm-'));
    copyFileSync('/bin/sleep', join(dir, 'slurmctld')); // a process the kernel names "slurmctld"
    const fake = spawn(join(dir, 'slurmctld'), ['60'], { stdio: 'ignore' });
    try {
      await new Promise((r) => setTimeout(r, 200));
      await assert.rejects(refuseIfBusy(), (err: Error) => {
        assert.match(err.message, new RegExp(`Slurm is already running on this machine and these tests did not start it \\(pid ${fake.pid}: ${dir}/slurmctld 60\\)`));
        assert.match(err.message, /ports 6817\/6818/);
        return true;
      });
    } finally {
      fake.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
