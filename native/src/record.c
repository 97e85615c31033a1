/*
 * record.c — the run record: the value of each member, written in the order of the member
 * lists generated from src/schema/run-record.ts (gen/record_fields.h). A member the schema
 * adds without a value here does not compile; one it drops leaves an unused function here.
 * signal-safe: yes, given xalt_run's precomputed strings (start stamp, dates) — except
 * the watermark and build-id reads, which init.c does ahead of time.
 * allocates: yes (mmap-backed buffers for large records).
 */
#define _GNU_SOURCE
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#include "record_fields.h"

#define XALT_VERSION_STRING "xalt-0.1.0" /* XALT_qaT.XALT_GIT_VERSION */

/* A table member's value meaning "leave the member out". */
#define OMIT NULL
#define OMIT_NUM __builtin_nan("")

static const char *policy_name(enum xalt_start_policy p) {
  return p == XALT_START_ALWAYS ? "always" : p == XALT_START_STAGED ? "staged" : "mpi";
}

/* A member with a string value (`key` a literal), unless the value is OMIT. */
#define PUT_STR(b, first, key, value)                   \
  do {                                                  \
    const char *v_ = (value);                           \
    if (v_ == OMIT) break;                              \
    XALT_JSON_KEY(b, first, key);                       \
    xalt_json_str(b, v_, xalt_strlen(v_));              \
  } while (0)

/* A member with a number value in XALT's %.4f, unless the value is OMIT_NUM. */
#define PUT_NUM(b, first, key, value)                   \
  do {                                                  \
    double v_ = (value);                                \
    char num_[40];                                      \
    if (v_ != v_) break; /* OMIT_NUM */                 \
    XALT_JSON_KEY(b, first, key);                       \
    xalt_jbuf_put(b, num_, xalt_fmt_fixed4(num_, v_));  \
  } while (0)

/* Whether the run is in a Singularity container: looked up once per run. */
static int in_container(void) {
  struct xalt_run_state *r = &xalt_run;
  if (!r->container) r->container = xalt_access("/.singularity.d", F_OK) == 0 ? 1 : -1;
  return r->container > 0;
}

/* The value of each userT member (the list and its order: gen/record_fields.h). */
#define UT_syshost r->syshost
#define UT_run_uuid r->run_uuid
#define UT_exec_path r->exec_path
#define UT_exec_type "binary"
#define UT_cwd r->cwd
#define UT_currentEpoch epoch
#define UT_start_date r->start_date
#define UT_user r->user
#define UT_container (in_container() ? "singularity" : OMIT)
#define UT_execModify mod
#define UT_scheduler r->sched.scheduler
#define UT_account r->sched.account
#define UT_job_id r->sched.job_id
#define UT_queue r->sched.queue
#define UT_submit_host r->sched.submit_host
#define UT_host r->host
#define UT_job_step r->sched.job_step
#define UT_end_reason e->end_reason
#define UT_exec_build_id r->build_id
#define UT_parent_run_uuid r->parent_uuid
#define UT_start_policy policy_name(r->start_policy)
#define UT_exec_identity r->exe_identity
#define UT_array_job_id r->sched.array_job_id
#define UT_array_task_id r->sched.array_task_id
#define UT_job_state "" /* xalt-ship's, for runs it closes */

static void user_t(struct xalt_jbuf *b, const struct xalt_end *e, double now) {
  const struct xalt_run_state *r = &xalt_run;
  char epoch[48], mod[XALT_DATE_MAX] = "";
  if (r->have_exe_mtime) xalt_fmt_cdate(mod, sizeof mod, r->exe_mtime);
  /* currentEpoch is XALT's "%f": six decimals. */
  long long us = (long long)(now * 1e6);
  size_t n = xalt_fmt_long(epoch, us / 1000000);
  epoch[n++] = '.';
  for (long long d = 100000, f = us % 1000000; d; d /= 10) epoch[n++] = (char)('0' + (f / d) % 10);
  epoch[n] = '\0';
  int first = 1;
  xalt_jbuf_put(b, "{", 1);
#define X(key) PUT_STR(b, &first, #key, UT_##key);
  XALT_RUN_USERT_MEMBERS(X)
#undef X
  xalt_jbuf_puts(b, "}");
}

/* The value of each userDT member. */
#define UDT_Build_Epoch (build_epoch >= 0 ? build_epoch : OMIT_NUM)
#define UDT_start_time r->start_time
#define UDT_end_time (e->is_start ? 0 : e->end_time)
#define UDT_run_time (e->is_start ? 0 : e->run_time)
#define UDT_probability e->probability
#define UDT_num_tasks (double)r->num_tasks
#define UDT_num_gpus (double)gpus
#define UDT_exec_epoch (double)(long long)r->start_time
#define UDT_num_threads (double)r->num_threads
#define UDT_num_cores (double)r->num_tasks * (double)r->sched.cpus_per_task
#define UDT_num_nodes (double)r->sched.num_nodes
#define UDT_exit_status (e->is_start ? -1 : e->exit_status)
#define UDT_signal e->signal
#define UDT_gpu_used (gpus > 0 ? 1 : 0)
#define UDT_cpus_per_task (double)r->sched.cpus_per_task
#define UDT_schema_version XALT_SCHEMA_VERSION

