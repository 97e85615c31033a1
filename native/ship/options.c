/*
 * options.c — xalt-ship's command line (docs/ship.md). Defaults come from the site config
 * compiled in (native/gen/site_config.c); the job, its uid and user from the options or the
 * variables Slurm's Epilog sets (SLURM_JOB_ID, SLURM_JOB_UID, SLURM_JOB_USER). XALT_*
 * variables are never read: a root program must not be steered by the environment.
 */
#define _GNU_SOURCE
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ship.h"

static const char USAGE[] =
  "usage: xalt-ship [--job ID] [--uid UID] [--user NAME] [--job-state STATE] [--tmpdir DIR] [--spool DIR]\n"
  "                 [--layout month/hash|hash|flat] [--state-dir DIR] [--transport ship|syslog]\n"
  "                 [--syslog-socket PATH] [--max-age-hours N] [-q|--quiet] [--help]\n"
  "\n"
  "Moves the records staged on this node into the shared spool (one bundle per job) or syslog.\n"
  "  --job ID            job mode (the epilog): ship job ID's files and close its runs that never\n"
  "                      ended (default $SLURM_JOB_ID; without a job: timer mode)\n"
  "  --uid UID           only files of this uid (default $SLURM_JOB_UID, or the uid of --user)\n"
  "  --user NAME         the job's user (default $SLURM_JOB_USER)\n"
  "  --job-state STATE   how the scheduler ended the job (COMPLETED, FAILED, TIMEOUT, CANCELLED, ...),\n"
  "                      recorded in the runs it closes\n"
  "  --tmpdir DIR        node-local staging directory (default: site config [spool] tmpdir)\n"
  "  --spool DIR         shared spool prefix (default: [spool] prefix)\n"
  "  --layout L          spool layout (default: [spool] layout)\n"
  "  --state-dir DIR     root-only state: hash cache, lock (default: [ship] state_dir)\n"
  "  --transport T       ship (bundle files) or syslog (XALT's V:4 lines) (default: [spool] transport)\n"
  "  --syslog-socket P   the log socket for --transport syslog (default /dev/log)\n"
  "  --max-age-hours N   timer mode also ships files staged longer than this (default: [ship] max_age_hours)\n"
  "  -q, --quiet         print only problems\n"
  "Job mode always exits 0 (a failing epilog drains the node) and prints one line per job.\n";

/* The value of option `name` at argv[*i] ("--name value" or "--name=value"), or NULL. */
static const char *value_of(int argc, char **argv, int *i, const char *name, int *missing) {
  const char *a = argv[*i];
  size_t n = strlen(name);
  if (strncmp(a, name, n) != 0) return NULL;
  if (a[n] == '=') return a + n + 1;
  if (a[n] != '\0') return NULL;
  if (*i + 1 >= argc) {
    *missing = 1;
    return NULL;
  }
  return argv[++*i];
}

/* [A-Za-z0-9_-] kept, anything else '_' (contracts.md: the job as staging names carry it). */
static void clean_job(char *out, size_t n, const char *s) {
  size_t o = 0;
  for (; *s && o + 1 < n; s++) {
    char c = *s;
    out[o++] = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ? c : '_';
  }
  out[o] = '\0';
}

static int parse_uid(const char *s, uid_t *uid) {
  char *end;
  unsigned long v = strtoul(s, &end, 10);
  if (!*s || *s == '-' || *end || v > 0xFFFFFFFEUL) return -1;
  *uid = (uid_t)v;
  return 0;
}

static int parse_layout(const char *s, enum xalt_spool_layout *l) {
  if (!strcmp(s, "month/hash")) *l = XALT_LAYOUT_MONTH_HASH;
  else if (!strcmp(s, "hash")) *l = XALT_LAYOUT_HASH;
  else if (!strcmp(s, "flat")) *l = XALT_LAYOUT_FLAT;
  else return -1;
  return 0;
}

static void defaults(struct ship_opts *o) {
  const struct xalt_site_config *c = &xalt_site_config;
  memset(o, 0, sizeof *o);
  o->tmpdir = c->tmpdir && *c->tmpdir ? c->tmpdir : "/dev/shm";
  o->spool = c->spool_prefix && *c->spool_prefix && strcmp(c->spool_prefix, "USE_HOME") ? c->spool_prefix : NULL;
  o->layout = c->spool_layout;
  o->state_dir = c->ship_state_dir && *c->ship_state_dir ? c->ship_state_dir : "/var/lib/xalt";
  o->transport = c->transport == XALT_TRANSPORT_SYSLOG ? SHIP_TRANSPORT_SYSLOG : SHIP_TRANSPORT_BUNDLE;
  o->syslog_socket = "/dev/log";
  o->max_age = (c->ship_max_age_hours > 0 ? c->ship_max_age_hours : 24) * 3600.0;
}

