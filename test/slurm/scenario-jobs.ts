/**
 * The jobs the Slurm scenario submits: what each batch script runs, and how many runs xalt
 * must record for it. Every job's programs succeed except, in the jobs meant to fail, the
 * last one — so the failed runs can be counted from Slurm's view alone (one per job Slurm
 * ended FAILED, TIMEOUT or CANCELLED).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where the scenario's programs live (outside xalt's install prefix, under a tracked path). */
export interface JobPrograms {
  /** `prog MODE…`: ok | exit N | segv | abort | sleep N | spin (prints "spinning", then sleeps forever) */
  readonly prog: string;
  /** an Open MPI program: each rank prints its rank */
  readonly mpiProg: string;
  /** a directory named site-packages holding the package xalt_slurm_demo 1.2.3 */
  readonly site: string;
}

const PROG_C = `#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
/* The scenario's program: how it ends is chosen by its first argument. */
int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "ok";
  if (strcmp(mode, "exit") == 0) return argc > 2 ? atoi(argv[2]) : 1;
  if (strcmp(mode, "segv") == 0) { volatile int *p = 0; *p = 1; }
  if (strcmp(mode, "abort") == 0) abort();
  if (strcmp(mode, "sleep") == 0) sleep(argc > 2 ? (unsigned)atoi(argv[2]) : 1);
  if (strcmp(mode, "spin") == 0) { puts("spinning"); fflush(stdout); for (;;) sleep(1); }
  puts("ok");
  return 0;
}
`;

const MPI_C = `#include <mpi.h>
#include <stdio.h>
int main(int argc, char **argv) {
  int rank, size;
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  printf("rank %d of %d\\n", rank, size);
  MPI_Finalize();
  return 0;
}
`;

function compile(cc: string, src: string, out: string): void {
  writeFileSync(`${out}.c`, src);
  const r = spawnSync(cc, ['-O1', '-o', out, `${out}.c`], { encoding: 'utf8', env: { ...process.env, LD_PRELOAD: '' } });
  if (r.status !== 0) throw new Error(`${cc} ${out}.c failed: ${r.stderr}`);
}

/** Compile the programs into `dir/bin` and lay out the Python package. */
export function writeJobPrograms(dir: string): JobPrograms {
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true, mode: 0o755 });
  compile('cc', PROG_C, join(bin, 'prog'));
  compile('mpicc', MPI_C, join(bin, 'mpi_prog'));
  const site = join(dir, 'py', 'site-packages');
  mkdirSync(join(site, 'xalt_slurm_demo'), { recursive: true });
  writeFileSync(join(site, 'xalt_slurm_demo', '__init__.py'), '__version__ = "1.2.3"\n');
  mkdirSync(join(site, 'xalt_slurm_demo-1.2.3.dist-info'));
  writeFileSync(join(site, 'xalt_slurm_demo-1.2.3.dist-info', 'METADATA'), 'Metadata-Version: 2.1\nName: xalt_slurm_demo\nVersion: 1.2.3\n');
  writeFileSync(join(site, 'xalt_slurm_demo-1.2.3.dist-info', 'top_level.txt'), 'xalt_slurm_demo\n');
  return { prog: join(bin, 'prog'), mpiProg: join(bin, 'mpi_prog'), site };
}

/** One job of the scenario. */
export interface ScenarioJob {
  readonly name: string;
  readonly user: string;
  readonly sbatch: readonly string[];
  /** the batch script after xalt's module is loaded */
  readonly body: string;
  /** runs xalt must record for the job (all its array tasks together) */
  readonly runs: number;
  /** the job prints this line once its long-running program runs; then the test cancels it */
  readonly cancelAfter?: string;
  /** an salloc session instead of a batch job: `body` runs in Slurm's interactive step */
  readonly interactive?: boolean;
  /** the state Slurm must end it in (the scenario's own sanity check) */
  readonly slurmState: 'COMPLETED' | 'FAILED' | 'TIMEOUT' | 'CANCELLED';
}