static void user_dt(struct xalt_jbuf *b, const struct xalt_end *e, double build_epoch, int gpu_lib) {
  const struct xalt_run_state *r = &xalt_run;
  long gpus = e->is_start ? 0 : xalt_gpus_used(gpu_lib);
  int first = 1;
  xalt_jbuf_put(b, "{", 1);
#define X(key) PUT_NUM(b, &first, #key, UDT_##key);
  XALT_RUN_USERDT_MEMBERS(X)
#undef X
  xalt_jbuf_puts(b, "}");
}

static void qa_t(struct xalt_jbuf *b) {
  const struct xalt_run_state *r = &xalt_run;
  char num[24];
  int first = 1;
  xalt_fmt_long(num, r->always_record);
  xalt_jbuf_put(b, "{", 1);
  PUT_STR(b, &first, "XALT_GIT_VERSION", XALT_VERSION_STRING);
  PUT_STR(b, &first, "XALT_MPI_ALWAYS_RECORD", num);
  PUT_STR(b, &first, "XALT_MPI_TRACKING", r->track_mpi ? "yes" : "no");
  PUT_STR(b, &first, "XALT_SCALAR_TRACKING", r->track_scalar ? "yes" : "no");
  PUT_STR(b, &first, "XALT_SAMPLING", r->sampling ? "yes" : "no");
  PUT_STR(b, &first, "XALT_FILE_PREFIX", r->prefix[0] ? r->prefix : "USE_HOME");
  PUT_STR(b, &first, "XALT_CONFIG_FINGERPRINT", xalt_site_config.config_fingerprint);
  xalt_jbuf_put(b, "}", 1);
}

/* "<st_dev>:<st_ino>:<st_size>:<st_mtime>" (decimal): the key xalt-ship hashes the file by. */
static void identity(char *out, const struct stat *st) {
  size_t n = xalt_fmt_long(out, (long long)st->st_dev);
  out[n++] = ':';
  n += xalt_fmt_long(out + n, (long long)st->st_ino);
  out[n++] = ':';
  n += xalt_fmt_long(out + n, (long long)st->st_size);
  out[n++] = ':';
  n += xalt_fmt_long(out + n, (long long)st->st_mtim.tv_sec);
  out[n] = '\0';
}

/* The executable's stat (execModify and exec_identity) and, transport direct only, hash_id
 * (SHA-1 through the per-user cache, as XALT); otherwise xalt-ship hashes the file, off the
 * program's path. Once per run, out of line: its buffers must not deepen the stack under
 * the record. */
__attribute__((noinline)) static void exe_facts(void) {
  struct xalt_run_state *r = &xalt_run;
  struct stat st;
  /* The executable by the name init.c checked (no /proc lookup), else through /proc, which
   * also reaches a file deleted since it was started. */
  const char *file = r->exe_from_proc ? "/proc/self/exe" : r->exec_path;
  r->have_exe_mtime = xalt_fstatat(AT_FDCWD, file, &st, 0) == 0;
  r->sha1[0] = r->exe_identity[0] = '\0';
  if (!r->have_exe_mtime) return;
  r->exe_mtime = (double)st.st_mtim.tv_sec;
  identity(r->exe_identity, &st);
  if (r->transport == XALT_TRANSPORT_DIRECT && xalt_sha1_file_cached(file, &st, r->tmpdir, r->uid, r->sha1) != 0) r->sha1[0] = '\0';
}

/* What every record of the run shares and the record itself must not build while it is
 * being written at the pool's tail: dates, hash_id, ptA. */
static void prepare(void) {
  struct xalt_run_state *r = &xalt_run;
  double t0 = xalt_mono();
  xalt_fill_dates();
  if (!r->hash_done) {
    exe_facts();
    r->hash_done = 1;
  }
  r->measure_sha1 = xalt_mono() - t0;
  if (!r->pta.p) { /* the ancestry at start serves both records of a run */
    const char *dir = xalt_cache_dir_path(r->tmpdir, r->uid);
    char *cache = NULL;
    if (dir && strlen(dir) + 5 < XALT_PATH_MAX) {
      cache = xalt_pool_tail();
      memcpy(cache, dir, strlen(dir));
      memcpy(cache + strlen(dir), "/ptA", 5);
      cache = xalt_pool_commit();
    }
    struct xalt_jbuf b;
    xalt_pool_jbuf(&b);
    xalt_json_ptA(&b, dir, cache);
    r->pta = xalt_pool_keep(&b);
  }
  r->measure_pta = xalt_mono() - t0 - r->measure_sha1;
}