int ship_argv_job_mode(int argc, char **argv) {
  for (int i = 1; i < argc; i++)
    if (!strcmp(argv[i], "--job") || !strncmp(argv[i], "--job=", 6)) return 1;
  const char *j = getenv("SLURM_JOB_ID");
  return j && *j;
}

int ship_parse_options(int argc, char **argv, struct ship_opts *o, char *err, size_t n) {
  const char *job = NULL, *uid = NULL, *user = NULL, *v;
  defaults(o);
  for (int i = 1; i < argc; i++) {
    int missing = 0;
    const char *a = argv[i];
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      fputs(USAGE, stdout);
      return 1;
    } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
      o->quiet = 1;
    } else if ((v = value_of(argc, argv, &i, "--job", &missing))) {
      job = v;
    } else if ((v = value_of(argc, argv, &i, "--uid", &missing))) {
      uid = v;
    } else if ((v = value_of(argc, argv, &i, "--user", &missing))) {
      user = v;
    } else if ((v = value_of(argc, argv, &i, "--job-state", &missing))) {
      ship_name_part(o->job_state, sizeof o->job_state, v, 0);
    } else if ((v = value_of(argc, argv, &i, "--tmpdir", &missing))) {
      o->tmpdir = v;
    } else if ((v = value_of(argc, argv, &i, "--spool", &missing))) {
      o->spool = v;
    } else if ((v = value_of(argc, argv, &i, "--layout", &missing))) {
      if (parse_layout(v, &o->layout) != 0) return snprintf(err, n, "--layout %s: expected month/hash, hash or flat", v), -1;
    } else if ((v = value_of(argc, argv, &i, "--state-dir", &missing))) {
      o->state_dir = v;
    } else if ((v = value_of(argc, argv, &i, "--transport", &missing))) {
      if (!strcmp(v, "ship")) o->transport = SHIP_TRANSPORT_BUNDLE;
      else if (!strcmp(v, "syslog")) o->transport = SHIP_TRANSPORT_SYSLOG;
      else return snprintf(err, n, "--transport %s: expected ship or syslog", v), -1;
    } else if ((v = value_of(argc, argv, &i, "--syslog-socket", &missing))) {
      o->syslog_socket = v;
    } else if ((v = value_of(argc, argv, &i, "--max-age-hours", &missing))) {
      char *end;
      double h = strtod(v, &end);
      if (!*v || *end || !(h >= 0) || h > 1e6) return snprintf(err, n, "--max-age-hours %s: expected a number of hours", v), -1;
      o->max_age = h * 3600.0;
    } else {
      return snprintf(err, n, missing ? "%s needs a value (see --help)" : "unknown option %s (see --help)", a), -1;
    }
    if (missing) return snprintf(err, n, "%s needs a value (see --help)", a), -1;
  }
  if (!job && (v = getenv("SLURM_JOB_ID")) && *v) job = v;
  if (!uid && job && (v = getenv("SLURM_JOB_UID")) && *v) uid = v;
  if (!user && job && (v = getenv("SLURM_JOB_USER")) && *v) user = v;
  if (job) {
    clean_job(o->job, sizeof o->job, job);
    if (!o->job[0]) return snprintf(err, n, "--job: an empty job id"), -1;
    o->job_mode = 1;
  } else {
    snprintf(o->job, sizeof o->job, "none");
  }
  if (uid && parse_uid(uid, &o->uid) != 0) return snprintf(err, n, "--uid %s: expected a numeric uid", uid), -1;
  if (user) ship_name_part(o->user, sizeof o->user, user, 1);
  if (!uid && user) {
    struct passwd *pw = getpwnam(user);
    if (!pw) return snprintf(err, n, "--user %s: no such user", o->user), -1;
    o->uid = pw->pw_uid;
  }
  o->have_uid = uid || user;
  if (geteuid() != 0) { /* without root: only the caller's own files */
    if (o->have_uid && o->uid != geteuid())
      return snprintf(err, n, "only root ships other users' files (uid %lu asked, running as %lu)", (unsigned long)o->uid, (unsigned long)geteuid()), -1;
    o->have_uid = 1;
    o->uid = geteuid();
  }
  if (o->transport == SHIP_TRANSPORT_BUNDLE && !o->spool) return snprintf(err, n, "no spool prefix: give --spool (the site config has none)"), -1;
  if (o->transport == SHIP_TRANSPORT_BUNDLE && o->layout == XALT_LAYOUT_HOME)
    return snprintf(err, n, "the home layout is not a shared spool: give --layout month/hash, hash or flat"), -1;
  return 0;
}
