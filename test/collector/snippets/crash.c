/*
 * Dies by a fatal signal the way real programs do (argv[1]): segv (a write through NULL),
 * bus (a page of a file beyond its end), ill (an undefined instruction), fpe (an integer
 * division by zero), abrt (abort), trap (a breakpoint instruction), sys (raise: a real
 * SIGSYS needs seccomp). own-exit / own-dfl first install a SIGSEGV handler of its own
 * that exits 42 / restores the default action and returns. protect writes to a read-only
 * page and prints "recovered" if a handler made it writable (see sig_lib.c).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static void own_exit(int sig) {
  (void)sig;
  write(1, "own handler\n", 12);
  exit(42); /* (not async-signal-safe, but what many programs do) */
}

static void own_dfl(int sig) {
  write(1, "own handler\n", 12);
  signal(sig, SIG_DFL); /* returning re-executes the faulting write: now it kills */
}

int main(int argc, char **argv) {
  const char *how = argc > 1 ? argv[1] : "segv";
  printf("crashing by %s\n", how);
  fflush(stdout);
  if (!strcmp(how, "own-exit")) signal(SIGSEGV, own_exit);
  if (!strcmp(how, "own-dfl")) signal(SIGSEGV, own_dfl);
  if (!strcmp(how, "segv") || !strncmp(how, "own-", 4)) { volatile int *p = NULL; *p = 1; }
  if (!strcmp(how, "bus")) {
    FILE *f = tmpfile();
    char *m = f ? mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fileno(f), 0) : MAP_FAILED;
    if (m != MAP_FAILED) m[0] = 1; /* the file is empty: no page behind the mapping */
  }
  if (!strcmp(how, "ill")) __builtin_trap(); /* ud2 on x86 */
  if (!strcmp(how, "fpe")) { volatile int a = 1, z = 0; printf("%d\n", a / z); }
  if (!strcmp(how, "abrt")) abort();
  if (!strcmp(how, "trap")) __asm__ volatile("int3");
  if (!strcmp(how, "sys")) raise(SIGSYS);
  if (!strcmp(how, "protect")) {
    char *m = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    m[0] = 1;
    printf("recovered\n");
  }
  return 0;
}
