/*
 * sha1.c — hash_id: SHA-1 of the executable, as XALT computes it, with a node-local cache
 * so a repeat run of an unchanged file costs a stat and a small read instead of hashing
 * megabytes. The cache lives in <tmpdir>/xalt_sha1.<uid>/ (0700, owned by the user, checked
 * with lstat before use), one file per device+inode holding "size mtime sha1": another
 * user cannot write into it, and a stale entry never matches a changed file.
 * signal-safe: yes (open/read/mmap only). allocates: yes (mmap of the executable).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h> /* rename() only */
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#define XALT_CACHE_LINE 160 /* "size sec.nsec sha1\n": three numbers and 40 hex */

struct sha1_ctx {
  uint32_t h[5];
  uint64_t bytes;
  unsigned char block[64];
  size_t fill;
};

static uint32_t rol(uint32_t x, int n) { return (x << n) | (x >> (32 - n)); }

XALT_COLD static void sha1_block(uint32_t h[5], const unsigned char *p) {
  uint32_t w[80];
  for (int i = 0; i < 16; i++) w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
  for (int i = 16; i < 80; i++) w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
  uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
  for (int i = 0; i < 80; i++) {
    uint32_t f, k;
    if (i < 20) { f = (b & c) | (~b & d); k = 0x5A827999; }
    else if (i < 40) { f = b ^ c ^ d; k = 0x6ED9EBA1; }
    else if (i < 60) { f = (b & c) | (b & d) | (c & d); k = 0x8F1BBCDC; }
    else { f = b ^ c ^ d; k = 0xCA62C1D6; }
    uint32_t t = rol(a, 5) + f + e + k + w[i];
    e = d; d = c; c = rol(b, 30); b = a; a = t;
  }
  h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e;
}

XALT_COLD void xalt_sha1(const unsigned char *data, size_t n, unsigned char digest[20]) {
  struct sha1_ctx c = {{0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0}, 0, {0}, 0};
  size_t i = 0;
  for (; i + 64 <= n; i += 64) sha1_block(c.h, data + i);
  c.fill = n - i;
  memcpy(c.block, data + i, c.fill);
  c.bytes = (uint64_t)n * 8;
  c.block[c.fill++] = 0x80;
  if (c.fill > 56) {
    memset(c.block + c.fill, 0, 64 - c.fill);
    sha1_block(c.h, c.block);
    c.fill = 0;
  }
  memset(c.block + c.fill, 0, 56 - c.fill);
  for (int k = 0; k < 8; k++) c.block[56 + k] = (unsigned char)(c.bytes >> (56 - 8 * k));
  sha1_block(c.h, c.block);
  for (int k = 0; k < 20; k++) digest[k] = (unsigned char)(c.h[k / 4] >> (24 - 8 * (k % 4)));
}

void xalt_pkg_unique(const char *run_uuid, const char *package, size_t len, char out[13]) {
  char mem[1024]; /* a uuid and a package name; a longer line (xalt-ship names unreadable ones by it) is mapped */
  struct xalt_jbuf b;
  unsigned char d[20];
  xalt_jbuf_init_mem(&b, mem, sizeof mem);
  xalt_jbuf_puts(&b, run_uuid);
  xalt_jbuf_put(&b, "\n", 1);
  xalt_jbuf_put(&b, package, len);
  xalt_sha1((const unsigned char *)b.p, b.failed ? 0 : b.len, d);
  xalt_jbuf_free(&b);
  xalt_hex(d, 6, out, 13);
}

/* Append the decimal of v to p; returns the new end. */
static char *put_u(char *p, unsigned long long v) { return p + xalt_fmt_long(p, (long long)v); }

static int xalt_cache_dir_check(char *dir, size_t n, const char *tmpdir, uid_t uid);

const char *xalt_cache_dir_path(const char *tmpdir, uid_t uid) {
  /* Checked once per process: the hash cache and the ptA cache both live there. */
  struct xalt_run_state *r = &xalt_run;
  if (!r->cache_dir_state && !r->pool_open) {
    r->cache_dir_state = xalt_cache_dir_check(xalt_pool_tail(), XALT_PATH_MAX, tmpdir, uid) == 0 ? 1 : -1;
    if (r->cache_dir_state > 0) r->cache_dir = xalt_pool_commit();
  }
  return r->cache_dir_state > 0 ? r->cache_dir : NULL;
}

