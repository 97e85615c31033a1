/*
 * init.c — the constructor: decide, cheapest test first, whether this process is tracked,
 * and if so capture what can change later (argv, environment, cwd, user) and register the end-of-run handler.
 *
 * Exit status: we register with glibc's on_exit(), whose handlers receive the status given
 * to exit() — which is also how a return from main ends (the C runtime calls exit). That
 * covers exit() from any thread without interposing exit/_exit or __libc_start_main. Our
 * constructor runs before the C runtime registers the loader's destructor pass, so our
 * handler runs last, after every atexit handler and destructor of the program: libraries
 * dlopen'ed and closed by then are still seen if mapped. _exit(), abort() and fatal signals
 * run no handlers; for those the start record (policies always/staged) and the opt-in
 * signal handler are the answer.
 * signal-safe: no. allocates: no (except setenv for PKGS runs, as XALT).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "internal.h"

struct xalt_run_state *xalt_state;

static int init_attempted;
extern char **environ;

static void on_exit_handler(int status, void *arg) {
  (void)arg;
  xalt_finish(status & 0xff, 0);
}

/* A $USER that is safe inside a file name, else the numeric uid. */
static void set_user(struct xalt_run_state *r) {
  const char *u = xalt_getenv("USER");
  if (u && *u && u[0] != '.' && !strchr(u, '/') && strlen(u) < XALT_FIELD_MAX) xalt_copy(r->user, sizeof r->user, u, NULL);
  else xalt_fmt_long(r->user, (long long)r->uid);
}

static void set_syshost(struct xalt_run_state *r) { xalt_syshost_of(r->host, r->syshost, sizeof r->syshost); }

static void set_paths(struct xalt_run_state *r) {
  const char *prefix = xalt_getenv("XALT_FILE_PREFIX");
  if (!prefix || !*prefix) prefix = xalt_site_config.spool_prefix;
  if (!prefix || !strcmp(prefix, "USE_HOME") || xalt_site_config.spool_layout == XALT_LAYOUT_HOME) prefix = "";
  r->prefix = xalt_pool_copy(prefix, "");
  for (size_t l = strlen(r->prefix); l > 1 && r->prefix[l - 1] == '/'; l--) r->prefix[l - 1] = '\0';
  r->home = xalt_pool_copy(xalt_getenv("HOME"), "");
  r->tmpdir = xalt_pool_copy(xalt_getenv("XALT_TMPDIR"), xalt_site_config.tmpdir ? xalt_site_config.tmpdir : "/dev/shm");
  r->cwd = xalt_getcwd(xalt_pool_tail(), XALT_PATH_MAX) > 0 ? xalt_pool_commit() : r->pool;
}

static void set_policy(struct xalt_run_state *r) {
  const char *p = xalt_getenv("XALT_START_POLICY");
  r->start_policy = xalt_site_config.start_policy;
  if (p && !strcmp(p, "mpi")) r->start_policy = XALT_START_MPI;
  else if (p && !strcmp(p, "always")) r->start_policy = XALT_START_ALWAYS;
  else if (p && !strcmp(p, "staged")) r->start_policy = XALT_START_STAGED;
  if (xalt_env_yesno("XALT_ALWAYS_CREATE_START", 0) && r->start_policy == XALT_START_MPI) r->start_policy = XALT_START_ALWAYS;
  const char *ar = xalt_getenv("XALT_MPI_ALWAYS_RECORD");
  long arv = 0;
  r->always_record = ar && *ar ? (xalt_parse_long(ar, &arv) && arv < INT_MAX ? (int)arv : 0) : xalt_site_config.mpi_always_record;
  if (r->always_record < 1) r->always_record = 1;
  r->sampling = xalt_getenv("XALT_SAMPLING") ? xalt_env_yesno("XALT_SAMPLING", 0)
              : xalt_getenv("XALT_SCALAR_SAMPLING") ? xalt_env_yesno("XALT_SCALAR_SAMPLING", 0)
              : xalt_getenv("XALT_SCALAR_AND_SPSR_SAMPLING") ? xalt_env_yesno("XALT_SCALAR_AND_SPSR_SAMPLING", 0)
              : xalt_site_config.sampling;
  const char *tr = xalt_getenv("XALT_TESTING_RUNTIME");
  r->testing_runtime = tr && *tr ? strtod(tr, NULL) : -1;
  r->track_gpu = xalt_env_yesno("XALT_GPU_TRACKING", xalt_site_config.track_gpu);
}

