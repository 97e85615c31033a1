/*
 * emit_file.c — putting records where ingest finds them: the spool
 * (<prefix>/<YYYYMM>/<NNN>/ by default, src/schema/spool-layout.ts), the node-local staged
 * start record and the run's pkg staging file (docs/internals/contracts.md). Every file is
 * written as a hidden ".<name>.new" (0600, O_EXCL|O_NOFOLLOW) and renamed into place.
 * A write that fails (full disk, file-size limit, unwritable spool) drops the record and
 * removes the partial file; SIGXFSZ is ignored while we write (xalt_quiet_begin) so a
 * `ulimit -f` cannot kill the program because of us.
 * signal-safe: yes. allocates: no.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h> /* rename() only */
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#define XALT_HASH_PRIME 997 /* XALT's number of hash directories */

static struct sigaction xfsz_saved;
static int xfsz_depth;

void xalt_quiet_begin(void) {
  if (xfsz_depth++) return;
  struct sigaction ign;
  memset(&ign, 0, sizeof ign);
  ign.sa_handler = SIG_IGN;
  sigaction(SIGXFSZ, &ign, &xfsz_saved);
}

void xalt_quiet_end(void) {
  if (--xfsz_depth == 0) sigaction(SIGXFSZ, &xfsz_saved, NULL);
}

int xalt_mkdirs(const char *dir, size_t base_len, mode_t mode) {
  char p[XALT_PATH_MAX];
  size_t n = strlen(dir);
  if (n >= sizeof p) return -1;
  memcpy(p, dir, n + 1);
  for (size_t i = base_len + 1; i <= n; i++) {
    if (p[i] != '/' && p[i] != '\0') continue;
    char c = p[i];
    p[i] = '\0';
    int rc = xalt_mkdir(p, (int)mode);
    if (rc == 0) xalt_chmod(p, (int)mode); /* umask must not narrow the spool's modes */
    else if (rc != -EEXIST) return -1;
    p[i] = c;
  }
  struct stat st;
  return (xalt_fstatat(AT_FDCWD, dir, &st, 0) == 0 && S_ISDIR(st.st_mode)) ? 0 : -1;
}

/* Append `s` to p (bounded by end); returns new p, or NULL when it does not fit. */
static char *cat(char *p, const char *end, const char *s) {
  size_t n = strlen(s);
  if (!p || p + n >= end) return NULL;
  memcpy(p, s, n + 1);
  return p + n;
}

/* XALT's hash directory of a uuid: int(uuid[29:36], 16) mod 997 as %03d. */
static void hash_dir(char out[4], const char *uuid) {
  unsigned long v = 0;
  for (int i = 29; i < 36; i++) {
    char c = uuid[i];
    v = v * 16 + (unsigned long)(c <= '9' ? c - '0' : c - 'a' + 10);
  }
  v %= XALT_HASH_PRIME;
  out[0] = (char)('0' + v / 100);
  out[1] = (char)('0' + (v / 10) % 10);
  out[2] = (char)('0' + v % 10);
  out[3] = '\0';
}

/* Where the run's spool directory is and how to create it (nothing is touched here). */
struct spool_target {
  char *dir;       /* in the pool: callers release it with the pool mark they took */
  size_t base_len; /* the part that must already exist (the prefix, or $HOME) */
  mode_t mode;     /* for directories we create below it */
};

/* A path composed at the pool's tail with cat(); kept (until the caller's mark is
 * released) when it fit, else NULL. */
static char *pool_path_end(char *p) {
  char *kept = p ? xalt_pool_commit() : NULL;
  return kept && kept[0] ? kept : NULL; /* ("" when the pool could not keep it) */
}

static int spool_target(struct spool_target *t) {
  const struct xalt_run_state *r = &xalt_run;
  char *dir = xalt_pool_tail(), *end = dir + XALT_PATH_MAX, *p;
  if (!r->prefix[0]) { /* home layout: ~/.xalt.d, private to the user */
    if (!r->home[0]) return -1;
    t->base_len = strlen(r->home);
    t->mode = 0700;
    t->dir = pool_path_end(cat(cat(dir, end, r->home), end, "/.xalt.d"));
    return t->dir ? 0 : -1;
  }
  char month[8], hash[4];
  xalt_fmt_month(month, sizeof month, r->start_time);
  hash_dir(hash, r->run_uuid);
  p = cat(dir, end, r->prefix);
  switch (xalt_site_config.spool_layout) {
    case XALT_LAYOUT_MONTH_HASH: p = cat(cat(cat(cat(p, end, "/"), end, month), end, "/"), end, hash); break;
    case XALT_LAYOUT_HASH: p = cat(cat(p, end, "/"), end, hash); break;
    default: break;
  }
  t->base_len = strlen(r->prefix);
  t->mode = 01777;
  t->dir = pool_path_end(p);
  return t->dir ? 0 : -1;
}

