/*
 * hash.c — hash_id: the SHA-1 of the executable, as XALT computes it, moved off the user's
 * exec path into the shipper (contracts.md "xalt-ship" step 2).
 *
 * The record names the executable (userT.exec_path) and its identity as the collector saw it
 * (userT.exec_identity "<st_dev>:<st_ino>:<st_size>:<st_mtime>"). Both are the user's words,
 * so the file is opened with the owner's file-system identity (owner.c): O_PATH|O_NOFOLLOW
 * first, so nothing but a regular file is ever opened for reading (a FIFO or a device never
 * is), then re-opened through /proc/self/fd for reading, and hashed only when what was opened
 * matches the identity. A user thus learns the hash of nothing she could not read herself.
 *
 * The node cache (<state_dir>/sha1/, root-only 0700) holds one entry per executable,
 * "<dev>.<ino>" -> "<size> <mtime> <ctime> <sha1>\n": an entry is used only while the file's
 * size, mtime and ctime are unchanged, so a job running one executable 1000 times hashes it
 * once, and so does the next job. Within one call, an identity a user has already proved she
 * can open is not opened again.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ship.h"

#define CACHE_LINE 128 /* "size sec.nsec sec.nsec sha1\n": three numbers and 40 hex */
#define MEMO_MAX 256   /* distinct (user, executable) pairs remembered in one call */

unsigned long hash_hits, hash_misses;

struct identity {
  unsigned long long dev, ino, size, mtime;
};

static struct {
  uid_t uid;
  struct identity id;
  char sha[41];
} memo[MEMO_MAX];
static int nmemo;

static int parse_identity(const char *s, struct identity *id) {
  unsigned long long v[4];
  for (int k = 0; k < 4; k++) {
    char *end;
    if (*s < '0' || *s > '9') return -1;
    errno = 0;
    v[k] = strtoull(s, &end, 10);
    if (errno || *end != (k < 3 ? ':' : '\0')) return -1;
    s = end + (k < 3);
  }
  id->dev = v[0]; id->ino = v[1]; id->size = v[2]; id->mtime = v[3];
  return 0;
}

static int matches(const struct stat *st, const struct identity *id) {
  return S_ISREG(st->st_mode) && (unsigned long long)st->st_dev == id->dev && (unsigned long long)st->st_ino == id->ino &&
         (unsigned long long)st->st_size == id->size && (unsigned long long)st->st_mtim.tv_sec == id->mtime;
}

