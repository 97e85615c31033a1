/**
 * `find --spool` and `find --db` describe the same records the same way: both go through
 * ingest's normalisation (application names from the site's rules, "unknown" as none, Slurm's
 * step and state names, package versions), so a run read from the spool is shown as it will be
 * shown once ingested.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openStore } from '../../src/db/open-store.js';
import { ingestSpools } from '../../src/ingest/ingest.js';
import { loadIngestSettings } from '../../src/ingest/ingest-settings.js';
import { xalt } from './run-cli.js';
import { writeSpoolLink, writeSpoolRun } from './spool-records.js';

const NOV = Date.UTC(2026, 10, 10, 12) / 1000;

test('find --spool names, counts and judges each run as find --db does after ingest (LAMMPS, not lmp_mpi)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'xalt-spool-vs-store-'));
  try {
    const spool = join(dir, 'spool');
    const user = userInfo().username; // the files' owner: no owner mismatch to tell the two apart
    const link = writeSpoolLink(spool, { build_epoch: NOV - 86400, build_user: user, link_program: 'mpicc(gcc)' });
    writeSpoolRun(spool, { user, job_id: '100', start: NOV, run_time: 3600, exec_path: '/sw/lammps/bin/lmp_mpi', num_cores: 64, build_uuid: link, build_epoch: NOV - 86400, libs: ['/lib64/libm.so.6', '/lib64/libc.so.6'] });
    writeSpoolRun(spool, { user, job_id: '200', start: NOV + 60, exec_path: '/usr/bin/python3.11', pkgs: [{ name: 'numpy', version: '1.26.4' }] });
    writeSpoolRun(spool, { user, job_id: '200', start: NOV + 120, exec_path: '/home/u/gmx_mpi', end_reason: 'signal', signal: 9, exit_status: -1 });
    writeSpoolRun(spool, { user, job_id: '300', start: NOV + 180, exec_path: '/home/u/a.out', end: false });
    const db = join(dir, 'xalt.db');
    const store = await openStore(db);
    try {
      const settings = await loadIngestSettings(); // the same rules the command uses
      const s = await ingestSpools(store, [spool], { applications: settings.applications ?? [] });
      assert.equal(s.quarantined, 0);
    } finally {
      await store.close();
    }
    const fromSpool = await xalt('find', '--spool', spool, '--json');
    const fromStore = await xalt('find', '--db', db, '--json');
    assert.equal(fromSpool.code, 0, fromSpool.stderr);
    assert.equal(fromStore.code, 0, fromStore.stderr);
    const runs = (r: { stdout: string }) => (JSON.parse(r.stdout) as { runs: Record<string, unknown>[] }).runs;
    assert.deepEqual(runs(fromSpool).map((r) => r['app_name']), ['a.out', 'GROMACS', 'Python', 'LAMMPS']);
    assert.deepEqual(runs(fromSpool), runs(fromStore));
    const table = (r: { stdout: string }) => r.stdout;
    assert.match(table(await xalt('find', '--spool', spool, '--exec', '*lmp_mpi')), /LAMMPS \(lmp_mpi\)/);
    assert.equal(table(await xalt('find', '--spool', spool)), table(await xalt('find', '--db', db)), 'the text tables are the same');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
