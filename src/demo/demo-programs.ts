/**
 * What `xalt demo` runs under the collector: small real C programs (one succeeds, one
 * fails, one crashes, one is killed as at a time limit) linked through xalt's ld wrapper, and
 * a Python script importing a package, so every kind of record and every way a run ends appears.
 */

export interface DemoProgram {
  /** executable name */
  readonly name: string;
  /** what it shows */
  readonly purpose: string;
  readonly source: string;
  readonly args: readonly string[];
}

export const demoPrograms: readonly DemoProgram[] = [
  {
    name: 'hello',
    purpose: 'a program that succeeds',
    args: ['--greeting', 'world'],
    source: `#include <stdio.h>
int main(int argc, char **argv) {
  printf("hello from a tracked program (%d arguments)\\n", argc - 1);
  (void)argv;
  return 0;
}
`,
  },
  {
    name: 'solver',
    purpose: 'a program that fails (exit status 3)',
    args: ['input.dat'],
    source: `#include <stdio.h>
int main(void) {
  fprintf(stderr, "solver: input.dat: no such file\\n");
  return 3;
}
`,
  },
  {
    name: 'postproc',
    purpose: 'a program that crashes (SIGSEGV)',
    args: ['--frames', '12'],
    source: `#include <signal.h>
int main(void) {
  raise(SIGSEGV); /* as a null-pointer dereference would, without upsetting the compiler */
  return 0;
}
`,
  },
  {
    name: 'simulate',
    purpose: 'a program killed mid-run (SIGKILL, as at a time limit)',
    args: ['--steps', '1000000'],
    source: `#include <signal.h>
#include <unistd.h>
int main(void) {
  kill(getpid(), SIGKILL);
  pause();
  return 0;
}
`,
  },
];

/** A fake installed distribution the Python run imports, so a package record appears. */
export const demoPackage = {
  name: 'fluxsolver',
  version: '2.1.0',
  init: '__version__ = "2.1.0"\n',
  metadata: 'Metadata-Version: 2.1\nName: fluxsolver\nVersion: 2.1.0\n',
};

/** The Python script the demo runs (stdlib imports are not recorded; fluxsolver is). */
export const demoPythonScript = `import json, fluxsolver
print("python run using fluxsolver", fluxsolver.__version__)
`;
