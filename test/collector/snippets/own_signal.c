/* Installs its own SIGUSR1/SIGTERM handler, raises the signal, continues and exits 0. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
static volatile sig_atomic_t got;
static void on_sig(int s) { got = s; }
int main(int argc, char **argv) {
  int sig = argc > 1 && !strcmp(argv[1], "term") ? SIGTERM : SIGUSR1;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_sig;
  sigaction(sig, &sa, NULL);
  raise(sig);
  printf("caught %d\n", got == sig);
  return 0;
}
