import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { applicationName, keepEnv, keepPackage, preIngestProbability, samplingProbability } from './decide.js';
import { firstMatch } from './rule-matcher.js';
import { parseSiteConfig } from './parse-site-config.js';
import { EXAMPLE_CONFIG } from './load-site-config.js';
import { explainPath } from './explain.js';

const example = parseSiteConfig(readFileSync(EXAMPLE_CONFIG, 'utf8'), 'xalt.example.toml').config!;

test('built-in application names recognise common HPC codes wherever they are installed', () => {
  const cases: [string, string | undefined][] = [
    ['/sw/spack/apps/lammps/20230802/bin/lmp', 'LAMMPS'], ['/home/u/lammps/build/lmp_mpi', 'LAMMPS'], ['/opt/gromacs/bin/gmx_mpi', 'GROMACS'],
    ['/apps/namd/2.14/namd2', 'NAMD'], ['/projects/x/vasp.6.4/bin/vasp_std', 'VASP'], ['/opt/amber22/bin/pmemd.cuda', 'Amber'],
    ['/opt/qe-7.2/bin/pw.x', 'Quantum ESPRESSO'], ['/opt/cp2k/exe/local/cp2k.psmp', 'CP2K'], ['/scratch/u/WRF/main/wrf.exe', 'WRF'],
    ['/opt/openfoam11/platforms/linux64GccDPInt32Opt/bin/simpleFoam', 'OpenFOAM'], ['/home/u/hpl-2.3/bin/Linux/xhpl', 'HPL'],
    ['/usr/bin/python3.11', 'Python'], ['/home/u/a.out', undefined],
  ];
  for (const [path, name] of cases) assert.equal(applicationName(example, path), name, path);
});

test('the example config decides typical cluster paths sensibly', () => {
  const fs = { realpath: () => undefined };
  const cases: [string, string][] = [
    ['/usr/bin/python3.11', 'PKGS'], ['/opt/R/4.3.1/lib/R/bin/exec/R', 'PKGS'], ['/usr/bin/gcc', 'SKIP'], ['/opt/gcc/13/bin/gfortran-13', 'SKIP'],
    ['/usr/lib64/openmpi/bin/mpirun', 'SKIP'], ['/opt/slurm/bin/srun', 'SKIP'], ['/usr/bin/ls', 'SKIP'], ['/home/u/a.out', 'KEEP'],
    ['/sw/apps/lammps/bin/lmp', 'KEEP'], ['/scratch/u/build/CMakeFiles/CMakeScratch/TryCompile-x/cmTC_1', 'SKIP'], ['/usr/bin/bash', 'SKIP'],
  ];
  for (const [path, want] of cases) assert.equal(explainPath(example, path, [], fs).result, want, path);
  assert.equal(keepEnv(example, 'OMP_NUM_THREADS', '8'), true);
  assert.equal(keepEnv(example, 'HOME', '/home/u'), false);
  assert.equal(keepEnv(example, 'MKL_NUM_THREADS', '1'), true);
});

test('sampling probability is that of the last row reached; pre-ingest defaults to 1', () => {
  const table = example.sampling.scalar;
  assert.equal(samplingProbability(table, 0), 0.01);
  assert.equal(samplingProbability(table, 299.9), 0.01);
  assert.equal(samplingProbability(table, 300), 0.1);
  assert.equal(samplingProbability(table, 1e6), 1);
  const cfg = parseSiteConfig(`[sampling]\npre_ingest = [[0.25, '.*/chatty'], [0, '.*/never']]\n`, 'p.toml').config!;
  assert.equal(preIngestProbability(cfg, '/x/chatty'), 0.25);
  assert.equal(preIngestProbability(cfg, '/x/never'), 0);
  assert.equal(preIngestProbability(cfg, '/x/other'), 1);
});

test('rules that would backtrack catastrophically in a regex engine decide at once (automata), and as the reference regex does', { timeout: 30_000 }, () => {
  const cfg = parseSiteConfig([
    `[rules]\napplications = [['VASP', '(.*/)*vasp_std'], ['Deep', '(a|a)*b']]`,
    `python_packages = [['SKIP', 'path', '(.*/)*x'], ['SKIP', 'name', '(_|_)*y']]`,
    `[sampling]\npre_ingest = [[0.5, '(.*/)*chatty']]\n`,
  ].join('\n'), 'nasty.toml').config!;
  const deep = `/${Array.from({ length: 60 }, (_, i) => `d${i}`).join('/')}/vasp_gam`;
  assert.equal(applicationName(cfg, deep), undefined);
  assert.equal(applicationName(cfg, `${deep}/vasp_std`), 'VASP');
  assert.equal(applicationName(cfg, `${'a'.repeat(60)}c`), undefined);
  assert.equal(preIngestProbability(cfg, deep), 1);
  assert.equal(preIngestProbability(cfg, `${deep}/chatty`), 0.5);
  assert.equal(keepPackage(cfg, 'mod', `${deep}/mod.py`), true);
  assert.equal(keepPackage(cfg, 'mod', `${deep}/x`), false);
  assert.equal(keepPackage(cfg, `${'_'.repeat(60)}z`, '/p'), true);
  assert.equal(keepPackage(cfg, '__y', '/p'), false);
  // On inputs where backtracking is harmless, the automaton agrees with the regex reference.
  for (const p of ['/a/vasp_std', '/vasp_std', 'vasp_std', '/a/b', 'aab', 'ab', 'b']) {
    const want = firstMatch(cfg.rules.applications, p);
    assert.equal(applicationName(cfg, p), want < 0 ? undefined : cfg.rules.applications[want]!.name, p);
  }
});
