/**
 * Realistic rule sets for tests and benchmarks: a TACC-like and a Delta-like configuration
 * written as xalt.toml, with
 * XALT's flex-style patterns (\/ escapes, leading ^) kept as sites write them.
 */

export const TACC = `
[syshost]
kind = "mapping"
mapping = [['c[0-9]{3}-[0-9]{3}\\..*', 'stampede2'], ['login[0-9]\\.stampede2\\..*', 'stampede2'], ['(nid|x)[0-9]+', 'crayx']]
[rules]
hosts = [['KEEP', '^c[0-9][0-9][0-9]-[0-9][0-9][0-9]\\..*'], ['KEEP', '^i[0-9]{3}-[0-9]{3}\\..*'], ['SKIP', '.*']]
paths = [
  ['PKGS', '.*\\/R'], ['PKGS', '.*\\/MATLAB'], ['PKGS', '.*\\/python[0-9.]*'],
  ['KEEP', '^\\/bin\\/(cp|mv|gawk|sed|perl|grep|bzip2|gzip|tar)'],
  ['KEEP', '^\\/usr\\/bin\\/(cp|mv|gawk|sed|perl|grep|bzip2|gzip|tar)'],
  ['SKIP', '^\\/usr\\/.*'], ['SKIP', '^\\/sbin\\/.*'], ['SKIP', '^\\/bin\\/.*'], ['SKIP', '^\\/etc\\/.*'], ['SKIP', '^\\/root\\/.*'],
  ['SKIP', '^\\/opt\\/intel\\/.*'], ['SKIP', '^\\/opt\\/cray\\/.*'],
  ['SKIP', '^\\/opt\\/apps\\/(intel[0-9]*|gcc|cuda|lua|lmod|xalt|git|cmake|autotools)\\/.*'],
  ['SKIP', '.*\\/git'], ['SKIP', '.*\\/lua'], ['SKIP', '.*\\/mpi(cc|cxx|f77|f90|fort|icc|icpc|ifort)'],
  ['SKIP', '.*\\/mpiexec\\.hydra'], ['SKIP', '.*\\/hydra_pmi_proxy'], ['SKIP', '.*\\/ompi_info'], ['SKIP', '.*\\/orterun'],
  ['SKIP', '.*\\/conftest'], ['SKIP', '.*\\/apptainer'], ['SKIP', '.*\\/CMakeFiles\\/.*\\/cmTC_[0-9a-f]+'],
  ['CUSTOM', '.*\\/fakePrgm'], ['CUSTOM', '.*\\/python3?'],
]
path_args = [
  ['JUMP_1', '.*\\/python3?;-m'], ['PKGS', '.*\\/python3?;\\/scratch\\/.*\\/data\\/.*'], ['KEEP', '.*\\/fakePrgm;[^;]*\\.in'],
  ['SKIP', '[^;]*;-.*'], ['CONTINUE', '.*'],
]
env = [
  ['SKIP', '^MKL_DEBUG.*'], ['KEEP', '^I_MPI_(PIN|ADJUST|FABRICS)[A-Z_]*=.*'], ['KEEP', '^LAUNCHER_[A-Z_]+=.*'],
  ['KEEP', '^(LD|LD_LIBRARY_PATH|LOADEDMODULES|PATH|_LMFILES_)=.*'], ['SKIP', '^__.*'], ['SKIP', 'OMP_NUM_THREADS=.*'],
  ['KEEP', '^(MKL|OFFLOAD|OMP|PYTHON)[A-Z_]*=.*'], ['KEEP', '^R_[A-Z_]+=.*'], ['KEEP', 'TACC_AFFINITY_ENABLED=.*'],
]
`;

export const DELTA = `
[syshost]
kind = "nth_name"
nth = 2
[install]
prefix = "/sw/workload/xalt2"
[rules]
hosts = [
  ['KEEP', 'cn[0-1][0-9][0-9]\\..*'], ['KEEP', 'gpu[ab][0-1][0-9][0-9]\\..*'], ['KEEP', 'gpuc0[0-6]\\..*'],
  ['KEEP', 'gpud0[0-6]\\..*'], ['SKIP', 'dt-login0[0-5]\\..*'],
]
host_default = "SKIP"
paths = [
  ['SKIP', '.*\\/bin\\/pip[0-9]'], ['PKGS', '.*\\/r*'], ['PKGS', '.*\\/matlab*'], ['PKGS', '.*\\/anaconda*'],
  ['PKGS', '.*\\/python[0-9.]*'], ['PKGS', '.*\\/python-.*'], ['PKGS', '\\/usr\\/libexec\\/.*-python[0-9.]*'],
  ['KEEP', '\\/u\\/.*'], ['KEEP', '\\/sw\\/spack\\/.*'], ['KEEP', '\\/sw\\/external\\/.*'],
  ['KEEP', '\\/usr\\/bin\\/apptainer*'], ['KEEP', '\\/usr\\/bin\\/(cmake|make)*'], ['KEEP', '\\/usr\\/bin\\/gcc*'],
  ['KEEP', '\\/usr\\/bin\\/gfortran*'], ['KEEP', '\\/usr\\/bin\\/go*'], ['KEEP', '\\/usr\\/bin\\/g\\+\\+*'],
  ['KEEP', '\\/usr\\/bin\\/(srun|salloc)'], ['KEEP', '\\/usr\\/local\\/.*'], ['KEEP', '\\/(delta\\/)?scratch\\/.*'], ['KEEP', '\\/projects\\/.*'],
  ['SKIP', '\\/(usr|boot|dev|delta|etc|ime|install|lib|lib64|media|mnt|opt|proc|root|run|sbin|srv|sw|sys|taiga|tmp|var|xcatpost|bin)\\/.*'],
]
env = [['KEEP', '.*']]
`;

/** Executable paths seen on such clusters. */
export const PATHS = [
  '/usr/bin/cp', '/usr/bin/cpio', '/bin/tar', '/usr/bin/python3', '/usr/bin/python3.11', '/usr/libexec/platform-python3.6',
  '/opt/apps/intel19/impi/19.0.5/intel64/bin/mpiexec.hydra', '/opt/apps/gcc/9.1.0/bin/gcc', '/opt/intel/bin/icc',
  '/home1/01234/user/a.out', '/scratch/01234/user/run/lmp_mpi', '/scratch/projects/abc/data/run.py', '/work2/x/R',
  '/sw/spack/delta-2022/apps/gromacs/bin/gmx_mpi', '/sw/external/matlab/R2023a/bin/glnxa64/MATLAB', '/u/alice/conda/bin/python',
  '/projects/bbka/vasp_std', '/usr/local/bin/singularity', '/usr/bin/gcc-12', '/usr/bin/g++', '/usr/bin/gfortran-13',
  '/usr/bin/make', '/usr/bin/cmake3', '/u/bob/build/CMakeFiles/CMakeTmp/cmTC_1a2b3', '/tmp/conftest', '/delta/scratch/x/y',
  '/sw/workload/xalt2/bin/xalt_extract_record', '/bin/bash', '/usr/bin/tcsh', '/home/u/anaconda3/bin/python3.9', '/x/r', '/x/rrr',
  '/opt/cray/pe/bin/ftn', '/u/x/fakePrgm', '/usr/bin/python3;-m', '',
];
