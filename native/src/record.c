/*
 * record.c — the run record, member by member in the order of src/schema/run-record.ts:
 * XALT 3's members, then xalt's extension keys inside userT and userDT.
 * signal-safe: yes, given xalt_run's precomputed strings (start stamp, dates) — except
 * the watermark and build-id reads, which init.c does ahead of time.
 * allocates: yes (mmap-backed buffers for large records).
 */
#define _GNU_SOURCE
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#define XALT_VERSION_STRING "xalt-0.1.0" /* XALT_qaT.XALT_GIT_VERSION */
#define XALT_SCHEMA_VERSION 2            /* src/schema/run-record.ts SCHEMA_VERSION */

static const char *policy_name(enum xalt_start_policy p) {
  return p == XALT_START_ALWAYS ? "always" : p == XALT_START_STAGED ? "staged" : "mpi";
}

static void user_t(struct xalt_jbuf *b, const struct xalt_end *e, double now) {
  const struct xalt_run_state *r = &xalt_run;
  char num[48], mod[XALT_DATE_MAX] = "";
  if (r->have_exe_mtime) xalt_fmt_cdate(mod, sizeof mod, r->exe_mtime);
  /* currentEpoch is XALT's "%f": six decimals. */
  long long us = (long long)(now * 1e6);
  size_t n = xalt_fmt_long(num, us / 1000000);
  num[n++] = '.';
  for (long long d = 100000, f = us % 1000000; d; d /= 10) num[n++] = (char)('0' + (f / d) % 10);
  num[n] = '\0';
  xalt_jbuf_puts(b, ",\"userT\":{");
  xalt_json_kv_str(b, 1, "syshost", r->syshost);
  xalt_json_kv_str(b, 0, "run_uuid", r->run_uuid);
  xalt_json_kv_str(b, 0, "exec_path", r->exec_path);
  xalt_json_kv_str(b, 0, "exec_type", "binary");
  xalt_json_kv_str(b, 0, "cwd", r->cwd);
  xalt_json_kv_str(b, 0, "currentEpoch", num);
  xalt_json_kv_str(b, 0, "start_date", r->start_date);
  xalt_json_kv_str(b, 0, "user", r->user);
  if (xalt_access("/.singularity.d", F_OK) == 0) xalt_json_kv_str(b, 0, "container", "singularity");
  xalt_json_kv_str(b, 0, "execModify", mod);
  xalt_json_kv_str(b, 0, "scheduler", r->sched.scheduler);
  xalt_json_kv_str(b, 0, "account", r->sched.account);
  xalt_json_kv_str(b, 0, "job_id", r->sched.job_id);
  xalt_json_kv_str(b, 0, "queue", r->sched.queue);
  xalt_json_kv_str(b, 0, "submit_host", r->sched.submit_host);
  xalt_json_kv_str(b, 0, "host", r->host);
  xalt_json_kv_str(b, 0, "job_step", r->sched.job_step);
  xalt_json_kv_str(b, 0, "end_reason", e->end_reason);
  xalt_json_kv_str(b, 0, "exec_build_id", r->build_id);
  xalt_json_kv_str(b, 0, "parent_run_uuid", r->parent_uuid);
  xalt_json_kv_str(b, 0, "start_policy", policy_name(r->start_policy));
  xalt_json_kv_str(b, 0, "exec_identity", r->exe_identity);
  xalt_json_kv_str(b, 0, "array_job_id", r->sched.array_job_id);
  xalt_json_kv_str(b, 0, "array_task_id", r->sched.array_task_id);
  xalt_json_kv_str(b, 0, "job_state", ""); /* xalt-ship's, for runs it closes */
  xalt_jbuf_puts(b, "}");
}

static void user_dt(struct xalt_jbuf *b, const struct xalt_end *e, double build_epoch, int gpu_lib) {
  const struct xalt_run_state *r = &xalt_run;
  long gpus = e->is_start ? 0 : xalt_gpus_used(gpu_lib);
  xalt_jbuf_puts(b, ",\"userDT\":{");
  int first = 1;
  if (build_epoch >= 0) { xalt_json_kv_num(b, 1, "Build_Epoch", build_epoch); first = 0; }
  xalt_json_kv_num(b, first, "start_time", r->start_time);
  xalt_json_kv_num(b, 0, "end_time", e->is_start ? 0 : e->end_time);
  xalt_json_kv_num(b, 0, "run_time", e->is_start ? 0 : e->run_time);
  xalt_json_kv_num(b, 0, "probability", e->probability);
  xalt_json_kv_num(b, 0, "num_tasks", (double)r->num_tasks);
  xalt_json_kv_num(b, 0, "num_gpus", (double)gpus);
  xalt_json_kv_num(b, 0, "exec_epoch", (double)(long long)r->start_time);
  xalt_json_kv_num(b, 0, "num_threads", (double)r->num_threads);
  xalt_json_kv_num(b, 0, "num_cores", (double)r->num_tasks * (double)r->sched.cpus_per_task);
  xalt_json_kv_num(b, 0, "num_nodes", (double)r->sched.num_nodes);
  xalt_json_kv_num(b, 0, "exit_status", e->is_start ? -1 : e->exit_status);
  xalt_json_kv_num(b, 0, "signal", e->signal);
  xalt_json_kv_num(b, 0, "gpu_used", gpus > 0 ? 1 : 0);
  xalt_json_kv_num(b, 0, "cpus_per_task", (double)r->sched.cpus_per_task);
  xalt_json_kv_num(b, 0, "schema_version", XALT_SCHEMA_VERSION);
  xalt_jbuf_puts(b, "}");
}

