/*
 * staging.c — the node-local staging directory ([spool] tmpdir): listing it, and opening
 * and reading one file the way root must read what a user wrote (contracts.md "xalt-ship"
 * step 1): openat with O_NOFOLLOW|O_NONBLOCK from the directory's descriptor, then fstat of
 * what was opened — a regular file, one link, at most 64 MiB, owned by the uid its name
 * carries. Nothing is checked and then used by name; only the final unlink goes by name,
 * and only while the name still holds the file that was read.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ship.h"

const char *const refusal_names[REFUSE_COUNT] = {
  "", "bad name", "symlink", "not a regular file", "hard link", "too large", "wrong owner", "unreadable", "malformed",
};

int staging_open(const char *path, char *err, size_t n) {
  int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  struct stat st;
  if (fd < 0) {
    snprintf(err, n, "staging directory %s: %s", path, errno == ELOOP || errno == ENOTDIR ? "not a directory (a symbolic link?)" : strerror(errno));
    return -1;
  }
  /* Others may write it (/dev/shm is 1777) only with the sticky bit, which keeps them from
   * renaming or removing one another's files. */
  if (fstat(fd, &st) != 0 || (st.st_uid != 0 && st.st_uid != geteuid()) || ((st.st_mode & 022) && !(st.st_mode & S_ISVTX))) {
    snprintf(err, n, "staging directory %s: not owned by root, or writable by others without the sticky bit", path);
    close(fd);
    return -1;
  }
  return fd;
}

/* 1 when `o` wants files of this name (job and uid), before anything is opened. */
static int selected(const struct ship_opts *o, const struct staged_name *sn) {
  if (o->have_uid && sn->uid != o->uid) return 0;
  return !o->job_mode || !strcmp(sn->job, o->job);
}

size_t staging_list(int dfd, const struct ship_opts *o, struct staged **out, unsigned long refused[REFUSE_COUNT]) {
  *out = NULL;
  int d2 = dup(dfd); /* fdopendir takes the descriptor over */
  DIR *dir = d2 >= 0 ? fdopendir(d2) : NULL;
  if (!dir) {
    if (d2 >= 0) close(d2);
    return 0;
  }
  size_t count = 0, cap = 0;
  struct dirent *e;
  while ((e = readdir(dir))) {
    if (e->d_name[0] != 'x') continue; /* cheap: everything of ours starts with "xalt_" */
    struct staged_name sn;
    int rc = ship_parse_staged_name(e->d_name, &sn);
    if (rc > 0) continue;
    if (rc < 0) { /* counted when it may be this call's (its uid and job parsed and match) */
      if (sn.uid != (uid_t)-1 && sn.job[0] && selected(o, &sn)) refused[REFUSE_NAME]++;
      else if (!o->job_mode && !o->have_uid) refused[REFUSE_NAME]++;
      continue;
    }
    if (!selected(o, &sn)) continue;
    if (count == cap) {
      size_t ncap = cap ? cap * 2 : 64;
      struct staged *p = realloc(*out, ncap * sizeof *p);
      if (!p) break;
      *out = p;
      cap = ncap;
    }
    struct staged *f = &(*out)[count];
    memset(f, 0, sizeof *f);
    if (!(f->name = strdup(e->d_name))) break;
    f->n = sn;
    count++;
  }
  closedir(dir);
  return count;
}

int staging_peek(int dfd, const struct staged *f, struct stat *st) { return fstatat(dfd, f->name, st, AT_SYMLINK_NOFOLLOW); }

static enum refusal check(const struct stat *st, const struct staged *f) {
  if (S_ISLNK(st->st_mode)) return REFUSE_SYMLINK;
  if (!S_ISREG(st->st_mode)) return REFUSE_NOT_REGULAR;
  if (st->st_nlink != 1) return REFUSE_HARD_LINK;
  if (st->st_uid != f->n.uid) return REFUSE_OWNER;
  if (st->st_size > SHIP_FILE_MAX) return REFUSE_TOO_LARGE;
  return REFUSE_NONE;
}

int staging_read(int dfd, struct staged *f) {
  int fd = openat(dfd, f->name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) {
    f->refused = errno == ELOOP ? REFUSE_SYMLINK : errno == ENOENT ? REFUSE_NONE : REFUSE_UNREADABLE;
    if (errno == ENOENT) f->ship = 0; /* gone since the listing (its writer renamed it away) */
    return -1;
  }
  if (fstat(fd, &f->st) != 0) {
    f->refused = REFUSE_UNREADABLE;
  } else {
    f->refused = check(&f->st, f);
  }
  if (f->refused) {
    close(fd);
    return -1;
  }
  /* Read to the end, whatever fstat said: it may still grow (a pkg file being appended). */
  size_t cap = (size_t)f->st.st_size + 1, len = 0;
  char *buf = malloc(cap + 1);
  for (ssize_t r = 1; buf && r > 0;) {
    if (len == cap) {
      if (cap > (size_t)SHIP_FILE_MAX) { f->refused = REFUSE_TOO_LARGE; break; }
      char *nb = realloc(buf, cap * 2 + 1);
      if (!nb) break;
      buf = nb;
      cap *= 2;
    }
    r = read(fd, buf + len, cap - len);
    if (r > 0) len += (size_t)r;
    else if (r < 0 && errno == EINTR) r = 1;
    else if (r < 0) f->refused = REFUSE_UNREADABLE;
  }
  close(fd);
  if (!buf || f->refused) {
    if (!f->refused) f->refused = REFUSE_UNREADABLE;
    free(buf);
    return -1;
  }
  buf[len] = '\0';
  f->data = buf;
  f->len = len;
  return 0;
}

void staging_remove(int dfd, const struct staged *f) {
  struct stat st;
  if (fstatat(dfd, f->name, &st, AT_SYMLINK_NOFOLLOW) != 0) return;
  if (st.st_dev != f->st.st_dev || st.st_ino != f->st.st_ino) return; /* replaced since: not ours to remove */
  unlinkat(dfd, f->name, 0);
}