/* The site's transport; XALT_TRANSMISSION_STYLE=none turns recording off for this process.
 * No other value changes the transport: a user cannot move records into the spool when the
 * site ships them, and XALT modulefiles that set "file" or "syslog" keep working. */
static void set_transport(struct xalt_run_state *r) {
  const char *ts = xalt_getenv("XALT_TRANSMISSION_STYLE");
  r->transport = xalt_site_config.transport;
  if (ts && !strcmp(ts, "none")) r->transport = XALT_TRANSPORT_NONE;
  else if (ts && *ts && xalt_tracing())
    xalt_trace("XALT_TRANSMISSION_STYLE=", ts, " is not used by xalt: the site's transport (", xalt_transport_name(r->transport), ") applies", NULL);
}

/* cmdlineA, envT and xaltLinkT as JSON, kept in the pool now: the program may rewrite argv
 * or clear environ, and the record is then written without parsing anything. */
static void capture_json(struct xalt_run_state *r, int argc, char **argv) {
  struct xalt_jbuf b;
  xalt_pool_jbuf(&b);
  xalt_jbuf_put(&b, "[", 1);
  int secret_next = 0; /* secrets never reach a record (redact.c) */
  for (int i = 0; i < argc && argv && argv[i]; i++) {
    if (i) xalt_jbuf_put(&b, ",", 1);
    xalt_json_arg_redacted(&b, argv[i], strlen(argv[i]), &secret_next);
  }
  xalt_jbuf_put(&b, "]", 1);
  r->cmdline = xalt_pool_keep(&b);
  xalt_pool_jbuf(&b);
  xalt_jbuf_put(&b, "{", 1);
  int first = 1;
  for (char **e = environ; e && *e; e++) {
    const char *eq = strchr(*e, '=');
    if (!eq || !strncmp(*e, "BASH_FUNC_", 10) || !strncmp(eq + 1, "() ", 3)) continue;
    size_t len = xalt_long_strlen(*e);
    if (xalt_rule_action(XALT_RULES_ENV, xalt_rule_match(XALT_RULES_ENV, *e, len)) != XALT_ACT_KEEP) continue;
    if (!first) xalt_jbuf_put(&b, ",", 1);
    xalt_json_str(&b, *e, (size_t)(eq - *e));
    xalt_jbuf_put(&b, ":", 1);
    xalt_json_env_value_redacted(&b, eq + 1, len - (size_t)(eq + 1 - *e));
    first = 0;
  }
  xalt_jbuf_put(&b, "}", 1);
  r->envt = xalt_pool_keep(&b);
  size_t wl;
  const char *wm = xalt_find_watermark(&wl);
  xalt_pool_jbuf(&b);
  xalt_json_watermark(&b, wm, wl, &r->build_epoch);
  r->link_t = xalt_pool_keep(&b);
}

/* PKGS runs: tell the Python hook which run its imports belong to (contracts.md). */
static void export_pkgs(struct xalt_run_state *r) {
  xalt_fill_dates();
  xalt_pkg_staging_path(xalt_pool_tail(), XALT_PATH_MAX);
  r->pkg_staging = xalt_pool_commit();
  setenv("XALT_RUN_UUID", r->run_uuid, 1);
  setenv("XALT_DATE_TIME", r->stamp, 1);
  if (r->pkg_staging[0]) setenv("XALT_PKG_STAGING", r->pkg_staging, 1);
}

/* The start record, when the policy gives the run one: in staging (every transport that
 * writes), and for policies always/mpi also in the spool when the transport is direct. */
