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

static struct xalt_prev_action *previous(int sig) {
  if (!xalt_state) return NULL;
  for (int i = 0; i < XALT_HANDLED_SIGNALS; i++)
    if (xalt_run.previous[i].sig == sig) return &xalt_run.previous[i];
  return NULL;
}

/* Call the handler that was installed before ours as the kernel would have: its mask added
 * to the one the signal interrupted, the signal itself blocked unless SA_NODEFER, the
 * action reset first if it asked for SA_RESETHAND. */
XALT_COLD static void chain(struct xalt_prev_action *old, int sig, siginfo_t *info, void *ctx) {
  struct xalt_prev_action a = *old;
  if (a.flags & SA_RESETHAND) old->handler = SIG_DFL; /* the next one is recorded and kills */
  sigset_t mask = ((ucontext_t *)ctx)->uc_sigmask;
  for (int s = 1; s <= 64; s++)
    if (a.mask >> (s - 1) & 1) sigaddset(&mask, s);
  if (!(a.flags & SA_NODEFER)) sigaddset(&mask, sig);
  sigprocmask(SIG_SETMASK, &mask, NULL);
  if (a.flags & SA_SIGINFO) a.action(sig, info, ctx);
  else a.handler(sig);
}

XALT_COLD static void handler(int sig, siginfo_t *info, void *ctx) {
  int saved = errno;
  struct xalt_prev_action *old = previous(sig);
  if (old && old->handler == SIG_IGN) {
    /* (only while install() puts an ignored signal back: it stays ignored) */
  } else if (old && old->handler != SIG_DFL) {
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

/* Signals 1..64 of a sigset_t as bits 0..63: the set begins with the kernel's, an array of
 * unsigned long, signal n at bit n-1. (Our own bit operations, not sigfillset/sigismember:
 * each libc helper would cost every tracked process a lazy symbol binding and a page of
 * libc.) */
#define XALT_SIG_WORDS (64 / (8 * sizeof(unsigned long)))
static uint64_t mask64(const sigset_t *set) {
  unsigned long w[XALT_SIG_WORDS];
  memcpy(w, set, sizeof w);
  uint64_t m = 0;
  for (size_t i = 0; i < XALT_SIG_WORDS; i++) m |= (uint64_t)w[i] << (i * 8 * sizeof(unsigned long));
  return m;
}

static void set_mask64(sigset_t *set, uint64_t m) {
  unsigned long w[XALT_SIG_WORDS];
  for (size_t i = 0; i < XALT_SIG_WORDS; i++) w[i] = (unsigned long)(m >> (i * 8 * sizeof(unsigned long)));
  memset(set, 0, sizeof *set);
  memcpy(set, w, sizeof w);
}

/* One system call per signal: ours is installed and the old action read back at once; an
 * ignored signal (inherited SIG_IGN) is put back as it was. */
static void install(int slot, int sig) {
  struct sigaction sa, old;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = handler;
  sa.sa_flags = SA_SIGINFO | SA_RESTART;
  set_mask64(&sa.sa_mask, ~(3ULL << 31)); /* as sigfillset: all but libc's internal 32 and 33 */
  struct xalt_prev_action *p = &xalt_run.previous[slot];
  p->sig = sig;
  p->handler = SIG_IGN; /* until we know: a signal arriving meanwhile is ignored */
  if (sigaction(sig, &sa, &old) != 0) { p->sig = 0; return; }
  if (old.sa_handler == SIG_IGN) { sigaction(sig, &old, NULL); p->sig = 0; return; }
  p->flags = old.sa_flags;
  p->mask = mask64(&old.sa_mask);
  p->handler = old.sa_handler;
  p->action = old.sa_sigaction;
}

void xalt_signal_install(int mode) {
  int slot = 0;
  for (size_t i = 0; i < sizeof SYNCHRONOUS / sizeof SYNCHRONOUS[0]; i++) install(slot++, SYNCHRONOUS[i]);
  if (mode > 1)
    for (size_t i = 0; i < sizeof ASYNCHRONOUS / sizeof ASYNCHRONOUS[0]; i++) install(slot++, ASYNCHRONOUS[i]);
}
