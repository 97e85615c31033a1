/**
 * Application names reports use when the site gives no `[rules] applications` list: common
 * HPC codes, recognised by the executable's file name wherever it is installed. First full
 * match wins, so more specific names come first.
 */
import type { AppRule } from './site-config.js';

const app = (name: string, basename: string): AppRule => Object.freeze({ name, pattern: `.*/(${basename})`, line: 0 });

/** The built-in application naming rules (also written into etc/xalt.example.toml). */
export const DEFAULT_APPLICATIONS: readonly AppRule[] = Object.freeze([
  app('LAMMPS', 'lmp|lmp_[A-Za-z0-9_.-]+|lammps'),
  app('GROMACS', 'gmx|gmx_mpi|gmx_d|gmx_mpi_d|mdrun|mdrun_mpi'),
  app('NAMD', 'namd[23]?|namd[23]?\\.[A-Za-z0-9_.-]+'),
  app('VASP', 'vasp|vasp_std|vasp_gam|vasp_ncl|vasp_gpu|vasp_[A-Za-z0-9_.-]+'),
  app('Amber', 'pmemd|pmemd\\.[A-Za-z0-9_.]+|sander|sander\\.[A-Za-z0-9_.]+'),
  app('Quantum ESPRESSO', '(pw|ph|cp|pp|neb|dos|projwfc|bands|hp|epw)\\.x'),
  app('CP2K', 'cp2k|cp2k\\.[a-z]+'),
  app('WRF', 'wrf\\.exe|real\\.exe|wrf'),
  app('OpenFOAM', 'simpleFoam|pimpleFoam|icoFoam|interFoam|pisoFoam|rhoSimpleFoam|buoyantSimpleFoam|snappyHexMesh|blockMesh|decomposePar|reconstructPar|[a-zA-Z]+Foam'),
  app('HPL', 'xhpl|xhpl_[A-Za-z0-9_.-]+'),
  app('HPCG', 'xhpcg|xhpcg_[A-Za-z0-9_.-]+'),
  app('NWChem', 'nwchem'),
  app('ORCA', 'orca|orca_[a-z0-9_]+'),
  app('Gaussian', 'g09|g16|l[0-9]+\\.exe'),
  app('CESM', 'cesm\\.exe'),
  app('MILC', 'su3_[A-Za-z0-9_.-]+'),
  app('ABINIT', 'abinit'),
  app('SIESTA', 'siesta'),
  app('Octopus', 'octopus'),
  app('Python', 'python[0-9.]*'),
  app('R', 'R|Rscript'),
  app('MATLAB', 'MATLAB|matlab'),
  app('Julia', 'julia'),
]);