export const ALICE = 'xalt_alice';
export const BOB = 'xalt_bob';

/** The scenario: every way a job ends, MPI, arrays, steps, CPUs per task, tracking off. */
export function scenarioJobs(p: JobPrograms): ScenarioJob[] {
  const py = `export PYTHONPATH=${p.site}:$PYTHONPATH`;
  return [
    { name: 'ok', user: ALICE, sbatch: [], runs: 3, slurmState: 'COMPLETED',
      body: `${p.prog} ok\n${p.prog} sleep 1\n${py}\npython3 -c 'import xalt_slurm_demo'` },
    { name: 'exit3', user: ALICE, sbatch: [], runs: 2, slurmState: 'FAILED', body: `${p.prog} ok\n${p.prog} exit 3` },
    { name: 'segv', user: BOB, sbatch: [], runs: 2, slurmState: 'FAILED', body: `${p.prog} ok\n${p.prog} segv` },
    { name: 'abort', user: ALICE, sbatch: [], runs: 2, slurmState: 'FAILED', body: `${p.prog} ok\n${p.prog} abort` },
    { name: 'timeout', user: BOB, sbatch: ['--time=1'], runs: 1, slurmState: 'TIMEOUT', body: `${p.prog} spin` },
    { name: 'cancel', user: ALICE, sbatch: [], runs: 1, slurmState: 'CANCELLED', cancelAfter: 'spinning', body: `${p.prog} spin` },
    { name: 'python-cancel', user: BOB, sbatch: [], runs: 1, slurmState: 'CANCELLED', cancelAfter: 'imported',
      body: `${py}\npython3 -c 'import time, xalt_slurm_demo; print("imported", flush=True); time.sleep(600)'` },
    { name: 'mpi', user: ALICE, sbatch: ['--ntasks=2'], runs: 2, slurmState: 'COMPLETED',
      body: `mpirun -np 2 ${p.mpiProg}\nsrun --mpi=pmix -n 2 ${p.mpiProg}` },
    { name: 'array', user: BOB, sbatch: ['--array=0-2'], runs: 3, slurmState: 'COMPLETED', body: `${p.prog} ok` },
    { name: 'steps', user: ALICE, sbatch: ['--ntasks=1'], runs: 3, slurmState: 'COMPLETED',
      body: `${p.prog} ok\nsrun -n 1 ${p.prog} ok\nsrun -n 1 ${p.prog} sleep 1` },
    { name: 'cpus4', user: BOB, sbatch: ['--cpus-per-task=4'], runs: 1, slurmState: 'COMPLETED', body: `${p.prog} sleep 3` },
    { name: 'interactive', user: BOB, sbatch: [], runs: 1, slurmState: 'COMPLETED', interactive: true, body: `${p.prog} ok` },
    { name: 'untracked', user: ALICE, sbatch: [], runs: 0, slurmState: 'COMPLETED', body: `export XALT_EXECUTABLE_TRACKING=no\n${p.prog} ok` },
  ];
}

const LOAD_XALT = (prefix: string) => `source /usr/share/lmod/lmod/init/bash\nmodule use ${prefix}/modulefiles\nmodule load xalt\n`;

/** The batch script: load xalt through Lmod as a site's users would, then the job's body. */
export function batchScript(prefix: string, job: ScenarioJob): string {
  return `#!/bin/bash\n${LOAD_XALT(prefix)}${job.body}\n`;
}

/**
 * An interactive session as a user with xalt loaded types it: salloc, whose shell Slurm starts
 * as the "interactive" step (salloc runs `srun --interactive --preserve-env --pty $SHELL`;
 * the same without a terminal).
 */
export function interactiveSession(prefix: string, job: ScenarioJob): string {
  return `${LOAD_XALT(prefix)}salloc --job-name ${job.name} -n 1 srun --interactive --preserve-env ${job.body} 2>&1\n`;
}