static void start_record(struct xalt_run_state *r) {
  int xalt_rule = r->start_policy == XALT_START_ALWAYS || (r->start_policy == XALT_START_MPI && r->num_tasks >= r->always_record);
  if ((!xalt_rule && r->start_policy != XALT_START_STAGED) || r->transport == XALT_TRANSPORT_NONE) return;
  struct xalt_end e = {1, 0, 0, 1.0, -1, 0, ""};
  struct xalt_jbuf rec;
  xalt_quiet_begin();
  size_t mark = xalt_build_record(&rec, &e);
  xalt_emit_start(&rec, xalt_rule);
  xalt_pool_release(mark, &rec);
  xalt_quiet_end();
}

/* What the filters learn that a tracked run keeps (stack storage: no state is mapped for
 * processes that turn out not to be tracked). */
struct filter_facts {
  char host[XALT_FIELD_MAX];
  int has_pidfs;              /* the kernel's release is 6.9 or later */
  char exe[XALT_PATH_MAX];   /* "" until known */
  enum xalt_action exe_class; /* the path rules' verdict on exe, once exe is known */
  int exe_from_proc;          /* exe was read from /proc/self/exe (else: execve's file name) */
  long num_tasks;
  int track_mpi, track_scalar;
};

/* Whether a kernel release ("6.12.3-arch1") is major.minor or later. */
XALT_HOT static int release_at_least(const char *rel, long major, long minor) {
  long v[2] = {0, 0};
  for (int i = 0; i < 2; i++) {
    if (*rel < '0' || *rel > '9') return 0;
    for (; *rel >= '0' && *rel <= '9'; rel++) v[i] = v[i] * 10 + (*rel - '0');
    if (i == 0 && *rel++ != '.') return 0;
  }
  return v[0] > major || (v[0] == major && v[1] >= minor);
}

/* Every filter of docs/collector.md, cheapest first; returns the path class or SKIP. Only
 * direct system calls and our own string code run here: a process that is not tracked
 * pays no lazy symbol binding and never sees errno change. */
static enum xalt_action filters(struct filter_facts *f, int argc, char **argv) {
  struct utsname u;
  int have_u = xalt_uname(&u) == 0;
  xalt_copy(f->host, sizeof f->host, have_u ? u.nodename : NULL, "unknown");
  f->has_pidfs = have_u && release_at_least(u.release, 6, 9);
  if (xalt_rule_action(XALT_RULES_HOST, xalt_rule_match(XALT_RULES_HOST, f->host, xalt_strlen(f->host))) == XALT_ACT_SKIP) {
    xalt_trace("host ", f->host, " is skipped by the host rules", NULL);
    return XALT_ACT_SKIP;
  }
  enum xalt_action a = f->exe_class;
  if (!f->exe[0]) {
    if (xalt_exe_path(f->exe, sizeof f->exe) != 0) return XALT_ACT_SKIP;
    a = xalt_classify(f->exe, argc, argv);
  }
  if (a == XALT_ACT_SKIP) { xalt_trace("path ", f->exe, " is skipped", NULL); return a; }
  f->num_tasks = xalt_mpi_size();
  f->track_mpi = xalt_env_yesno("XALT_MPI_TRACKING", xalt_site_config.track_mpi);
  f->track_scalar = xalt_env_yesno("XALT_SCALAR_TRACKING", xalt_site_config.track_scalar);
  if (f->num_tasks > 1 ? !f->track_mpi : !f->track_scalar) { xalt_trace("scalar/MPI tracking is off for this run", NULL); return XALT_ACT_SKIP; }
  if (!xalt_first_collector_is_self()) {
    xalt_trace("another copy of the collector tracks this process", NULL);
    return XALT_ACT_SKIP;
  }
  return a;
}

/* Now, rounded to what the record prints (%.4f), so the file-name stamp computed from it and
 * the one a reader computes from the record's start_time agree to the last digit. N/10000
 * with N exact is the correctly rounded double of the printed decimal, as a parser gives. */
static double start_time_4(void) {
  double t = xalt_now();
  return (double)(long long)(t * 10000.0 + 0.5) / 10000.0;
}

