/*
 * signal.c — the end record of a run that a fatal signal ends (on by default; [tracking]
 * signal_handler, XALT_SIGNAL_HANDLER). For a signal whose action was the default, the
 * handler writes the end record (end_reason "signal"), restores the default action and
 * re-raises, so the process dies exactly as it would have: same signal, same wait status,
 * same core dump. A handler installed before ours (by a library constructor that ran
 * first) is called instead, as the kernel would have called it, and its decision stands; a
 * program that installs its own handler later simply replaces ours.
 *
 * Which signals: by default the synchronous ones a program raises itself — SEGV, BUS, ILL,
 * FPE, ABRT, TRAP, SYS. XALT's asynchronous list (HUP, QUIT, TERM, XCPU, USR1, USR2, ALRM)
 * only with XALT_SIGNAL_HANDLER=all: a handler for those is visible to programs that look
 * at their dispositions (Python's signal.getsignal, a library that installs its handler
 * only over SIG_DFL) and runs at an arbitrary point of the program; the kills that matter
 * (scancel, time limits) end in SIGKILL anyway, and the job epilog closes those runs.
 * signal-safe: yes (the handler uses only xalt_finish, which is). allocates: no.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <ucontext.h>

#include "internal.h"

static const int SYNCHRONOUS[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS};
static const int ASYNCHRONOUS[] = {SIGHUP, SIGQUIT, SIGTERM, SIGXCPU, SIGUSR1, SIGUSR2, SIGALRM}; /* INT: interactive use */

/* Call the handler that was installed before ours as the kernel would have: its mask added
 * to the one the signal interrupted, the signal itself blocked unless SA_NODEFER, the
 * action reset first if it asked for SA_RESETHAND. */
static void chain(struct sigaction *old, int sig, siginfo_t *info, void *ctx) {
  struct sigaction a = *old;
  if (a.sa_flags & SA_RESETHAND) {
    memset(old, 0, sizeof *old);
    old->sa_handler = SIG_DFL; /* the next one is recorded and kills, as with SIG_DFL */
  }
  sigset_t mask = ((ucontext_t *)ctx)->uc_sigmask;
  sigorset(&mask, &mask, &a.sa_mask);
  if (!(a.sa_flags & SA_NODEFER)) sigaddset(&mask, sig);
  sigprocmask(SIG_SETMASK, &mask, NULL);
  if (a.sa_flags & SA_SIGINFO) a.sa_sigaction(sig, info, ctx);
  else a.sa_handler(sig);
}

static void handler(int sig, siginfo_t *info, void *ctx) {
  int saved = errno;
  struct sigaction *old = xalt_state && sig > 0 && sig < XALT_NSIG ? &xalt_run.previous[sig] : NULL;
  if (old && old->sa_handler != SIG_DFL && old->sa_handler != SIG_IGN) {
    chain(old, sig, info, ctx);
  } else {
    xalt_finish(-1, sig);
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigaction(sig, &dfl, NULL);
    /* Pending until we return (every signal is blocked in here); a fault then also
     * re-executes and dies by the default action. */
    raise(sig);
  }
  errno = saved;
}

int xalt_signal_mode(void) {
  const char *v = xalt_getenv("XALT_SIGNAL_HANDLER");
  if (v && !strcmp(v, "all")) return 2;
  return xalt_env_yesno("XALT_SIGNAL_HANDLER", xalt_site_config.signal_handler) ? 1 : 0;
}

static void install(int sig) {
  struct sigaction sa, *prev = &xalt_run.previous[sig];
  if (sigaction(sig, NULL, prev) != 0 || prev->sa_handler == SIG_IGN) return; /* ignored stays ignored */
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = handler;
  sa.sa_flags = SA_SIGINFO | SA_RESTART;
  sigfillset(&sa.sa_mask);
  sigaction(sig, &sa, NULL);
}

void xalt_signal_install(int mode) {
  for (size_t i = 0; i < sizeof SYNCHRONOUS / sizeof SYNCHRONOUS[0]; i++) install(SYNCHRONOUS[i]);
  if (mode > 1)
    for (size_t i = 0; i < sizeof ASYNCHRONOUS / sizeof ASYNCHRONOUS[0]; i++) install(ASYNCHRONOUS[i]);
}
