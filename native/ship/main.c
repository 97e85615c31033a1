/*
 * main.c — xalt-ship: from node-local staging to the shared spool (docs/ship.md,
 * docs/internals/contracts.md "xalt-ship").
 *
 *   job mode (--job, the epilog): the job's files of the job's uid; runs still holding a
 *     start record are closed (end_reason job_end). Always exits 0, one line on stderr.
 *   timer mode (no job): finished files of job `none` (end records, their pkg files, links)
 *     and any staging file older than max_age_hours; one bundle per job.
 *
 * Order of work: list the staging directory (names only: nothing to ship costs a directory
 * read), then lock, choose, read, write one bundle per job, and only after the bundle is
 * renamed into place unlink the staging files it holds.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "ship.h"

static const char *uid_text(const struct ship_opts *o, char *buf, size_t n) {
  if (o->have_uid) snprintf(buf, n, " uid %lu", (unsigned long)o->uid);
  else snprintf(buf, n, o->job_mode ? " uid any" : "");
  return buf;
}

static int kind_order(enum staged_kind k) { return k == STAGED_RUN ? 0 : k == STAGED_PKG ? 1 : 2; }

static int by_job_kind_name(const void *a, const void *b) {
  const struct staged *x = a, *y = b;
  int c = strcmp(x->n.job, y->n.job);
  if (!c) c = kind_order(x->n.kind) - kind_order(y->n.kind);
  return c ? c : strcmp(x->name, y->name);
}

static int by_name(const void *a, const void *b) { return strcmp(((const struct staged *)a)->name, ((const struct staged *)b)->name); }

static void free_files(struct staged *files, size_t n) {
  for (size_t i = 0; i < n; i++) free(files[i].name);
  free(files);
}

static void drop_data(struct staged *f) {
  free(f->data);
  f->data = NULL;
  f->len = 0;
}

/* Timer mode: which files to ship now (contracts.md "xalt-ship"):
 *   links of job `none`, and any link older than max_age;
 *   run files holding an end record, of job `none` or older than max_age;
 *   run files still holding a start record once older than max_age — in a job other than
 *     `none` only when their owner has no process left on the node (the job is over; else the
 *     epilog will close the run, which it could not once the file were gone);
 *   pkg files with their run, or older than max_age when their run file is gone. */
static void choose_timer(const struct ship_opts *o, int dfd, struct staged *files, size_t n, double now) {
  struct stat st;
  for (size_t i = 0; i < n; i++) {
    struct staged *f = &files[i];
    if (f->n.kind == STAGED_PKG || staging_peek(dfd, f, &st) != 0) continue;
    int old = now - (double)st.st_mtim.tv_sec > o->max_age, none = !strcmp(f->n.job, "none");
    if (f->n.kind == STAGED_LINK) {
      f->ship = none || old;
      continue;
    }
    if ((!none && !old) || staging_read(dfd, f) != 0) continue;
    int ended = records_run_ended(f);
    drop_data(f);
    f->ship = ended || (old && (none || !owner_has_processes(f->n.uid)));
  }
  /* a pkg file goes with its run: look its run file up by name */
  qsort(files, n, sizeof *files, by_name);
  for (size_t i = 0; i < n; i++) {
    struct staged *p = &files[i], key;
    if (p->n.kind != STAGED_PKG || staging_peek(dfd, p, &st) != 0) continue;
    char name[SHIP_NAME_MAX];
    snprintf(name, sizeof name, "xalt_run.%lu.%s.%s.json", (unsigned long)p->n.uid, p->n.job, p->n.uuid);
    key.name = name;
    const struct staged *run = bsearch(&key, files, n, sizeof *files, by_name);
    p->ship = run ? run->ship : now - (double)st.st_mtim.tv_sec > o->max_age;
  }
}

/* A problem of the whole call (the state directory), told in each job's line. */
static char warning[640];

struct tally {
  unsigned long files, records, refused[REFUSE_COUNT], refused_total;
};

