/*
 * waitstatus CORE_LIMIT PROGRAM [ARGS...]: runs PROGRAM in a child with RLIMIT_CORE set to
 * CORE_LIMIT bytes ("unlimited" or a number), LD_PRELOAD taken from $CHILD_PRELOAD (for the
 * child only; unset when empty) and the signal $CHILD_IGNORE ignored, then prints the raw
 * wait status in hex — termination signal and core-dump bit included, which a shell's $?
 * does not show.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 3) return 2;
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    struct rlimit rl;
    rl.rlim_cur = rl.rlim_max = !strcmp(argv[1], "unlimited") ? RLIM_INFINITY : strtoull(argv[1], NULL, 10);
    setrlimit(RLIMIT_CORE, &rl);
    const char *pre = getenv("CHILD_PRELOAD"), *ign = getenv("CHILD_IGNORE");
    if (pre && *pre) setenv("LD_PRELOAD", pre, 1);
    if (ign && *ign) signal(atoi(ign), SIG_IGN);
    execv(argv[2], argv + 2);
    _exit(127);
  }
  int st = 0;
  if (pid < 0 || waitpid(pid, &st, 0) != pid) return 2;
  printf("status 0x%x\n", st);
  return 0;
}
