/*
 * emit_file.c — where a run's records go (docs/internals/contracts.md "Transports"):
 *
 *   ship, syslog  node-local staging only: the run file <tmpdir>/xalt_run.<uid>.<job>.<uuid>.json
 *                 (the start record, created O_EXCL; the end record renamed over it), the pkg
 *                 staging file (left for xalt-ship), link files. The shared spool is never
 *                 touched: root's xalt-ship moves the files.
 *   direct        XALT-compatible record files into the spool, only into directories that
 *                 already exist and are trusted (owned by root or by us, and sticky if others
 *                 may write them): the collector never creates a directory in a shared spool.
 *                 The home layout's private ~/.xalt.d is the one directory it creates.
 *   none          nothing.
 *
 * Every file is created 0600 with O_CREAT|O_EXCL|O_NOFOLLOW; a record that replaces another,
 * and every spool file, is written as ".<name>.new" and renamed into place (a staged run
 * file that replaces nothing is written directly, as a start record is). A write that
 * fails (full disk, file-size limit, unwritable directory) drops the record and removes the
 * partial file; SIGXFSZ is ignored while we write (xalt_quiet_begin) so a `ulimit -f`
 * cannot kill the program because of us.
 * signal-safe: yes. allocates: no (mmap for a large pkg staging file).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#define XALT_HASH_PRIME 997                 /* XALT's number of hash directories */
#define XALT_PKG_STAGING_MAX (16 << 20)     /* a pkg staging file is a few kB; more is not ours */
#define XALT_NAME_MAX (3 * XALT_FIELD_MAX + 128) /* a record file name: kind, syshost, stamp, user, uuid */

static struct sigaction xfsz_saved;
static int xfsz_depth, xfsz_ignored;

/* 1 when the process has no file-size limit (the usual case): a write cannot raise SIGXFSZ,
 * and one prlimit saves the two sigaction calls around each record. Asked every time: the
 * program may have set a limit since the last record. */
static int no_size_limit(void) {
  struct { unsigned long long cur, max; } lim;
  return xalt_syscall6(SYS_prlimit64, 0, RLIMIT_FSIZE, 0, (long)&lim, 0, 0) == 0 && lim.cur == RLIM_INFINITY;
}

void xalt_quiet_begin(void) {
  if (xfsz_depth++) return;
  xfsz_ignored = !no_size_limit();
  if (!xfsz_ignored) return;
  struct sigaction ign;
  memset(&ign, 0, sizeof ign);
  ign.sa_handler = SIG_IGN;
  sigaction(SIGXFSZ, &ign, &xfsz_saved);
}

void xalt_quiet_end(void) {
  if (--xfsz_depth == 0 && xfsz_ignored) sigaction(SIGXFSZ, &xfsz_saved, NULL);
}

const char *xalt_transport_name(enum xalt_transport t) {
  return t == XALT_TRANSPORT_SHIP ? "ship" : t == XALT_TRANSPORT_SYSLOG ? "syslog" : t == XALT_TRANSPORT_DIRECT ? "direct" : "none";
}

/* Append `s` to p (bounded by end); returns new p, or NULL when it does not fit. */
static char *cat(char *p, const char *end, const char *s) {
  if (!p) return NULL;
  size_t n = strlen(s);
  if (p + n >= end) return NULL;
  memcpy(p, s, n + 1);
  return p + n;
}

/* XALT's hash directory of a uuid: int(uuid[29:36], 16) mod 997 as %03d. */
XALT_COLD static void hash_dir(char out[4], const char *uuid) {
  unsigned long v = 0;
  for (int i = 29; i < 36 && uuid[i]; i++) {
    char c = uuid[i];
    v = v * 16 + (unsigned long)(c <= '9' ? c - '0' : c - 'a' + 10);
  }
  v %= XALT_HASH_PRIME;
  out[0] = (char)('0' + v / 100);
  out[1] = (char)('0' + (v / 10) % 10);
  out[2] = (char)('0' + v % 10);
  out[3] = '\0';
}

/* Create `path` (relative to `dfd`) 0600 with O_EXCL|O_NOFOLLOW holding `len` bytes, and
 * rename it to `final` when that is given. On failure nothing is left behind. Returns 0 or
 * a positive errno. */