static void log_refusals(struct logline *l, const struct tally *t) {
  if (!t->refused_total) return;
  log_add(l, "; refused %lu file%s:", t->refused_total, t->refused_total == 1 ? "" : "s");
  const char *sep = " ";
  for (int r = 1; r < REFUSE_COUNT; r++)
    if (t->refused[r]) {
      log_add(l, "%s%s %lu", sep, refusal_names[r], t->refused[r]);
      sep = ", ";
    }
  log_add(l, " (left in place)");
}

/* Ship the files [from, to) of one job; returns 0, or 1 when they could not be shipped. */
static int ship_job(struct ship_ctx *c, int dfd, struct staged *files, size_t from, size_t to, const char *host, struct tally *bad_names) {
  const struct ship_opts *o = c->o;
  const char *job = files[from].n.job;
  struct tally t = {0};
  char err[512] = "", where[SHIP_NAME_MAX + 32] = "", ub[32];
  unsigned long closed0 = c->runs_closed, hits0 = hash_hits, misses0 = hash_misses;
  struct ship_sink *sink = NULL;
  int failed = 0;
  for (size_t i = from; i < to && !failed; i++) {
    struct staged *f = &files[i];
    if (!f->ship) continue;
    f->refused = REFUSE_NONE;
    if (staging_read(dfd, f) != 0) continue;
    if (!sink && !(sink = sink_open(o, job, host, c->syshost, c->now, err, sizeof err))) failed = 1;
    else if (records_ship(c, f, o->job_mode, sink) != 0) failed = 1;
    else if (!f->refused) f->shipped = 1;
    drop_data(f);
  }
  char cerr[512];
  if (sink && sink_commit(sink, where, sizeof where, cerr, sizeof cerr) != 0) { /* the sink's error is the first cause */
    failed = 1;
    snprintf(err, sizeof err, "%s", cerr);
  }
  /* A bundle is all or nothing; syslog lines already sent stay sent. */
  int keep_sent = o->transport == SHIP_TRANSPORT_SYSLOG;
  for (size_t i = from; i < to; i++) {
    struct staged *f = &files[i];
    if (f->refused) t.refused[f->refused]++, t.refused_total++;
    if (!f->shipped || (failed && !keep_sent)) continue;
    staging_remove(dfd, f);
    t.files++;
  }
  if (bad_names) {
    t.refused[REFUSE_NAME] += bad_names->refused[REFUSE_NAME];
    t.refused_total += bad_names->refused[REFUSE_NAME];
  }
  if (o->quiet && !failed && !t.refused_total && !warning[0]) return 0;
  struct logline l = {0};
  log_add(&l, "job %s%s: ", job, uid_text(o, ub, sizeof ub));
  if (failed) log_add(&l, "error: %s; ", err);
  if (t.files) {
    log_add(&l, "%lu file%s shipped", t.files, t.files == 1 ? "" : "s");
    if (c->runs_closed > closed0) log_add(&l, ", %lu run%s closed", c->runs_closed - closed0, c->runs_closed - closed0 == 1 ? "" : "s");
    if (hash_misses > misses0 || hash_hits > hits0) log_add(&l, ", %lu executable%s hashed, %lu from cache", hash_misses - misses0, hash_misses - misses0 == 1 ? "" : "s", hash_hits - hits0);
    if (!failed || keep_sent) log_add(&l, " to %s", where[0] && !failed ? where : "syslog");
  } else {
    if (failed) log_add(&l, "nothing shipped; files left in %s", o->tmpdir);
    else log_add(&l, "nothing to ship");
  }
  log_refusals(&l, &t);
  if (warning[0]) log_add(&l, "; warning: %s", warning);
  log_emit(&l);
  return failed;
}