/* A start record's libA, kept for its end record (built before the record, which is
 * written at the pool's tail). */
static void keep_start_libA(void) {
  struct xalt_run_state *r = &xalt_run;
  if (r->liba_gen) return;
  unsigned long long gen = xalt_loader_generation();
  if (!gen) return;
  struct xalt_jbuf b;
  xalt_pool_jbuf(&b);
  xalt_json_libA(&b, &r->liba_gpu, 0);
  if (b.failed) {
    xalt_pool_release(xalt_pool_mark(), &b);
    return;
  }
  r->liba = xalt_pool_keep(&b);
  r->liba_gen = gen;
}

/* The record being built: where it goes, how the run ended, and the clock readings that
 * XALT_measureT reports. */
struct build {
  struct xalt_jbuf *b;
  const struct xalt_end *e;
  double t[5];
  int gpu_lib;
};

/* The value of each top-level member (the list and its order: gen/record_fields.h). */
static void m_crc(struct build *w) { xalt_jbuf_puts(w->b, "\"0xFFFF\""); } /* sealed when complete */
static void m_cmdlineA(struct build *w) { xalt_jbuf_put(w->b, xalt_run.cmdline.p, xalt_run.cmdline.len); }
static void m_hash_id(struct build *w) { xalt_json_str(w->b, xalt_run.sha1, strlen(xalt_run.sha1)); }
/* libA: the list kept for the start record (keep_start_libA), in the end record too while
 * the loader has loaded and unloaded nothing since (most programs); else listed afresh
 * (from the maps text in a signal handler). */
static void m_libA(struct build *w) {
  const struct xalt_run_state *r = &xalt_run;
  w->t[1] = xalt_mono();
  if (!w->e->signal && r->liba_gen && xalt_loader_generation() == r->liba_gen) {
    xalt_jbuf_put(w->b, r->liba.p, r->liba.len);
    w->gpu_lib = r->liba_gpu;
  } else {
    xalt_json_libA(w->b, &w->gpu_lib, w->e->signal != 0);
  }
  w->t[2] = xalt_mono();
}
static void m_ptA(struct build *w) { xalt_jbuf_put(w->b, xalt_run.pta.p, xalt_run.pta.len); }
static void m_envT(struct build *w) { xalt_jbuf_put(w->b, xalt_run.envt.p, xalt_run.envt.len); }
static void m_userT(struct build *w) {
  user_t(w->b, w->e, xalt_now());
  w->t[3] = xalt_mono();
}
static void m_userDT(struct build *w) { user_dt(w->b, w->e, xalt_run.build_epoch, w->gpu_lib); }
static void m_xaltLinkT(struct build *w) {
  xalt_jbuf_put(w->b, xalt_run.link_t.p, xalt_run.link_t.len);
  w->t[4] = xalt_mono();
}
static void m_XALT_measureT(struct build *w) {
  const struct xalt_run_state *r = &xalt_run;
  const double *t = w->t;
  struct xalt_jbuf *b = w->b;
  int first = 1;
  xalt_jbuf_put(b, "{", 1);
  PUT_NUM(b, &first, "01_BuildUserT____", t[3] - t[2]);
  PUT_NUM(b, &first, "02_Sha1_exec_____", r->measure_sha1);
  PUT_NUM(b, &first, "03_BuildEnvT_____", 0);
  PUT_NUM(b, &first, "04_WalkProcTree__", r->measure_pta);
  PUT_NUM(b, &first, "05_Build_RecordT_", t[4] - t[0]);
  PUT_NUM(b, &first, "06_ParseProcMaps_", t[2] - t[1]);
  PUT_NUM(b, &first, "07_GPU_Setup_____", 0);
  PUT_NUM(b, &first, "08____total______", r->init_cost + (xalt_mono() - t[0]) + r->measure_sha1 + r->measure_pta);
  xalt_jbuf_put(b, "}", 1);
}
static void m_XALT_qaT(struct build *w) { qa_t(w->b); }

size_t xalt_build_record(struct xalt_jbuf *b, const struct xalt_end *e) {
  prepare();
  if (e->is_start) keep_start_libA();
  size_t mark = xalt_pool_mark();
  xalt_pool_jbuf(b);
  struct build w = {b, e, {xalt_mono(), 0, 0, 0, 0}, 0};
  int first = 1;
  xalt_jbuf_puts(b, "{");
#define X(key)                   \
  XALT_JSON_KEY(b, &first, #key); \
  m_##key(&w);
  XALT_RUN_MEMBERS(X)
#undef X
  xalt_jbuf_put(b, "}\n", 2);
  xalt_json_seal_crc(b);
  xalt_pool_keep(b); /* the file names written after it go behind it */
  return mark;
}
