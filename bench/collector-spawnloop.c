/*
 * Spawn driver for bench/collector.ts. Reads one configuration per stdin line,
 *   PRELOAD<TAB>PROG[<TAB>NAME=VALUE]...      (PRELOAD "-" = none)
 * A PROG written "+/path" is "changed" before each of its runs (its modification time set to
 * now, outside the timed span), so every run is the first run of a changed executable.
 * then runs CYCLES cycles; each cycle spawns every configuration once, in a freshly shuffled
 * order (a fixed-seed generator), so machine noise (other jobs on a shared 2-core box) and
 * the after-effects of one configuration on the next (page cache, journal writeback) fall
 * on all configurations alike, and per-cycle differences can be paired. The first WARMUP cycles
 * are run but not printed (page cache, hash cache, spool directories).
 * Prints one line per spawn: "cycle config wall_ns cpu_ns minflt", where wall is posix_spawn
 * to reap and cpu is the child's user + system time from wait4's rusage.
 * The driver itself is never preloaded: each child gets its configuration's LD_PRELOAD and
 * variables on top of the driver's environment (minus any LD_PRELOAD).
 * usage: collector-spawnloop CYCLES WARMUP < configurations
 */
#define _GNU_SOURCE
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#define MAX_CONFIGS 64
#define MAX_VARS 512 /* a login-node-sized environment has ~150 */

extern char **environ;

struct config {
  char *prog;
  char **env;
  int touch; /* set the modification time before each run */
};

static long long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Environment for one configuration: the driver's (minus LD_PRELOAD), then its own. */
static char **make_env(char *preload, char **vars, int nvars) {
  size_t ne = 0;
  while (environ[ne]) ne++;
  char **env = calloc(ne + (size_t)nvars + 2, sizeof *env);
  size_t k = 0;
  for (size_t i = 0; i < ne; i++)
    if (strncmp(environ[i], "LD_PRELOAD=", 11)) env[k++] = environ[i];
  for (int i = 0; i < nvars; i++) env[k++] = vars[i];
  if (strcmp(preload, "-")) {
    char *pre = malloc(strlen(preload) + 12);
    sprintf(pre, "LD_PRELOAD=%s", preload);
    env[k++] = pre;
  }
  env[k] = NULL;
  return env;
}

static int read_configs(struct config *cs) {
  static char line[1 << 20];
  int n = 0;
  while (n < MAX_CONFIGS && fgets(line, sizeof line, stdin)) {
    line[strcspn(line, "\n")] = '\0';
    static char *fields[MAX_VARS + 2];
    int nf = 0;
    for (char *tok = strtok(line, "\t"); tok && nf < MAX_VARS + 2; tok = strtok(NULL, "\t")) fields[nf++] = strdup(tok);
    if (nf < 2) continue;
    cs[n].touch = fields[1][0] == '+';
    cs[n].prog = fields[1] + cs[n].touch;
    cs[n].env = make_env(fields[0], fields + 2, nf - 2);
    n++;
  }
  return n;
}

int main(int argc, char **argv) {
  if (argc < 3) return 2;
  int cycles = atoi(argv[1]), warmup = atoi(argv[2]);
  static struct config cs[MAX_CONFIGS];
  int n = read_configs(cs);
  if (n == 0) return 2;
  int order[MAX_CONFIGS];
  unsigned long long rng = 0x9E3779B97F4A7C15ULL;
  for (int c = -warmup; c < cycles; c++) {
    for (int j = 0; j < n; j++) order[j] = j;
    for (int j = n - 1; j > 0; j--) { /* Fisher-Yates with xorshift64 */
      rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
      int k = (int)(rng % (unsigned long long)(j + 1)), tmp = order[j];
      order[j] = order[k];
      order[k] = tmp;
    }
    for (int j = 0; j < n; j++) {
      int i = order[j];
      char *args[] = {cs[i].prog, NULL};
      pid_t p;
      if (cs[i].touch && utimensat(AT_FDCWD, cs[i].prog, NULL, 0) != 0) return 3;
      long long t0 = now_ns();
      if (posix_spawn(&p, cs[i].prog, NULL, NULL, args, cs[i].env) != 0) return 3;
      int st;
      struct rusage ru;
      if (wait4(p, &st, 0, &ru) != p) return 3;
      long long wall = now_ns() - t0;
      long long cpu = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000LL + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000LL;
      if (c >= 0) printf("%d %d %lld %lld %ld\n", c, i, wall, cpu, ru.ru_minflt);
    }
  }
  return 0;
}
