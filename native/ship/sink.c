/*
 * sink.c — where one job's records go: a bundle file in the spool (transport `ship`) or
 * syslog lines (transport `syslog`). A bundle is all or nothing (nothing is visible until it
 * is renamed into place); syslog lines are gone once sent, so the records a failed sink took
 * are counted for the caller to keep only what was fully sent.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ship.h"

struct ship_sink {
  struct bundle *bundle;        /* created at the first record: an empty call writes nothing */
  struct syslog_out *log;
  const struct ship_opts *o;
  char job[SHIP_JOB_MAX];
  char host[XALT_FIELD_MAX];
  char syshost[XALT_FIELD_MAX];
  double now;
  unsigned long records;
  int failed;
  char err[512];
};

static int spool_fd = -1; /* opened once per call, at the first bundle */

struct ship_sink *sink_open(const struct ship_opts *o, const char *job, const char *host, const char *syshost, double now, char *err, size_t n) {
  struct ship_sink *s = calloc(1, sizeof *s);
  if (!s) {
    snprintf(err, n, "out of memory");
    return NULL;
  }
  s->o = o;
  s->now = now;
  snprintf(s->job, sizeof s->job, "%s", job);
  snprintf(s->host, sizeof s->host, "%s", host);
  snprintf(s->syshost, sizeof s->syshost, "%s", syshost);
  if (o->transport == SHIP_TRANSPORT_SYSLOG && !(s->log = syslog_open(o->syslog_socket, syshost, err, n))) {
    free(s);
    return NULL;
  }
  return s;
}

int sink_add(struct ship_sink *s, const struct ship_entry *e) {
  if (s->failed) return -1;
  if (s->log) {
    if (syslog_send(s->log, e, s->err, sizeof s->err) != 0) s->failed = 1;
  } else {
    if (!s->bundle) {
      if (spool_fd < 0) spool_fd = spool_open(s->o->spool, s->err, sizeof s->err);
      if (spool_fd >= 0) s->bundle = bundle_open(spool_fd, s->o->layout, s->job, s->host, s->syshost, s->now, s->err, sizeof s->err);
      if (!s->bundle) s->failed = 1;
    }
    if (s->bundle && bundle_add(s->bundle, e) != 0) s->failed = 1;
  }
  if (s->failed) return -1;
  s->records++;
  return 0;
}

int sink_commit(struct ship_sink *s, char *where, size_t wn, char *err, size_t n) {
  int rc = 0;
  where[0] = '\0';
  if (s->failed) {
    snprintf(err, n, "%s", s->err);
    rc = -1;
  }
  if (s->bundle) {
    if (rc == 0) rc = bundle_commit(s->bundle, where, wn, err, n);
    else bundle_abort(s->bundle);
  } else if (s->log) {
    snprintf(where, wn, "syslog");
  }
  syslog_close(s->log);
  free(s);
  return rc;
}

void sink_abort(struct ship_sink *s) {
  if (s->bundle) bundle_abort(s->bundle);
  syslog_close(s->log);
  free(s);
}

unsigned long sink_records(const struct ship_sink *s) { return s->records; }
const char *sink_error(const struct ship_sink *s) { return s->err; }
