/*
 * state.c — the node's state directory ([ship] state_dir, /var/lib/xalt by default): the
 * executable-hash cache and the lock that keeps two shippers from working on one staging
 * directory at once. Never in a place users can write: the directory must be ours (root's)
 * and not writable by group or others, and everything in it is created O_CREAT|O_EXCL|
 * O_NOFOLLOW.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "ship.h"

#define LOCK_WAIT_MS 30000 /* the epilog waits this long for a timer run, then ships anyway */

int state_open(const char *dir, char *err, size_t n) {
  if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
    snprintf(err, n, "state directory %s: cannot create it (%s)", dir, strerror(errno));
    return -1;
  }
  int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  struct stat st;
  if (fd < 0) {
    snprintf(err, n, "state directory %s: %s", dir, errno == ELOOP || errno == ENOTDIR ? "not a directory (a symbolic link?)" : strerror(errno));
    return -1;
  }
  if (fstat(fd, &st) != 0 || st.st_uid != geteuid() || (st.st_mode & 022)) {
    snprintf(err, n, "state directory %s: not owned by uid %lu or writable by others", dir, (unsigned long)geteuid());
    close(fd);
    return -1;
  }
  return fd;
}

static int lock_file(int state_fd) {
  for (int tries = 0; tries < 3; tries++) {
    int fd = openat(state_fd, "lock", O_RDWR | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT) fd = openat(state_fd, "lock", O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0 && errno == EEXIST) continue; /* another shipper created it just now */
    if (fd < 0) return -1;
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid() && st.st_nlink == 1) return fd;
    close(fd);
    return -1;
  }
  return -1;
}

int state_lock(int state_fd, int wait) {
  int fd = lock_file(state_fd);
  if (fd < 0) return -1;
  for (int waited = 0;; waited += 10) {
    if (flock(fd, LOCK_EX | LOCK_NB) == 0) return 0; /* held until we exit */
    if (errno != EWOULDBLOCK || !wait) break;
    if (waited >= LOCK_WAIT_MS) break;
    struct timespec ts = {0, 10 * 1000 * 1000};
    nanosleep(&ts, NULL);
  }
  int busy = errno == EWOULDBLOCK;
  close(fd);
  return busy ? 1 : -1;
}