/* Create the target's missing directories; the site creates the prefix itself. */
static int spool_create(const struct spool_target *t) {
  char base[XALT_PATH_MAX];
  struct stat st;
  memcpy(base, t->dir, t->base_len);
  base[t->base_len] = '\0';
  if (xalt_fstatat(AT_FDCWD, base, &st, 0) != 0 || !S_ISDIR(st.st_mode)) return -1;
  return xalt_mkdirs(t->dir, t->base_len, t->mode);
}

/* Write `len` bytes to dir/name via dir/.name.new; returns 0 on success. The directory is
 * created (through `t`) only when the first open says it is missing: the common case costs
 * no mkdir or stat. */
static int write_rename(const char *dir, const struct spool_target *t, const char *name, const char *data, size_t len) {
  size_t mark = xalt_pool_mark(); /* both names in the pool, off the stack */
  char *tmp = xalt_pool_tail();
  tmp = pool_path_end(cat(cat(cat(cat(tmp, tmp + XALT_PATH_MAX, dir), tmp + XALT_PATH_MAX, "/."), tmp + XALT_PATH_MAX, name), tmp + XALT_PATH_MAX, ".new"));
  char *dst = xalt_pool_tail();
  dst = tmp ? pool_path_end(cat(cat(cat(dst, dst + XALT_PATH_MAX, dir), dst + XALT_PATH_MAX, "/"), dst + XALT_PATH_MAX, name)) : NULL;
  if (!dst) { xalt_pool_release(mark, NULL); return -1; }
  int rc = -1, err = 0;
  int fd = xalt_open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd == -ENOENT && t && spool_create(t) == 0) fd = xalt_open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) err = -fd;
  else {
    size_t done = 0;
    while (done < len) {
      long w = xalt_write(fd, data + done, len - done);
      if (w == -EINTR) continue;
      if (w <= 0) { err = w < 0 ? (int)-w : ENOSPC; break; }
      done += (size_t)w;
    }
    int c = xalt_close(fd);
    if (c < 0 && !err) err = -c;
    if (!err && done != len) err = EIO;
    if (!err) {
      int m = xalt_rename(tmp, dst);
      if (m < 0) err = -m;
    }
    rc = err ? -1 : 0;
    if (rc != 0) xalt_unlink(tmp);
  }
  if (rc != 0 && xalt_tracing()) xalt_trace("cannot write ", dst, ": ", strerror(err), NULL);
  else xalt_trace("wrote ", dst, NULL);
  xalt_pool_release(mark, NULL);
  return rc;
}

/* A name component safe for a file name: '/' and leading dots replaced. */
static void safe_component(char *dst, size_t n, const char *src) {
  xalt_copy(dst, n, src, "none");
  for (char *p = dst; *p; p++) if (*p == '/') *p = '_';
  if (dst[0] == '.') dst[0] = '_';
}

int xalt_emit_run(const struct xalt_jbuf *rec, int is_start) {
  const struct xalt_run_state *r = &xalt_run;
  struct spool_target t;
  size_t mark = xalt_pool_mark();
  /* A record's file name is short (kind, syshost, stamp, user, uuid): a small buffer keeps the
   * write path's stack shallow (every new stack page is a page fault). */
  char name[3 * XALT_FIELD_MAX + 128], *e = name + sizeof name;
  if (rec->failed || r->transmission_none) return rec->failed ? -1 : 0;
  int rc = -1;
  if (spool_target(&t) == 0 &&
      cat(cat(cat(cat(cat(cat(cat(cat(cat(cat(name, e, "run."), e, r->syshost), e, "."), e, r->stamp), e, "."), e, r->user), e, "."),
              e, is_start ? "aaa" : "zzz"), e, "."), e, r->run_uuid) && cat(name + strlen(name), e, ".json"))
    rc = write_rename(t.dir, &t, name, rec->p, rec->len);
  xalt_pool_release(mark, NULL);
  return rc;
}

/* "<tmpdir>/<kind>.<uid>.<job>.<uuid>" + tail into out. */
static char *staging_name(char *out, size_t n, const char *kind, const char *tail) {
  const struct xalt_run_state *r = &xalt_run;
  char uid[24], job[XALT_FIELD_MAX], *e = out + n;
  xalt_fmt_long(uid, (long long)r->uid);
  safe_component(job, sizeof job, strcmp(r->sched.job_id, "unknown") ? r->sched.job_id : "none");
  return cat(cat(cat(cat(cat(cat(cat(cat(cat(out, e, r->tmpdir), e, "/"), e, kind), e, uid), e, "."), e, job), e, "."), e, r->run_uuid), e, tail);
}

char *xalt_staged_start_path(void) {
  char *p = xalt_pool_tail();
  return staging_name(p, XALT_PATH_MAX, "xalt_start.", ".json") ? xalt_pool_commit() : xalt_run.pool;
}

