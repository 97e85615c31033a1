/*
 * bundle.c — one bundle file per job per node per call (contracts.md "Bundle files"):
 *
 *   <prefix>/<YYYYMM>/<NNN>/ship.<syshost>.<stamp>.<host>.<job>.<bundle_uuid>.bundle
 *
 *   xalt-bundle 1 <host> <job> <shipper uid>\n
 *   <record file name> <owner uid> <flags>\n
 *   <record bytes, one line ending in \n>
 *   ...
 *
 * Written as ".<name>.new" (O_CREAT|O_EXCL|O_NOFOLLOW, 0600), synced, then renamed into
 * place, so ingest never sees half a bundle and a crash leaves only a hidden file.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ship.h"

#define BUNDLE_BUF (256 * 1024) /* written in pieces this big: a 1,000-run job is ~10 MB */

struct bundle {
  int dirfd, fd;
  char rel[SHIP_NAME_MAX + 16]; /* <YYYYMM>/<NNN>/<name>, for the log */
  char name[SHIP_NAME_MAX];
  char tmp[SHIP_NAME_MAX + 8];
  size_t used;
  int failed;
  char err[SHIP_NAME_MAX + 256];
  char buf[BUNDLE_BUF];
};

static void flush(struct bundle *b) {
  for (size_t at = 0; at < b->used && !b->failed;) {
    ssize_t r = write(b->fd, b->buf + at, b->used - at);
    if (r > 0) at += (size_t)r;
    else if (r < 0 && errno == EINTR) continue;
    else {
      snprintf(b->err, sizeof b->err, "writing %s: %s", b->rel, r < 0 ? strerror(errno) : "no progress");
      b->failed = 1;
    }
  }
  b->used = 0;
}

static void put(struct bundle *b, const char *s, size_t n) {
  while (n && !b->failed) {
    if (b->used == BUNDLE_BUF) flush(b);
    size_t k = BUNDLE_BUF - b->used < n ? BUNDLE_BUF - b->used : n;
    memcpy(b->buf + b->used, s, k);
    b->used += k;
    s += k;
    n -= k;
  }
}

/* XALT's hash directory of a uuid: int(uuid[29:36], 16) mod 997, as %03d. */
static void hash_dir(char out[4], const char *uuid) {
  char tail[8];
  memcpy(tail, uuid + 29, 7);
  tail[7] = '\0';
  snprintf(out, 4, "%03lu", strtoul(tail, NULL, 16) % 997);
}

struct bundle *bundle_open(int spool_fd, enum xalt_spool_layout layout, const char *job, const char *host, const char *syshost, double now,
                           char *err, size_t n) {
  struct bundle *b = malloc(sizeof *b);
  if (!b) {
    snprintf(err, n, "out of memory");
    return NULL;
  }
  memset(b, 0, offsetof(struct bundle, buf));
  char uuid[XALT_UUID_LEN + 1], stamp[XALT_STAMP_MAX], month[8], hash[4], hostpart[XALT_FIELD_MAX];
  xalt_uuid7(uuid, now);
  xalt_fmt_stamp(stamp, sizeof stamp, now);
  xalt_fmt_month(month, sizeof month, now);
  hash_dir(hash, uuid);
  ship_name_part(hostpart, sizeof hostpart, host, 0);
  snprintf(b->name, sizeof b->name, "ship.%s.%s.%s.%s.%s.bundle", syshost, stamp, hostpart, job, uuid);
  snprintf(b->tmp, sizeof b->tmp, ".%s.new", b->name);

  int dfd = spool_fd, owned = -1;
  size_t rl = 0;
  const char *parts[2] = {layout == XALT_LAYOUT_MONTH_HASH ? month : hash, layout == XALT_LAYOUT_MONTH_HASH ? hash : NULL};
  int depth = layout == XALT_LAYOUT_FLAT ? 0 : layout == XALT_LAYOUT_HASH ? 1 : 2;
  for (int i = 0; i < depth; i++) {
    int sub = spool_subdir(dfd, parts[i], err, n);
    if (owned >= 0) close(owned);
    if (sub < 0) {
      free(b);
      return NULL;
    }
    dfd = owned = sub;
    rl += (size_t)snprintf(b->rel + rl, sizeof b->rel - rl, "%s/", parts[i]);
  }
  snprintf(b->rel + rl, sizeof b->rel - rl, "%s", b->name);
  b->dirfd = owned >= 0 ? owned : dup(spool_fd);
  b->fd = openat(b->dirfd, b->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (b->dirfd < 0 || b->fd < 0) {
    snprintf(err, n, "creating %s: %s", b->rel, strerror(errno));
    if (b->dirfd >= 0) close(b->dirfd);
    free(b);
    return NULL;
  }
  char head[SHIP_NAME_MAX];
  int hl = snprintf(head, sizeof head, "xalt-bundle 1 %s %s %lu\n", hostpart, job, (unsigned long)geteuid());
  put(b, head, (size_t)hl);
  return b;
}

int bundle_add(struct bundle *b, const struct ship_entry *e) {
  char head[SHIP_NAME_MAX + 64];
  int hl = snprintf(head, sizeof head, "%s %lu %s\n", e->name, (unsigned long)e->owner, e->flags);
  put(b, head, (size_t)hl);
  put(b, e->bytes, e->len);
  return b->failed ? -1 : 0;
}

static void discard(struct bundle *b) {
  close(b->fd);
  unlinkat(b->dirfd, b->tmp, 0);
  close(b->dirfd);
  free(b);
}

int bundle_commit(struct bundle *b, char *where, size_t wn, char *err, size_t n) {
  flush(b);
  if (!b->failed && fsync(b->fd) != 0) snprintf(b->err, sizeof b->err, "syncing %s: %s", b->rel, strerror(errno)), b->failed = 1;
  if (!b->failed && renameat(b->dirfd, b->tmp, b->dirfd, b->name) != 0)
    snprintf(b->err, sizeof b->err, "renaming %s: %s", b->rel, strerror(errno)), b->failed = 1;
  if (b->failed) {
    snprintf(err, n, "%s", b->err);
    discard(b);
    return -1;
  }
  fsync(b->dirfd); /* the rename itself, before the staging files go */
  snprintf(where, wn, "%s", b->rel);
  close(b->fd);
  close(b->dirfd);
  free(b);
  return 0;
}

void bundle_abort(struct bundle *b) { discard(b); }

const char *bundle_error(const struct bundle *b) { return b->err; }
