/*
 * spool.c — the shared spool is root's (contracts.md "Spool"): the prefix and every directory
 * below it owned by us (root; the caller when not run as root) and not writable by group or
 * others. Directories are opened with O_DIRECTORY|O_NOFOLLOW from their parent's descriptor
 * and checked by fstat of what was opened, so a symbolic link planted anywhere (or a
 * directory swapped for one mid-ship) is refused rather than followed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "ship.h"

/* 0 when `fd` is a directory we own that group and others cannot write. */
static int trusted_dir(int fd) {
  struct stat st;
  return fstat(fd, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == geteuid() && !(st.st_mode & 022) ? 0 : -1;
}

static const char *why_not(int err) {
  return err == ELOOP || err == ENOTDIR ? "a symbolic link or not a directory" : strerror(err);
}

/* `path` (relative to `dfd`) opened as a directory, never through a symlink, and kept only
 * when it is trusted; else -1 with the reason in `err`, `what` naming it there. */
static int open_trusted(int dfd, const char *path, const char *what, char *err, size_t n) {
  int fd = openat(dfd, path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    snprintf(err, n, "%s %s: %s", what, path, why_not(errno));
    return -1;
  }
  if (trusted_dir(fd) != 0) {
    snprintf(err, n, "%s %s is not owned by %s or is writable by group or others", what, path, geteuid() ? "the caller" : "root");
    close(fd);
    return -1;
  }
  return fd;
}

int spool_open(const char *prefix, char *err, size_t n) {
  return open_trusted(AT_FDCWD, prefix, "spool", err, n);
}

int spool_subdir(int dfd, const char *name, char *err, size_t n) {
  int created = mkdirat(dfd, name, 0755) == 0;
  if (!created && errno != EEXIST) {
    snprintf(err, n, "spool directory %s: %s", name, strerror(errno));
    return -1;
  }
  int fd = open_trusted(dfd, name, "spool directory", err, n);
  if (fd < 0) return -1;
  if (created) fchmod(fd, 0755); /* whatever the umask: ingest reads it, nobody else writes it */
  return fd;
}