static int xalt_cache_dir_check(char *dir, size_t n, const char *tmpdir, uid_t uid) {
  size_t tl = strlen(tmpdir);
  if (!tl || tl + 40 > n) return -1;
  char *p = dir;
  memcpy(p, tmpdir, tl); p += tl;
  memcpy(p, "/xalt_sha1.", 11); p += 11;
  p = put_u(p, uid);
  *p = '\0';
  struct stat st;
  int rc = xalt_fstatat(AT_FDCWD, dir, &st, AT_SYMLINK_NOFOLLOW);
  if (rc != 0) {
    if (rc != -ENOENT || xalt_mkdir(dir, 0700) != 0 || xalt_fstatat(AT_FDCWD, dir, &st, AT_SYMLINK_NOFOLLOW) != 0) return -1;
  }
  return (S_ISDIR(st.st_mode) && st.st_uid == uid && (st.st_mode & 077) == 0) ? 0 : -1;
}

/* The cache line describing the file `st` (without the hash). */
static size_t key_line(char *out, const struct stat *st) {
  char *p = out;
  p = put_u(p, (unsigned long long)st->st_size); *p++ = ' ';
  p = put_u(p, (unsigned long long)st->st_mtim.tv_sec); *p++ = '.';
  p = put_u(p, (unsigned long long)st->st_mtim.tv_nsec); *p++ = ' ';
  return (size_t)(p - out);
}

XALT_COLD static int cache_lookup(const char *entry, const char *key, size_t kl, uid_t uid, char out[41]) {
  int fd = xalt_open(entry, O_RDONLY | O_NOFOLLOW | O_CLOEXEC, 0);
  if (fd < 0) return -1;
  struct stat st;
  char line[XALT_CACHE_LINE];
  long r = (xalt_fstatat(fd, "", &st, AT_EMPTY_PATH) == 0 && S_ISREG(st.st_mode) && st.st_uid == uid) ? xalt_read(fd, line, sizeof line) : -1;
  xalt_close(fd);
  if (r != (long)(kl + 41) || memcmp(line, key, kl) != 0 || line[kl + 40] != '\n') return -1;
  for (size_t i = 0; i < 40; i++) {
    char c = line[kl + i];
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return -1;
  }
  memcpy(out, line + kl, 40);
  out[40] = '\0';
  return 0;
}

/* Store under `entry`, whose first `dl` bytes are the cache directory. */
XALT_COLD static void cache_store(const char *entry, size_t dl, const char *key, size_t kl, const char sha[41]) {
  char tmp[XALT_PATH_MAX + 64], line[XALT_CACHE_LINE];
  memcpy(tmp, entry, dl);
  memcpy(tmp + dl, "/.new.", 6);
  put_u(tmp + dl + 6, (unsigned long long)xalt_getpid());
  memcpy(line, key, kl);
  memcpy(line + kl, sha, 40);
  line[kl + 40] = '\n';
  int fd = xalt_open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return;
  int ok = xalt_write(fd, line, kl + 41) == (long)(kl + 41);
  xalt_close(fd);
  if (!ok || xalt_rename(tmp, entry) != 0) xalt_unlink(tmp);
}

XALT_COLD static int hash_fd(int fd, const struct stat *st, char out[41]) {
  unsigned char d[20];
  if (st->st_size == 0) { xalt_sha1((const unsigned char *)"", 0, d); xalt_hex(d, 20, out, 41); return 0; }
  void *m = mmap(NULL, (size_t)st->st_size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (m == MAP_FAILED) return -1;
  xalt_sha1(m, (size_t)st->st_size, d);
  munmap(m, (size_t)st->st_size);
  xalt_hex(d, 20, out, 41);
  return 0;
}

XALT_COLD int xalt_sha1_file_cached(const char *path, const struct stat *exe, const char *tmpdir, uid_t uid, char out[41]) {
  struct stat st = *exe;
  if (!S_ISREG(st.st_mode)) return -1;
  char key[XALT_CACHE_LINE];
  size_t kl = key_line(key, &st);
  const char *dir = xalt_cache_dir_path(tmpdir, uid);
  /* "<dir>/<dev>.<ino>", written at the pool's tail and not kept (stack pages cost faults). */
  char *entry = xalt_pool_tail();
  size_t dl = dir ? strlen(dir) : 0;
  if (dir && dl + 48 < XALT_PATH_MAX) {
    memcpy(entry, dir, dl);
    char *p = entry + dl;
    *p++ = '/';
    p = put_u(p, (unsigned long long)st.st_dev); *p++ = '.';
    p = put_u(p, (unsigned long long)st.st_ino);
    *p = '\0';
    if (cache_lookup(entry, key, kl, uid, out) == 0) return 0;
  } else {
    dir = NULL;
  }
  int fd = xalt_open(path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0) return -1;
  /* Hash what we opened; key the cache by it too, in case the file changed since `exe`. */
  int rc = (xalt_fstatat(fd, "", &st, AT_EMPTY_PATH) == 0 && S_ISREG(st.st_mode)) ? hash_fd(fd, &st, out) : -1;
  xalt_close(fd);
  kl = key_line(key, &st);
  if (rc == 0 && dir) cache_store(entry, dl, key, kl, out);
  return rc;
}
