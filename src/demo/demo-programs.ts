/**
 * The small real programs `xalt demo` compiles and runs under the collector: one that
 * succeeds, one that fails, one that is killed. Each is real C, built with the machine's cc.
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