static int ship(const struct ship_opts *o) {
  char err[512], ub[32];
  struct tally names = {0};
  double now = ship_now();
  int dfd = staging_open(o->tmpdir, err, sizeof err);
  if (dfd < 0) {
    struct logline l = {0};
    log_add(&l, "job %s%s: error: %s", o->job, uid_text(o, ub, sizeof ub), err);
    log_emit(&l);
    return 1;
  }
  struct staged *files;
  size_t n = staging_list(dfd, o, &files, names.refused);
  if (!n && !names.refused[REFUSE_NAME]) { /* the common case: one directory read and out */
    if (!o->quiet && (o->job_mode || o->have_uid)) {
      struct logline l = {0};
      log_add(&l, "job %s%s: nothing to ship", o->job, uid_text(o, ub, sizeof ub));
      log_emit(&l);
    } else if (!o->quiet) {
      struct logline l = {0};
      log_add(&l, "nothing to ship in %s", o->tmpdir);
      log_emit(&l);
    }
    return 0;
  }

  int state_fd = state_open(o->state_dir, err, sizeof err), cache_fd = -1;
  if (state_fd >= 0) {
    int lk = state_lock(state_fd, o->job_mode);
    if (lk == 1 && !o->job_mode) { /* another timer run is at work: it ships what we would */
      if (!o->quiet) {
        struct logline l = {0};
        log_add(&l, "another xalt-ship holds %s/lock; nothing done", o->state_dir);
        log_emit(&l);
      }
      free_files(files, n);
      return 0;
    }
    cache_fd = hash_cache_open(state_fd);
  } else { /* shipping works without the state directory, only slower and unlocked */
    snprintf(warning, sizeof warning, "%s, so no hash cache and no lock", err);
  }

  struct utsname u;
  char host[XALT_FIELD_MAX] = "unknown", syshost[XALT_FIELD_MAX];
  if (uname(&u) == 0) snprintf(host, sizeof host, "%s", u.nodename);
  xalt_syshost_of(host, syshost, sizeof syshost);
  struct ship_ctx c = {o, now, syshost, cache_fd, 0};

  if (o->job_mode) for (size_t i = 0; i < n; i++) files[i].ship = 1;
  else choose_timer(o, dfd, files, n, now);
  qsort(files, n, sizeof *files, by_job_kind_name);

  int rc = 0, logged = 0;
  for (size_t from = 0; from < n;) {
    size_t to = from + 1;
    while (to < n && !strcmp(files[to].n.job, files[from].n.job)) to++;
    int any = 0;
    for (size_t i = from; i < to; i++) any |= files[i].ship || files[i].refused;
    if (any || o->job_mode) {
      rc |= ship_job(&c, dfd, files, from, to, host, o->job_mode ? &names : NULL);
      logged = 1;
    }
    from = to;
  }
  if (names.refused[REFUSE_NAME] && !o->job_mode) {
    struct logline l = {0};
    log_add(&l, "refused %lu staging file%s in %s whose names break the grammar (left in place)", names.refused[REFUSE_NAME],
            names.refused[REFUSE_NAME] == 1 ? "" : "s", o->tmpdir);
    log_emit(&l);
  } else if (!logged && o->job_mode) {
    struct logline l = {0};
    log_add(&l, "job %s%s: nothing to ship", o->job, uid_text(o, ub, sizeof ub));
    log_refusals(&l, &names);
    log_emit(&l);
  } else if (!logged && !o->quiet) {
    struct logline l = {0};
    log_add(&l, "nothing to ship in %s", o->tmpdir);
    log_emit(&l);
  }
  free_files(files, n);
  return rc;
}

int main(int argc, char **argv) {
  int job_mode = ship_argv_job_mode(argc, argv);
  struct ship_opts o;
  char err[512];
  umask(022);                /* directories 0755, files 0600: the modes are given explicitly */
  signal(SIGPIPE, SIG_IGN);  /* a log daemon that goes away must not kill us */
  signal(SIGXFSZ, SIG_IGN);  /* a file-size limit fails a write instead */
  int rc = ship_parse_options(argc, argv, &o, err, sizeof err);
  if (rc == 1) return 0;
  if (rc < 0) {
    struct logline l = {0};
    log_add(&l, "error: %s", err);
    log_emit(&l);
    return job_mode ? 0 : 2;
  }
  rc = ship(&o);
  return o.job_mode ? 0 : rc;
}
