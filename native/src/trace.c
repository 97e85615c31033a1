/*
 * trace.c — diagnostics for XALT_TRACING, written with write(2) to a private copy of
 * stderr. The copy is re-validated (device and inode) before each write, so a program that
 * closes every descriptor (lsof) or reuses the number can neither crash us nor receive our
 * text: XALT 3.0.2 crashed exactly there.
 * signal-safe: yes. allocates: no.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#define XALT_TRACE_MAX_LINES 200 /* bound on output even if something loops */
#define XALT_TRACE_LINE 1024     /* one message; longer ones are cut */

static int trace_on;      /* 1 once tracing is active */
static int trace_pending; /* XALT_TRACING=run: switched on when the run is tracked */
static int trace_fd = -1;
static dev_t trace_dev;
static ino_t trace_ino;
static int trace_lines;

/* $XALT_TRACING, found without a string constant (see sched.c: no read-only data page is
 * touched in processes that are not traced). */
XALT_HOT static const char *tracing_var(void) {
  extern char **environ;
#define H(i, c) (s[i] == (c))
  for (char **e = environ; e && *e; e++) {
    const char *s = *e;
    if (H(0, 'X') && H(1, 'A') && H(2, 'L') && H(3, 'T') && H(4, '_') && H(5, 'T') && H(6, 'R') && H(7, 'A') && H(8, 'C') &&
        H(9, 'I') && H(10, 'N') && H(11, 'G') && H(12, '='))
      return s + 13;
  }
  return NULL;
#undef H
}

XALT_HOT void xalt_trace_init(int rank) {
  const char *v = tracing_var();
  if (!v || !*v || xalt_streq(v, "no")) return;
  if (xalt_streq(v, "yes0") && rank > 0) return;
  struct stat st;
  if (xalt_fstatat(2, "", &st, AT_EMPTY_PATH) != 0) return;
  trace_fd = (int)XALT_SC(SYS_fcntl, 2, F_DUPFD_CLOEXEC, 100); /* high number: out of the way of the program's */
  if (trace_fd < 0) { trace_fd = -1; return; }
  trace_dev = st.st_dev;
  trace_ino = st.st_ino;
  if (!strncmp(v, "run", 3)) trace_pending = 1;
  else trace_on = 1;
}

void xalt_trace_tracked(void) {
  if (trace_pending) trace_on = 1;
}

int xalt_tracing(void) { return trace_on; }

/* The descriptor our copy of stderr still lives at, or -1 if the program took it away. */
static int live_fd(void) {
  struct stat st;
  if (trace_fd >= 0 && xalt_fstatat(trace_fd, "", &st, AT_EMPTY_PATH) == 0 && st.st_dev == trace_dev && st.st_ino == trace_ino) return trace_fd;
  if (xalt_fstatat(2, "", &st, AT_EMPTY_PATH) == 0 && st.st_dev == trace_dev && st.st_ino == trace_ino) return 2;
  return -1;
}

void xalt_trace(const char *first, ...) {
  if (!trace_on || trace_lines >= XALT_TRACE_MAX_LINES) return;
  char line[XALT_TRACE_LINE];
  size_t n = 0;
  const char *prefix = "xalt: ";
  va_list ap;
  va_start(ap, first);
  for (const char *s = prefix; s; s = (s == prefix) ? first : va_arg(ap, const char *)) {
    size_t len = strlen(s);
    if (len > sizeof line - 2 - n) len = sizeof line - 2 - n;
    memcpy(line + n, s, len);
    n += len;
  }
  va_end(ap);
  line[n++] = '\n';
  int fd = live_fd();
  if (fd < 0) return;
  trace_lines++;
  xalt_write(fd, line, n);
}
