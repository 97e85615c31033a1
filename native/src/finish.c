/*
 * finish.c — the end of a tracked run: sampling, the end record (over the staged start
 * record, or into the spool with transport direct) and the run's Python packages. Called
 * once per process, from the on_exit handler (normal ends) or the signal handler.
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
    xalt_drop_run();
  } else if (r->transport != XALT_TRANSPORT_NONE) {
    struct xalt_jbuf rec;
    size_t mark = xalt_build_record(&rec, &e);
    xalt_emit_end(&rec);
    xalt_pool_release(mark, &rec);
    xalt_finish_pkgs();
  } else {
    xalt_finish_pkgs();
  }
  xalt_quiet_end();
  errno = saved;
}
