/*
 * signal.c — the opt-in handler (XALT_SIGNAL_HANDLER=yes): on a fatal signal whose action
 * was the default, write the end record (end_reason "signal"), restore the default action
 * and re-raise, so the process dies exactly as it would have. A handler that another
 * library installed before us is chained to (called, and its decision stands); a program
 * that installs its own handler later simply replaces ours.
 * signal-safe: yes (the handler uses only xalt_finish, which is). allocates: no.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <string.h>

#include "internal.h"

/* XALT's list, plus SEGV so crashes are recorded. INT is left alone (interactive use). */
static const int SIGNALS[] = {SIGHUP, SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGSEGV,
                              SIGTERM, SIGXCPU, SIGUSR1, SIGUSR2, SIGALRM};

static void handler(int sig, siginfo_t *info, void *ctx) {
  int saved = errno;
  const struct sigaction *old = xalt_state && sig > 0 && sig < XALT_NSIG ? &xalt_run.previous[sig] : NULL;
  if (old && (old->sa_flags & SA_SIGINFO) && old->sa_sigaction) {
    old->sa_sigaction(sig, info, ctx);
  } else if (old && old->sa_handler != SIG_DFL && old->sa_handler != SIG_IGN) {
    old->sa_handler(sig);
  } else {
    xalt_finish(-1, sig);
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigaction(sig, &dfl, NULL);
    raise(sig); /* pending until we return; a fault re-executes and dies by default */
  }
  errno = saved;
}

void xalt_signal_install(void) {
  xalt_fill_dates();
  for (size_t i = 0; i < sizeof SIGNALS / sizeof SIGNALS[0]; i++) {
    int sig = SIGNALS[i];
    struct sigaction sa;
    struct sigaction *prev = &xalt_run.previous[sig];
    if (sigaction(sig, NULL, prev) != 0 || prev->sa_handler == SIG_IGN) continue;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigfillset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
  }
}
