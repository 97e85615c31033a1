/*
 * log.c — xalt-ship's report: one line per job on stderr (the epilog's log). Whatever went
 * into a line (job ids, paths, error texts) has its control characters replaced, so no name a
 * user chose can start a line of its own.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include "ship.h"

void log_add(struct logline *l, const char *fmt, ...) {
  va_list ap;
  size_t room = sizeof l->text - l->len;
  if (room <= 1) return;
  va_start(ap, fmt);
  int k = vsnprintf(l->text + l->len, room, fmt, ap);
  va_end(ap);
  if (k < 0) return;
  size_t added = (size_t)k < room ? (size_t)k : room - 1;
  for (size_t i = l->len; i < l->len + added; i++)
    if ((unsigned char)l->text[i] < 0x20 || l->text[i] == 0x7f) l->text[i] = '?';
  l->len += added;
}

void log_emit(const struct logline *l) {
  char out[sizeof l->text + 16];
  size_t n = 0;
  memcpy(out, "xalt-ship: ", 11);
  n = 11;
  memcpy(out + n, l->text, l->len);
  n += l->len;
  out[n++] = '\n';
  for (size_t at = 0; at < n;) { /* one write: lines of concurrent epilogs do not interleave */
    ssize_t r = write(2, out + at, n - at);
    if (r <= 0) break;
    at += (size_t)r;
  }
}