static void track(struct xalt_run_state *r, enum xalt_action kind, int argc, char **argv) {
  r->pid = xalt_getpid();
  r->uid = xalt_getuid();
  r->start_time = start_time_4();
  set_user(r);
  set_syshost(r);
  set_paths(r);
  set_policy(r);
  set_transport(r);
  xalt_sched_read(&r->sched);
  const char *omp = xalt_getenv("OMP_NUM_THREADS");
  long nt = 0;
  r->num_threads = omp && xalt_parse_long(omp, &nt) && nt > 0 ? nt : 1;
  const char *parent = xalt_getenv("XALT_RUN_UUID");
  xalt_copy(r->parent_uuid, sizeof r->parent_uuid, parent && strlen(parent) == XALT_UUID_LEN ? parent : NULL, "");
  xalt_uuid7(r->run_uuid, r->start_time);
  xalt_run_staging_path(); /* (kept: the end record replaces or removes the file) */
  capture_json(r, argc, argv);
  xalt_read_build_id(r->build_id, sizeof r->build_id);
  r->tracked = 1;
  xalt_trace_tracked();
  xalt_trace("tracking ", r->exec_path, " run ", r->run_uuid, NULL);
  r->is_pkgs = kind == XALT_ACT_PKGS;
  if (r->is_pkgs) export_pkgs(r);
  int signals = xalt_signal_mode();
  if (signals) xalt_fill_dates(); /* (the handler cannot format dates) */
  start_record(r);
  if (signals) xalt_signal_install(signals);
  if (on_exit(on_exit_handler, NULL) != 0) r->tracked = 0;
}

/*
 * Link tracking (linker.c): a linker the path rules skip still writes a link record when no
 * wrapper handles its link, so it keeps a run state for the record's identity fields.
 * Only processes named like a linker get here.
 */
XALT_COLD static void skipped_linker(const char *exe, int argc, char **argv) {
  if (xalt_identity() != 0) return;
  xalt_run.exec_path = xalt_pool_copy(exe, "");
  if (xalt_linker_init(argc, argv)) return;
  xalt_munmap(xalt_state, sizeof(struct xalt_run_state));
  xalt_state = NULL;
}

/*
 * XALT_EXECUTABLE_TRACKING == "yes", written without any libc call and without reading
 * the library's constant data: on the untracked path every first call of a libc function
 * would cost a lazy symbol resolution, and every page of ours touched costs a page fault.
 */
XALT_HOT static int tracking_on(void) {
#define K(i, c) (s[i] == (c))
  for (char **e = environ; e && *e; e++) {
    const char *s = *e;
    if (!(K(0, 'X') && K(1, 'A') && K(2, 'L') && K(3, 'T') && K(4, '_') && K(5, 'E') && K(6, 'X') && K(7, 'E') &&
          K(8, 'C') && K(9, 'U') && K(10, 'T') && K(11, 'A') && K(12, 'B') && K(13, 'L') && K(14, 'E') && K(15, '_') &&
          K(16, 'T') && K(17, 'R') && K(18, 'A') && K(19, 'C') && K(20, 'K') && K(21, 'I') && K(22, 'N') && K(23, 'G') &&
          K(24, '=')))
      continue;
    return K(25, 'y') && K(26, 'e') && K(27, 's') && K(28, '\0');
  }
  return 0;
#undef K
}

/* The filters that need the executable from /proc, then tracking (out of line, with the
 * larger stack frame: a process skipped by decide() never touches those stack pages). */
