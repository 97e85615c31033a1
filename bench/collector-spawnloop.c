/*
 * Spawn-loop driver for bench/collector.ts: runs `prog args` N times with posix_spawn and
 * prints each exec's wall time (fork to reap) and the child's CPU time (user + system, from
 * wait4's rusage), in nanoseconds, one "wall cpu" pair per line. The child gets
 * LD_PRELOAD=<preload> (unless "-") without the driver itself being preloaded.
 * usage: collector-spawnloop N PRELOAD PROG [ARGS...]
 */
#define _GNU_SOURCE
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>

extern char **environ;

static long long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv) {
  if (argc < 4) return 2;
  int n = atoi(argv[1]);
  size_t ne = 0;
  while (environ[ne]) ne++;
  char **env = calloc(ne + 2, sizeof *env);
  size_t k = 0;
  for (size_t i = 0; i < ne; i++)
    if (strncmp(environ[i], "LD_PRELOAD=", 11)) env[k++] = environ[i];
  char pre[4200];
  if (strcmp(argv[2], "-")) {
    snprintf(pre, sizeof pre, "LD_PRELOAD=%s", argv[2]);
    env[k++] = pre;
  }
  env[k] = NULL;
  for (int i = 0; i < n; i++) {
    pid_t p;
    long long t0 = now_ns();
    if (posix_spawn(&p, argv[3], NULL, NULL, argv + 3, env) != 0) return 3;
    int st;
    struct rusage ru;
    wait4(p, &st, 0, &ru);
    long long wall = now_ns() - t0;
    long long cpu = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000LL + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000LL;
    printf("%lld %lld\n", wall, cpu);
  }
  return 0;
}
