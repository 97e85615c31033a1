/**
 * A small store whose report figures can be worked out by hand (see the comments): seven runs
 * on cluster "testhost" in the week of 2026-11-02, one run outside the period and one on
 * another cluster. Weighted totals on testhost: 172.6 core-hours, 10 runs (run 3 was
 * sampled with p = 0.25, so it stands for 4), 4 users, 3 accounts, 6 jobs.
 */
import type { Queryable } from '../../src/db/store.js';
import { FIXTURE_EPOCH, storeRows } from '../fixtures/store-rows.js';

export const PERIOD = ['--since', '2026-11-02', '--until', '2026-11-09', '--syshost', 'testhost'] as const;
const DAY = 86400;
const T = FIXTURE_EPOCH;

export async function seedReportStore(q: Queryable): Promise<void> {
  const rows = storeRows(q);
  const mpi = { path: '/sw/openmpi/lib/libmpi.so.40', module: 'openmpi/4.1' };
  const fftw = { path: '/sw/fftw/lib/libfftw3.so.3', module: 'fftw/3.3' };
  const fftwThreads = { path: '/sw/fftw/lib/libfftw3_threads.so.3', module: 'fftw/3.3' };
  const libc = { path: '/lib64/libc.so.6' };
  const gcc = await rows.link({ link_program: 'gcc', build_user: 'bob', build_epoch: T + 600, exec_path: '/home/bob/a.out' });
  await rows.link({ link_program: 'nvc', build_user: 'dave', build_epoch: T + DAY, build_id: 'abcdef0123', exec_path: '/home/dave/vasp_gpu' });
  const lmp = { exec_path: '/sw/lammps/bin/lmp_mpi', app_name: 'LAMMPS*', module_name: 'lammps/2023', user: 'alice', account: 'chem' };
  // 1: 128 cores × 1 h = 128 core-hours
  await rows.run({ ...lmp, job_id: '1', num_cores: 128, run_time: 3600, start_time: T + 3600, libs: [mpi, libc] });
  // 2: 64 × 0.5 h = 32; two fftw objects, one module: counted once
  await rows.run({ ...lmp, job_id: '2', num_cores: 64, run_time: 1800, start_time: T + DAY, libs: [mpi, fftw, fftwThreads] });
  // 3: bob's own binary, 1 core × 2 h, sampled at p = 0.25 → 4 runs, 8 core-hours; exit 1
  await rows.run({ user: 'bob', account: 'phys', job_id: '3', exec_path: '/home/bob/a.out', run_time: 7200, probability: 0.25, exit_status: 1, build_uuid: gcc.uuid, start_time: T + 2 * DAY });
  // 4: python from a module, 6 minutes = 0.1 core-hours, imports numpy and scipy
  await rows.run({ user: 'bob', account: 'phys', job_id: '3', exec_path: '/sw/python/bin/python3', module_name: 'python/3.11', run_time: 360, start_time: T + 2 * DAY + 100, pkgs: [{ name: 'numpy', version: '1.26.4' }, { name: 'scipy', version: '1.11.0' }] });
  // 5: carol runs bob's binary on 2 cores for 15 min = 0.5; killed by SIGKILL
  await rows.run({ user: 'carol', account: 'phys', job_id: '4', exec_path: '/home/bob/a.out', num_cores: 2, run_time: 900, build_uuid: gcc.uuid, end_reason: 'signal', exit_signal: 9, exit_status: null, start_time: T + 3 * DAY });
  // 6: python that never ended: no core-hours, imports numpy 1.24
  await rows.run({ user: 'carol', account: 'phys', job_id: '5', exec_path: '/sw/python/bin/python3', module_name: 'python/3.11', has_end: 0, start_time: T + 3 * DAY + 100, pkgs: [{ name: 'numpy', version: '1.24.0' }] });
  // 7: dave's GPU code, joined to its link by ELF build-id: 4 cores × 1 h = 4 core-hours, 4 GPUs × 1 h = 4 GPU-hours
  await rows.run({ user: 'dave', account: 'mat', job_id: '6', exec_path: '/home/dave/vasp_gpu', num_cores: 4, num_gpus: 4, run_time: 3600, build_id: 'abcdef0123', start_time: T + 4 * DAY });
  // outside the period, and on another cluster
  await rows.run({ ...lmp, job_id: '7', num_cores: 1000, run_time: 3600, start_time: T - 30 * DAY });
  await rows.run({ ...lmp, user: 'eve', syshost: 'other', job_id: '8', num_cores: 10, run_time: 3600, start_time: T + DAY });
}