static void qa_t(struct xalt_jbuf *b) {
  const struct xalt_run_state *r = &xalt_run;
  char num[24];
  xalt_fmt_long(num, r->always_record);
  xalt_jbuf_puts(b, ",\"XALT_qaT\":{");
  xalt_json_kv_str(b, 1, "XALT_GIT_VERSION", XALT_VERSION_STRING);
  xalt_json_kv_str(b, 0, "XALT_MPI_ALWAYS_RECORD", num);
  xalt_json_kv_str(b, 0, "XALT_MPI_TRACKING", r->track_mpi ? "yes" : "no");
  xalt_json_kv_str(b, 0, "XALT_SCALAR_TRACKING", r->track_scalar ? "yes" : "no");
  xalt_json_kv_str(b, 0, "XALT_SAMPLING", r->sampling ? "yes" : "no");
  xalt_json_kv_str(b, 0, "XALT_FILE_PREFIX", r->prefix[0] ? r->prefix : "USE_HOME");
  xalt_json_kv_str(b, 0, "XALT_CONFIG_FINGERPRINT", xalt_site_config.config_fingerprint);
  xalt_jbuf_puts(b, "}");
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

size_t xalt_build_record(struct xalt_jbuf *b, const struct xalt_end *e) {
  struct xalt_run_state *r = &xalt_run;
  double t[5];
  int gpu_lib = 0;
  prepare();
  size_t mark = xalt_pool_mark();
  xalt_pool_jbuf(b);
  t[0] = xalt_mono();
  xalt_jbuf_puts(b, "{\"crc\":\"0xFFFF\",\"cmdlineA\":");
  xalt_jbuf_put(b, r->cmdline.p, r->cmdline.len);
  xalt_jbuf_puts(b, ",\"hash_id\":");
  xalt_json_str(b, r->sha1, strlen(r->sha1));
  xalt_jbuf_puts(b, ",\"libA\":");
  t[1] = xalt_mono();
  xalt_json_libA(b, &gpu_lib, e->signal != 0);
  t[2] = xalt_mono();
  xalt_jbuf_puts(b, ",\"ptA\":");
  xalt_jbuf_put(b, r->pta.p, r->pta.len);
  xalt_jbuf_puts(b, ",\"envT\":");
  xalt_jbuf_put(b, r->envt.p, r->envt.len);
  user_t(b, e, xalt_now());
  t[3] = xalt_mono();
  user_dt(b, e, r->build_epoch, gpu_lib);
  xalt_jbuf_puts(b, ",\"xaltLinkT\":");
  xalt_jbuf_put(b, r->link_t.p, r->link_t.len);
  t[4] = xalt_mono();
  xalt_jbuf_puts(b, ",\"XALT_measureT\":{");
  xalt_json_kv_num(b, 1, "01_BuildUserT____", t[3] - t[2]);
  xalt_json_kv_num(b, 0, "02_Sha1_exec_____", r->measure_sha1);
  xalt_json_kv_num(b, 0, "03_BuildEnvT_____", 0);
  xalt_json_kv_num(b, 0, "04_WalkProcTree__", r->measure_pta);
  xalt_json_kv_num(b, 0, "05_Build_RecordT_", t[4] - t[0]);
  xalt_json_kv_num(b, 0, "06_ParseProcMaps_", t[2] - t[1]);
  xalt_json_kv_num(b, 0, "07_GPU_Setup_____", 0);
  xalt_json_kv_num(b, 0, "08____total______", r->init_cost + (xalt_mono() - t[0]) + r->measure_sha1 + r->measure_pta);
  xalt_jbuf_puts(b, "}");
  qa_t(b);
  xalt_jbuf_puts(b, "}\n");
  xalt_json_seal_crc(b);
  xalt_pool_keep(b); /* the file names written after it go behind it */
  return mark;
}
