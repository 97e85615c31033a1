/*
 * finish.c — the end of a tracked run: sampling, the end record, cleaning up the staged
 * start record and publishing the run's Python packages. Called once per process, from
 * the on_exit handler (normal ends) or the opt-in signal handler.
 * signal-safe: yes once xalt_fill_dates() has run. allocates: yes (mmap for big records).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <unistd.h>

#include "internal.h"

void xalt_fill_dates(void) {
  struct xalt_run_state *r = &xalt_run;
  if (r->stamp[0]) return;
  xalt_fmt_stamp(r->stamp, sizeof r->stamp, r->start_time);
  xalt_fmt_cdate(r->start_date, sizeof r->start_date, r->start_time);
}

void xalt_finish(int status, int sig) {
  if (!xalt_state) return;
  struct xalt_run_state *r = &xalt_run;
  if (!r->tracked || r->end_done || xalt_getpid() != r->pid) return; /* forked children never record */
  r->end_done = 1;
  int saved = errno;
  xalt_quiet_begin();
  struct xalt_end e = {0, xalt_now(), 0, 1.0, status, sig, sig ? "signal" : "exit"};
  e.run_time = r->testing_runtime >= 0 ? r->testing_runtime : e.end_time - r->start_time;
  e.probability = xalt_sampling_probability(e.run_time);
  if (e.probability < 1.0 && !(xalt_random_unit() < e.probability)) {
    xalt_trace("run sampled out (probability below 1)", NULL);
    if (r->staged_start[0]) xalt_unlink(r->staged_start);
    xalt_publish_pkgs(0);
    xalt_quiet_end();
    errno = saved;
    return;
  }
  struct xalt_jbuf rec;
  size_t mark = xalt_build_record(&rec, &e);
  int rc = xalt_emit_run(&rec, 0);
  xalt_pool_release(mark, &rec);
  /* Keep the staged start if the end record was lost: the epilog still learns of the run. */
  if (rc == 0 && r->staged_start[0]) xalt_unlink(r->staged_start);
  xalt_publish_pkgs(1);
  xalt_quiet_end();
  errno = saved;
}