int xalt_emit_staged_start(const struct xalt_jbuf *rec, char *path) {
  if (rec->failed || !path[0]) return -1;
  char *slash = path;
  for (char *q = path; *q; q++)
    if (*q == '/') slash = q;
  *slash = '\0';
  int rc = write_rename(path, NULL, slash + 1, rec->p, rec->len);
  *slash = '/';
  return rc;
}

void xalt_pkg_staging_path(char *out, size_t n) {
  const struct xalt_run_state *r = &xalt_run;
  char pid[24], tail[XALT_PATH_MAX];
  xalt_fmt_long(pid, (long long)r->pid);
  char *e = tail + sizeof tail;
  if (!cat(cat(cat(cat(cat(cat(cat(cat(cat(tail, e, "."), e, pid), e, "."), e, r->syshost), e, "."), e, r->stamp), e, "."), e, r->user), e, ".jsonl") ||
      !staging_name(out, n, "xalt_pkg.", tail))
    out[0] = '\0';
}

static void publish_line(const struct spool_target *t, const char *line, size_t len) {
  const struct xalt_run_state *r = &xalt_run;
  static const char HEX[] = "0123456789abcdef";
  unsigned char rnd[6];
  char uniq[13], name[XALT_PATH_MAX], *e = name + sizeof name;
  xalt_random(rnd, sizeof rnd);
  for (int i = 0; i < 6; i++) { uniq[2 * i] = HEX[rnd[i] >> 4]; uniq[2 * i + 1] = HEX[rnd[i] & 15]; }
  uniq[12] = '\0';
  if (!cat(cat(cat(cat(cat(cat(cat(cat(cat(cat(name, e, "pkg."), e, r->syshost), e, "."), e, r->stamp), e, "."), e, r->user), e, "."), e, r->run_uuid), e, "."), e, uniq) ||
      !cat(name + strlen(name), e, ".json"))
    return;
  char rec[65536]; /* one pkg record: a name, a version and a path */
  if (len + 1 > sizeof rec) return;
  memcpy(rec, line, len);
  rec[len] = '\n';
  write_rename(t->dir, t, name, rec, len + 1);
}

void xalt_publish_pkgs(int keep) {
  const struct xalt_run_state *r = &xalt_run;
  if (!r->pkg_staging[0]) return;
  int fd = xalt_open(r->pkg_staging, O_RDONLY | O_NOFOLLOW | O_CLOEXEC, 0);
  if (fd < 0) {
    if (fd == -ELOOP) xalt_unlink(r->pkg_staging); /* a planted symlink: never read through it */
    return;
  }
  struct stat st;
  struct spool_target t;
  size_t mark = xalt_pool_mark();
  if (keep && xalt_fstatat(fd, "", &st, AT_EMPTY_PATH) == 0 && S_ISREG(st.st_mode) && st.st_uid == r->uid && !r->transmission_none &&
      spool_target(&t) == 0) {
    struct xalt_jbuf all;
    xalt_jbuf_init(&all);
    char chunk[4096];
    long n;
    while ((n = xalt_read(fd, chunk, sizeof chunk)) > 0) xalt_jbuf_put(&all, chunk, (size_t)n);
    for (size_t i = 0; !all.failed && i < all.len;) {
      char *nl = memchr(all.p + i, '\n', all.len - i);
      size_t ll = nl ? (size_t)(nl - (all.p + i)) : all.len - i;
      if (nl && ll > 1 && all.p[i] == '{') /* a line without its newline was cut short */ publish_line(&t, all.p + i, ll);
      i += ll + 1;
    }
    xalt_jbuf_free(&all);
  }
  xalt_pool_release(mark, NULL);
  xalt_close(fd);
  xalt_unlink(r->pkg_staging);
}

/* ---- link tracking hook (link_record.c): a link record lives in the directory of its build
 * epoch and build uuid, so the run fields that choose the directory are lent for the call. ---- */
int xalt_emit_link(const struct xalt_jbuf *rec, const char *name, double epoch, const char *uuid) {
  struct xalt_run_state *r = &xalt_run;
  double t0 = r->start_time;
  char u0[sizeof r->run_uuid];
  memcpy(u0, r->run_uuid, sizeof u0);
  r->start_time = epoch;
  xalt_copy(r->run_uuid, sizeof r->run_uuid, uuid, "");
  struct spool_target t;
  size_t mark = xalt_pool_mark();
  int rc = (rec->failed || r->transmission_none || spool_target(&t) != 0) ? -1 : write_rename(t.dir, &t, name, rec->p, rec->len);
  xalt_pool_release(mark, NULL);
  r->start_time = t0;
  memcpy(r->run_uuid, u0, sizeof u0);
  return rc;
}