int hash_cache_open(int state_fd) {
  if (state_fd < 0) return -1;
  if (mkdirat(state_fd, "sha1", 0700) != 0 && errno != EEXIST) return -1;
  int fd = openat(state_fd, "sha1", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  struct stat st;
  if (fd < 0) return -1;
  if (fstat(fd, &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 077)) {
    close(fd);
    return -1;
  }
  return fd;
}

/* The cache entry's name and the line it must hold for the file `st` (without the hash). */
static size_t cache_key(const struct stat *st, char name[64], char line[CACHE_LINE]) {
  snprintf(name, 64, "%llu.%llu", (unsigned long long)st->st_dev, (unsigned long long)st->st_ino);
  return (size_t)snprintf(line, CACHE_LINE, "%llu %lld.%09ld %lld.%09ld ", (unsigned long long)st->st_size,
                          (long long)st->st_mtim.tv_sec, st->st_mtim.tv_nsec, (long long)st->st_ctim.tv_sec, st->st_ctim.tv_nsec);
}

static int cache_get(int cfd, const char *name, const char *key, size_t kl, char out[41]) {
  char line[CACHE_LINE];
  struct stat st;
  int fd = openat(cfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t r = (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid()) ? read(fd, line, sizeof line) : -1;
  close(fd);
  if (r != (ssize_t)(kl + 41) || memcmp(line, key, kl) != 0 || line[kl + 40] != '\n') return -1;
  for (size_t i = 0; i < 40; i++)
    if (!((line[kl + i] >= '0' && line[kl + i] <= '9') || (line[kl + i] >= 'a' && line[kl + i] <= 'f'))) return -1;
  memcpy(out, line + kl, 40);
  out[40] = '\0';
  return 0;
}

static void cache_put(int cfd, const char *name, const char *key, const char sha[41]) {
  char tmp[96], line[CACHE_LINE + 48];
  snprintf(tmp, sizeof tmp, ".new.%ld", (long)getpid());
  int n = snprintf(line, sizeof line, "%s%s\n", key, sha);
  int fd = openat(cfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0 && errno == EEXIST && unlinkat(cfd, tmp, 0) == 0) /* left by a shipper that died */
    fd = openat(cfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return;
  int ok = write(fd, line, (size_t)n) == n;
  close(fd);
  if (!ok || renameat(cfd, tmp, cfd, name) != 0) unlinkat(cfd, tmp, 0);
}

/* A file truncated while it is mapped raises SIGBUS on the next page read: give that file up
 * instead of failing the epilog. */
static sigjmp_buf bus_jump;
static void on_bus(int sig) {
  (void)sig;
  siglongjmp(bus_jump, 1);
}

static int sha1_fd(int fd, size_t size, char out[41]) {
  unsigned char d[20];
  if (size == 0) {
    xalt_sha1((const unsigned char *)"", 0, d);
    xalt_hex(d, 20, out, 41);
    return 0;
  }
  void *m = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (m == MAP_FAILED) return -1;
  struct sigaction sa, old;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_bus;
  sigaction(SIGBUS, &sa, &old);
  volatile int rc = -1;
  if (sigsetjmp(bus_jump, 1) == 0) {
    xalt_sha1(m, size, d);
    rc = 0;
  }
  sigaction(SIGBUS, &old, NULL);
  munmap(m, size);
  if (rc == 0) xalt_hex(d, 20, out, 41);
  return rc;
}

/* Open `path` for reading as `o`, only if it is the regular file `id` names; -1 otherwise. */
static int open_as_owner(const char *path, const struct identity *id, const struct owner *o) {
  if (owner_become(o) != 0) return -1;
  int fd = -1, pfd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  struct stat st;
  if (pfd >= 0 && fstat(pfd, &st) == 0 && matches(&st, id)) {
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", pfd);
    fd = open(proc, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT) /* no /proc: by name again, checked below */
      fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  }
  owner_restore();
  if (pfd >= 0) close(pfd);
  if (fd >= 0 && (fstat(fd, &st) != 0 || !matches(&st, id))) {
    close(fd);
    fd = -1;
  }
  return fd;
}

int hash_executable(const char *path, const char *identity, const struct owner *o, int cache_fd, char out[41]) {
  struct identity id;
  if (path[0] != '/' || parse_identity(identity, &id) != 0 || id.size > (unsigned long long)SHIP_HASH_MAX) return -1;
  for (int i = 0; i < nmemo; i++)
    if (memo[i].uid == o->uid && !memcmp(&memo[i].id, &id, sizeof id)) {
      memcpy(out, memo[i].sha, 41);
      hash_hits++;
      return 0;
    }
  int fd = open_as_owner(path, &id, o);
  if (fd < 0) return -1;
  struct stat st, after;
  char name[64], key[CACHE_LINE];
  int rc = fstat(fd, &st);
  size_t kl = cache_key(&st, name, key);
  if (rc == 0 && cache_fd >= 0 && cache_get(cache_fd, name, key, kl, out) == 0) {
    hash_hits++;
  } else if (rc == 0 && (rc = sha1_fd(fd, (size_t)st.st_size, out)) == 0) {
    /* changed while we read it: the hash may mix two versions, so keep neither */
    if (fstat(fd, &after) != 0 || after.st_size != st.st_size || after.st_mtim.tv_sec != st.st_mtim.tv_sec ||
        after.st_mtim.tv_nsec != st.st_mtim.tv_nsec || after.st_ctim.tv_sec != st.st_ctim.tv_sec || after.st_ctim.tv_nsec != st.st_ctim.tv_nsec)
      rc = -1;
    else if (cache_fd >= 0)
      cache_put(cache_fd, name, key, out);
    hash_misses++;
  }
  close(fd);
  if (rc == 0 && nmemo < MEMO_MAX) {
    memo[nmemo].uid = o->uid;
    memo[nmemo].id = id;
    memcpy(memo[nmemo].sha, out, 41);
    nmemo++;
  }
  return rc;
}
