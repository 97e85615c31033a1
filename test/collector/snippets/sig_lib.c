/*
 * A library whose constructor installs a SIGSEGV handler before the collector's constructor
 * runs (the loader runs a program's own libraries first), as language runtimes and JITs do.
 * SIGLIB_MODE: fix (make the faulting page writable and return: the program goes on), exit
 * (_exit 3), dfl (restore the default action and return: the fault then kills).
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static void on_segv(int sig, siginfo_t *info, void *ctx) {
  (void)ctx;
  const char *mode = getenv("SIGLIB_MODE");
  write(2, "lib handler\n", 12);
  if (mode && !strcmp(mode, "fix")) {
    mprotect((void *)((uintptr_t)info->si_addr & ~(uintptr_t)4095), 4096, PROT_READ | PROT_WRITE);
  } else if (mode && !strcmp(mode, "exit")) {
    _exit(3);
  } else {
    signal(sig, SIG_DFL);
  }
}

__attribute__((constructor)) static void install(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_segv;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGSEGV, &sa, NULL);
}