static int put_file(int dfd, const char *path, const char *final, const char *data, size_t len) {
  int fd = xalt_openat(dfd, path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return -fd;
  int err = 0;
  size_t done = 0;
  while (done < len) {
    long w = xalt_write(fd, data + done, len - done);
    if (w == -EINTR) continue;
    if (w <= 0) { err = w < 0 ? (int)-w : ENOSPC; break; }
    done += (size_t)w;
  }
  int c = xalt_close(fd);
  if (c < 0 && !err) err = -c;
  if (!err && final) {
    int m = xalt_renameat(dfd, path, final);
    if (m < 0) err = -m;
  }
  if (err) xalt_unlinkat(dfd, path);
  return err;
}

static void trace_write(int err, const char *dir, const char *name) {
  if (!xalt_tracing()) return;
  if (err) xalt_trace("cannot write ", dir, dir[0] ? "/" : "", name, ": ", strerror(err), NULL);
  else xalt_trace("wrote ", dir, dir[0] ? "/" : "", name, NULL);
}

/* ---- node-local staging ---- */

/* The job id as a file-name component (contracts.md): [A-Za-z0-9_-] kept, anything else
 * "_"; "none" outside a job. */
static void job_component(char *dst, size_t n, const char *job) {
  if (!job[0] || !strcmp(job, "unknown")) job = "none";
  xalt_copy(dst, n, job, NULL);
  for (char *p = dst; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-')) *p = '_';
}

/* "<tmpdir>/<kind>.<uid>.<job>.<uuid><tail>" into out[n]; 0 when it fits. */
static int staging_name(char *out, size_t n, const char *kind, const char *uuid, const char *tail) {
  const struct xalt_run_state *r = &xalt_run;
  char uid[24], job[XALT_FIELD_MAX], *e = out + n;
  xalt_fmt_long(uid, (long long)r->uid);
  job_component(job, sizeof job, r->sched.job_id);
  char *p = cat(cat(cat(cat(cat(cat(cat(cat(cat(cat(out, e, r->tmpdir), e, "/"), e, kind), e, "."), e, uid), e, "."), e, job), e, "."), e, uuid), e, tail);
  if (!p) out[0] = '\0';
  return p ? 0 : -1;
}

void xalt_run_staging_path(void) {
  char *p = xalt_pool_tail();
  xalt_run.run_staging = staging_name(p, XALT_PATH_MAX, "xalt_run", xalt_run.run_uuid, ".json") == 0 ? xalt_pool_commit() : xalt_run.pool;
}

void xalt_pkg_staging_path(char *out, size_t n) {
  const struct xalt_run_state *r = &xalt_run;
  char pid[24], tail[XALT_NAME_MAX], *e = tail + sizeof tail;
  xalt_fmt_long(pid, (long long)r->pid);
  if (!cat(cat(cat(cat(cat(cat(cat(cat(cat(tail, e, "."), e, pid), e, "."), e, r->syshost), e, "."), e, r->stamp), e, "."), e, r->user), e, ".jsonl") ||
      staging_name(out, n, "xalt_pkg", r->run_uuid, tail) != 0)
    out[0] = '\0';
}

/* Write `rec` to the staging file `path` through "<dir>/.<base>.new" + rename. */
static int staging_replace(const char *path, const struct xalt_jbuf *rec) {
  size_t mark = xalt_pool_mark();
  char *tmp = xalt_pool_tail(), *e = tmp + XALT_PATH_MAX;
  const char *base = path;
  for (const char *q = path; *q; q++)
    if (*q == '/') base = q + 1;
  size_t dl = (size_t)(base - path);
  memcpy(tmp, path, dl);
  tmp[dl] = '\0';
  int err = cat(cat(cat(tmp + dl, e, "."), e, base), e, ".new") ? put_file(AT_FDCWD, tmp, path, rec->p, rec->len) : ENAMETOOLONG;
  trace_write(err, "", path);
  xalt_pool_release(mark, NULL);
  return err ? -1 : 0;
}

/* ---- the spool (transport direct) ---- */

/* A directory others cannot tamper with: a real directory owned by root or by us, and
 * sticky if group or others may write it (so no one else can rename or remove our files). */
XALT_COLD static int trusted(int fd, const char *path) {
  struct stat st;
  if (xalt_fstatat(fd, "", &st, AT_EMPTY_PATH) != 0 || !S_ISDIR(st.st_mode)) return 0;
  if ((st.st_uid == 0 || st.st_uid == xalt_run.uid) && (!(st.st_mode & 022) || (st.st_mode & S_ISVTX))) return 1;
  if (xalt_tracing()) {
    char uid[24], mode[5];
    xalt_fmt_long(uid, (long long)st.st_uid);
    for (int i = 0; i < 4; i++) mode[i] = (char)('0' + ((st.st_mode >> (3 * (3 - i))) & 7));
    mode[4] = '\0';
    xalt_trace("spool directory ", path, " is not trusted (owner uid ", uid, ", mode ", mode,
               "; it must be root's or yours, and sticky if others may write it): record not written", NULL);
  }
  return 0;
}

/* Open component `name` of the spool below `dfd` (never through a symbolic link) and check
 * it; closes dfd. `shown` is the path so far, for trace lines. */
XALT_COLD static int open_below(int dfd, const char *name, char *shown, const char *end) {
  int fd = xalt_openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0);
  xalt_close(dfd);
  cat(cat(shown + strlen(shown), end, "/"), end, name);
  if (fd < 0) {
    if (fd == -ENOENT) xalt_trace("spool directory ", shown, " does not exist (xalt spool prepare creates it): record not written", NULL);
    else if (xalt_tracing()) xalt_trace("spool directory ", shown, ": ", strerror(-fd), ": record not written", NULL);
    return -1;
  }
  if (!trusted(fd, shown)) { xalt_close(fd); return -1; }
  return fd;
}

/* The home layout's directory, $HOME (as at start)/.xalt.d: private to the user, created
 * 0700 when missing, used only when it is the user's own. */
XALT_COLD static int open_home_dir(char *shown, const char *end) {
  const struct xalt_run_state *r = &xalt_run;
  if (!r->home[0]) return -1;
  int home = xalt_open(r->home, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  if (home < 0) return -1;
  cat(cat(shown, end, r->home), end, "/.xalt.d");
  int fd = xalt_openat(home, ".xalt.d", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0);
  if (fd == -ENOENT && xalt_mkdirat(home, ".xalt.d", 0700) == 0) fd = xalt_openat(home, ".xalt.d", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0);
  xalt_close(home);
  struct stat st;
  if (fd >= 0 && (xalt_fstatat(fd, "", &st, AT_EMPTY_PATH) != 0 || st.st_uid != r->uid)) {
    xalt_trace(shown, " is not yours: record not written", NULL);
    xalt_close(fd);
    fd = -1;
  }
  return fd < 0 ? -1 : fd;
}

/* The spool directory of a record with this start epoch and uuid, opened; -1 if it is
 * missing or not trusted. `shown` (XALT_PATH_MAX) receives its path, for trace lines. */
XALT_COLD static int open_spool_dir(double epoch, const char *uuid, char *shown) {
  const struct xalt_run_state *r = &xalt_run;
  char *end = shown + XALT_PATH_MAX;
  shown[0] = '\0';
  if (!r->prefix[0]) return open_home_dir(shown, end);
  int fd = xalt_open(r->prefix, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0); /* the site's prefix (may be a symlink) */
  cat(shown, end, r->prefix);
  if (fd < 0) {
    xalt_trace("spool ", shown, " cannot be opened: record not written", NULL);
    return -1;
  }
  char month[8], hash[4];
  hash_dir(hash, uuid);
  switch (xalt_site_config.spool_layout) {
    case XALT_LAYOUT_MONTH_HASH:
      xalt_fmt_month(month, sizeof month, epoch);
      fd = open_below(fd, month, shown, end);
      return fd < 0 ? -1 : open_below(fd, hash, shown, end);
    case XALT_LAYOUT_HASH: return open_below(fd, hash, shown, end);
    default:
      if (!trusted(fd, shown)) { xalt_close(fd); return -1; }
      return fd;
  }
}

/* Write `name` into the open spool directory `dfd` (shown as `dir`), via ".<name>.new". */
XALT_COLD static int spool_put(int dfd, const char *dir, const char *name, const char *data, size_t len) {
  char tmp[XALT_NAME_MAX + 8], *e = tmp + sizeof tmp;
  int err = cat(cat(cat(tmp, e, "."), e, name), e, ".new") ? put_file(dfd, tmp, name, data, len) : ENAMETOOLONG;
  trace_write(err, dir, name);
  return err ? -1 : 0;
}

/* "run.<syshost>.<stamp>.<user>.<aaa|zzz>.<uuid>.json" into out. */
XALT_COLD static char *run_file_name(char *out, size_t n, int is_start) {
  const struct xalt_run_state *r = &xalt_run;
  char *e = out + n;
  return cat(cat(cat(cat(cat(cat(cat(cat(cat(cat(cat(out, e, "run."), e, r->syshost), e, "."), e, r->stamp), e, "."), e, r->user), e, "."),
                     e, is_start ? "aaa" : "zzz"), e, "."), e, r->run_uuid), e, ".json");
}

XALT_COLD static int spool_run(const struct xalt_jbuf *rec, int is_start) {
  const struct xalt_run_state *r = &xalt_run;
  char name[XALT_NAME_MAX];
  if (!run_file_name(name, sizeof name, is_start)) return -1;
  size_t mark = xalt_pool_mark();
  char *dir = xalt_pool_tail();
  int dfd = open_spool_dir(r->start_time, r->run_uuid, dir), rc = -1;
  if (dfd >= 0) {
    rc = spool_put(dfd, dir, name, rec->p, rec->len);
    xalt_close(dfd);
  }
  xalt_pool_release(mark, NULL);
  return rc;
}

/* ---- a run's records ---- */

void xalt_emit_start(const struct xalt_jbuf *rec, int to_spool) {
  struct xalt_run_state *r = &xalt_run;
  if (rec->failed || r->transport == XALT_TRANSPORT_NONE) return;
  if (to_spool && r->transport == XALT_TRANSPORT_DIRECT) spool_run(rec, 1);
  if (!r->run_staging[0]) return;
  int err = put_file(AT_FDCWD, r->run_staging, NULL, rec->p, rec->len);
  trace_write(err, "", r->run_staging);
  r->start_staged = err == 0;
}

int xalt_emit_end(const struct xalt_jbuf *rec) {
  struct xalt_run_state *r = &xalt_run;
  if (rec->failed) return -1;
  if (r->transport == XALT_TRANSPORT_NONE) return 0;
  if (r->transport == XALT_TRANSPORT_DIRECT) {
    int rc = spool_run(rec, 0);
    /* Keep the staged start if the end record was lost: the epilog still learns of the run. */
    if (rc == 0 && r->start_staged) xalt_unlink(r->run_staging);
    return rc;
  }
  if (!r->run_staging[0]) return -1;
  if (r->start_staged) return staging_replace(r->run_staging, rec);
  /* No start record to replace (start policy mpi, or its write failed): created and written
   * like a start record, without the rename. xalt-ship reads a run file it finds empty or
   * cut short as a run not ended yet. */
  int err = put_file(AT_FDCWD, r->run_staging, NULL, rec->p, rec->len);
  trace_write(err, "", r->run_staging);
  return err ? -1 : 0;
}

void xalt_drop_run(void) {
  const struct xalt_run_state *r = &xalt_run;
  if (r->start_staged) xalt_unlink(r->run_staging);
  if (r->pkg_staging[0]) xalt_unlink(r->pkg_staging);
}

/* ---- packages ---- */

XALT_COLD static void put_utf8(char *out, size_t *n, size_t cap, unsigned long c) {
  unsigned char b[4];
  size_t k;
  if (c < 0x80) { b[0] = (unsigned char)c; k = 1; }
  else if (c < 0x800) { b[0] = (unsigned char)(0xC0 | c >> 6); b[1] = (unsigned char)(0x80 | (c & 63)); k = 2; }
  else if (c < 0x10000) { b[0] = (unsigned char)(0xE0 | c >> 12); b[1] = (unsigned char)(0x80 | ((c >> 6) & 63)); b[2] = (unsigned char)(0x80 | (c & 63)); k = 3; }
  else { b[0] = (unsigned char)(0xF0 | c >> 18); b[1] = (unsigned char)(0x80 | ((c >> 12) & 63)); b[2] = (unsigned char)(0x80 | ((c >> 6) & 63)); b[3] = (unsigned char)(0x80 | (c & 63)); k = 4; }
  for (size_t i = 0; i < k && *n < cap; i++) out[(*n)++] = (char)b[i];
}

XALT_COLD static long hex4(const char *s) {
  long v = 0;
  for (int i = 0; i < 4; i++) {
    char c = s[i];
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

/* The decoded value of the JSON string member "package_name" of a pkg line (as the hook
 * serializes it: escapes \" \\ \/ \b \f \n \r \t \uXXXX) into out; its length, or -1. */
XALT_COLD static long package_name(const char *line, size_t len, char *out, size_t cap) {
  static const char KEY[] = "\"package_name\":\"";
  size_t kl = sizeof KEY - 1, i = 0, n = 0;
  for (;; i++) {
    if (i + kl > len) return -1;
    if (!memcmp(line + i, KEY, kl)) break;
  }
  for (i += kl; i < len && line[i] != '"'; i++) {
    if (line[i] != '\\') { if (n < cap) out[n++] = line[i]; continue; }
    if (++i >= len) return -1;
    char c = line[i];
    if (c == 'u') {
      long u = i + 4 < len ? hex4(line + i + 1) : -1;
      if (u < 0) return -1;
      i += 4;
      if (u >= 0xD800 && u < 0xDC00 && i + 6 < len && line[i + 1] == '\\' && line[i + 2] == 'u') { /* a surrogate pair */
        long lo = hex4(line + i + 3);
        if (lo >= 0xDC00 && lo < 0xE000) { u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00); i += 6; }
      }
      put_utf8(out, &n, cap, (unsigned long)u);
    } else if (n < cap) {
      out[n++] = c == 'b' ? '\b' : c == 'f' ? '\f' : c == 'n' ? '\n' : c == 'r' ? '\r' : c == 't' ? '\t' : c;
    }
  }
  return i < len && n < cap ? (long)n : -1;
}

/* One complete staged line (with its '\n' after it) as pkg.<...>.<12 hex>.json. */
XALT_COLD static void publish_line(int dfd, const char *dir, const char *line, size_t len) {
  const struct xalt_run_state *r = &xalt_run;
  char pkg[1024], uniq[13], name[XALT_NAME_MAX], *e = name + sizeof name;
  long pl = package_name(line, len, pkg, sizeof pkg);
  if (pl <= 0) return; /* not a pkg record */
  xalt_pkg_unique(r->run_uuid, pkg, (size_t)pl, uniq);
  if (cat(cat(cat(cat(cat(cat(cat(cat(cat(cat(cat(name, e, "pkg."), e, r->syshost), e, "."), e, r->stamp), e, "."), e, r->user), e, "."), e, r->run_uuid), e, "."), e, uniq), e, ".json"))
    spool_put(dfd, dir, name, line, len + 1);
}

/* Publish the complete lines of the pkg staging file `fd` into the run's spool directory. */
XALT_COLD static void publish_pkgs(int fd) {
  const struct xalt_run_state *r = &xalt_run;
  struct stat st;
  if (xalt_fstatat(fd, "", &st, AT_EMPTY_PATH) != 0 || !S_ISREG(st.st_mode) || st.st_uid != r->uid || st.st_size > XALT_PKG_STAGING_MAX) return;
  size_t mark = xalt_pool_mark();
  char *dir = xalt_pool_tail();
  int dfd = open_spool_dir(r->start_time, r->run_uuid, dir);
  if (dfd >= 0) {
    struct xalt_jbuf all;
    xalt_jbuf_init(&all);
    char chunk[4096];
    long n;
    while ((n = xalt_read(fd, chunk, sizeof chunk)) > 0 && all.len <= XALT_PKG_STAGING_MAX) xalt_jbuf_put(&all, chunk, (size_t)n);
    for (size_t i = 0; !all.failed && i < all.len;) {
      char *nl = memchr(all.p + i, '\n', all.len - i);
      size_t ll = nl ? (size_t)(nl - (all.p + i)) : all.len - i;
      if (nl && ll > 1 && all.p[i] == '{') /* a line without its newline was cut short */ publish_line(dfd, dir, all.p + i, ll);
      i += ll + 1;
    }
    xalt_jbuf_free(&all);
    xalt_close(dfd);
  }
  xalt_pool_release(mark, NULL);
}

void xalt_finish_pkgs(void) {
  const struct xalt_run_state *r = &xalt_run;
  if (!r->pkg_staging[0] || r->transport == XALT_TRANSPORT_SHIP || r->transport == XALT_TRANSPORT_SYSLOG) return; /* xalt-ship's */
  if (r->transport == XALT_TRANSPORT_DIRECT) {
    /* Non-blocking and regular files only: a FIFO planted at the path must not hang the exit. */
    int fd = xalt_open(r->pkg_staging, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0);
    if (fd >= 0) {
      publish_pkgs(fd);
      xalt_close(fd);
    }
  }
  xalt_unlink(r->pkg_staging);
}

/* ---- link records (link_record.c): staging, or the spool directory of the build's epoch and uuid ---- */
XALT_COLD int xalt_emit_link(const struct xalt_jbuf *rec, const char *name, double epoch, const char *uuid) {
  const struct xalt_run_state *r = &xalt_run;
  if (rec->failed) return -1;
  if (r->transport == XALT_TRANSPORT_NONE) return 0;
  size_t mark = xalt_pool_mark();
  char *dir = xalt_pool_tail();
  int rc = -1;
  if (r->transport == XALT_TRANSPORT_DIRECT) {
    int dfd = open_spool_dir(epoch, uuid, dir);
    if (dfd >= 0) {
      rc = spool_put(dfd, dir, name, rec->p, rec->len);
      xalt_close(dfd);
    }
  } else if (staging_name(dir, XALT_PATH_MAX, "xalt_link", uuid, ".json") == 0) {
    char *path = xalt_pool_commit();
    rc = path[0] ? staging_replace(path, rec) : -1;
  }
  xalt_pool_release(mark, NULL);
  return rc;
}