__attribute__((noinline)) static void decide_slow(int argc, char **argv, const char *exe, enum xalt_action exe_class) {
  struct filter_facts f;
  f.exe_from_proc = !exe;
  xalt_copy(f.exe, sizeof f.exe, exe, "");
  f.exe_class = exe_class;
  enum xalt_action kind = filters(&f, argc, argv);
  if (kind == XALT_ACT_SKIP) {
    if (xalt_linker_candidate(argc > 0 ? argv[0] : NULL, f.exe)) {
      int saved = errno;
      skipped_linker(f.exe, argc, argv);
      errno = saved;
    }
    return;
  }
  int saved = errno;
  double t0 = xalt_mono();
  void *m = xalt_mmap_anon(sizeof(struct xalt_run_state));
  if (m) {
    xalt_state = m;
    struct xalt_run_state *r = &xalt_run;
    r->t0_mono = t0;
    r->pool_used = 1; /* pool[0] is the empty string every unset path points to */
    r->exec_path = r->cwd = r->home = r->prefix = r->tmpdir = r->pkg_staging = r->run_staging = r->cache_dir = r->pool;
    xalt_copy(r->host, sizeof r->host, f.host, NULL);
    r->exec_path = xalt_pool_copy(f.exe, "");
    r->exe_from_proc = f.exe_from_proc;
    r->has_pidfs = f.has_pidfs;
    r->num_tasks = f.num_tasks;
    r->track_mpi = f.track_mpi;
    r->track_scalar = f.track_scalar;
    track(r, kind, argc, argv);
    xalt_linker_init(argc, argv); /* link tracking: a linker no wrapper handles (linker.c) */
    r->init_cost = xalt_mono() - r->t0_mono;
  }
  errno = saved;
}

/* The constructor's work once tracking is on: the cheapest filters first. The executable
 * is the file name execve was given when that is certainly the real path (absolute, clean,
 * no symbolic link on the way); only otherwise is /proc/self/exe read (the first /proc
 * access of a process costs ~12 µs). The path rules are applied before the host rules: both
 * can only reject, and a path rejection usually needs no system call at all. */
XALT_HOT static void decide(int argc, char **argv, const unsigned long *auxv) {
  long rank = xalt_mpi_rank();
  xalt_trace_init((int)rank);
  if (rank > 0) { xalt_trace("MPI rank > 0: not tracked", NULL); return; }
  const char *fn = xalt_exe_path_candidate(argc, argv, auxv);
  enum xalt_action a = fn ? xalt_classify(fn, argc, argv) : XALT_ACT_NONE;
  if (fn && !xalt_path_has_no_symlink(fn)) fn = NULL;
  if (fn && a == XALT_ACT_SKIP) {
    xalt_trace("path ", fn, " is skipped", NULL);
    if (xalt_linker_candidate(argc > 0 ? argv[0] : NULL, fn)) {
      int saved = errno;
      skipped_linker(fn, argc, argv);
      errno = saved;
    }
    return;
  }
  decide_slow(argc, argv, fn, a);
}

__attribute__((constructor)) static void xalt_init(int argc, char **argv, char **envp) {
  if (init_attempted || !tracking_on()) return;
  init_attempted = 1;
  /* setuid, setgid or file capabilities: the environment belongs to the user who started
   * the program, the process to someone else. Nothing of ours runs in it: no file, no
   * directory, no trace line where that environment points. */
  const unsigned long *auxv = xalt_auxv(argc, argv, envp);
  if (xalt_secure_exec(auxv)) return;
  decide(argc, argv, auxv);
}

/* ---- link tracking hook: linker.c and the link helpers need the identity of a process that
 * is not tracked as a run (the path rules may skip linkers; the helpers run untracked).
 * Returns 0 when xalt_run is usable. ---- */
XALT_COLD int xalt_identity(void) {
  if (!xalt_state) {
    void *m = xalt_mmap_anon(sizeof(struct xalt_run_state));
    if (!m) return -1;
    xalt_state = m;
    xalt_state->pool_used = 1;
    xalt_state->exec_path = xalt_state->cwd = xalt_state->home = xalt_state->prefix = xalt_state->tmpdir =
        xalt_state->pkg_staging = xalt_state->run_staging = xalt_state->cache_dir = xalt_state->pool;
  }
  struct xalt_run_state *r = &xalt_run;
  if (r->tracked) return 0;
  struct utsname u;
  if (xalt_uname(&u) == 0) xalt_copy(r->host, sizeof r->host, u.nodename, "unknown");
  r->uid = xalt_getuid();
  set_user(r);
  set_syshost(r);
  set_paths(r);
  set_transport(r);
  xalt_sched_read(&r->sched); /* (the job id names a link's staging file) */
  return 0;
}
