/*
 * owner.c — the owner of a staging file is the truth about who ran it (contracts.md): their
 * login name goes into the record file names, a record naming someone else is flagged, and
 * the executable is read with their file-system identity (setfsuid/setfsgid and their
 * groups), so root never reads a file for a user that the user could not read.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <unistd.h>

#include "ship.h"

#define OWNER_CACHE 64 /* distinct owners remembered per call: a job has one, a timer a few */

static struct owner owners[OWNER_CACHE];
static int nowners;

static void lookup(struct owner *o) {
  char buf[16384];
  struct passwd pw, *res = NULL;
  o->gid = (gid_t)-1;
  snprintf(o->name, sizeof o->name, "%lu", (unsigned long)o->uid);
  if (getpwuid_r(o->uid, &pw, buf, sizeof buf, &res) != 0 || !res) return;
  o->known = 1;
  o->gid = pw.pw_gid;
  ship_name_part(o->name, sizeof o->name, pw.pw_name, 1);
  int n = 32;
  for (int tries = 0; tries < 4; tries++) {
    gid_t *g = malloc(sizeof *g * (size_t)n);
    if (!g) return;
    int got = n;
    if (getgrouplist(pw.pw_name, pw.pw_gid, g, &got) >= 0) {
      o->groups = g;
      o->ngroups = got;
      return;
    }
    free(g);
    n = got > n ? got : n * 4;
  }
}

const struct owner *owner_of(uid_t uid) {
  for (int i = 0; i < nowners; i++)
    if (owners[i].uid == uid) return &owners[i];
  static struct owner spill; /* beyond the cache: looked up again each time */
  struct owner *o = nowners < OWNER_CACHE ? &owners[nowners++] : &spill;
  free(o == &spill ? o->groups : NULL);
  memset(o, 0, sizeof *o);
  o->uid = uid;
  lookup(o);
  return o;
}

int owner_matches(const struct owner *o, const char *user) {
  char num[24];
  snprintf(num, sizeof num, "%lu", (unsigned long)o->uid);
  return !strcmp(user, num) || (o->known && !strcmp(user, o->name));
}

static int switched;
static gid_t *saved_groups;
static int nsaved = -1;

int owner_become(const struct owner *o) {
  if (geteuid() != 0) return o->uid == geteuid() ? 0 : -1;
  if (!o->known || o->uid == 0) return o->uid == 0 ? 0 : -1; /* an unknown uid has no groups to use */
  if (nsaved < 0) {
    int n = getgroups(0, NULL);
    saved_groups = malloc(sizeof(gid_t) * (size_t)(n > 0 ? n : 1));
    if (!saved_groups || (n = getgroups(n, saved_groups)) < 0) return -1;
    nsaved = n;
  }
  switched = 1;
  if (setgroups((size_t)o->ngroups, o->groups) != 0) { owner_restore(); return -1; }
  setfsgid(o->gid);
  setfsuid(o->uid);
  /* set*fsid report the previous value, not errors: read back what is in force */
  if ((uid_t)setfsuid((uid_t)-1) != o->uid || (gid_t)setfsgid((gid_t)-1) != o->gid) { owner_restore(); return -1; }
  return 0;
}

void owner_restore(void) {
  if (!switched) return;
  setfsuid(geteuid());
  setfsgid(getegid());
  if (nsaved >= 0) setgroups((size_t)nsaved, saved_groups);
  switched = 0;
}

int owner_has_processes(uid_t uid) {
  static uid_t *uids;
  static size_t n;
  static int loaded, usable;
  if (!loaded) { /* once per call: the owners of /proc/<pid> */
    loaded = 1;
    DIR *d = opendir("/proc");
    size_t cap = 0;
    struct dirent *e;
    while (d && (e = readdir(d))) {
      struct stat st;
      if (e->d_name[0] < '1' || e->d_name[0] > '9' || fstatat(dirfd(d), e->d_name, &st, 0) != 0) continue;
      if (n == cap) {
        uid_t *p = realloc(uids, sizeof *p * (cap = cap ? cap * 2 : 256));
        if (!p) break;
        uids = p;
      }
      uids[n++] = st.st_uid;
    }
    usable = d != NULL;
    if (d) closedir(d);
  }
  if (!usable) return 1; /* cannot tell: assume the job may still run */
  for (size_t i = 0; i < n; i++)
    if (uids[i] == uid) return 1;
  return 0;
}
