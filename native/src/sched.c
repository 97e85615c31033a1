/*
 * sched.c — MPI rank and size, and the batch scheduler's facts, from environment variables
 * that launchers and schedulers set (reference §2.3, §3.1, plus PMIx, PALS and Flux).
 * signal-safe: yes. allocates: no.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* First of `names` present in the environment, parsed as a number; `dflt` if none. */
static long first_number(const char *const *names, long dflt) {
  for (; *names; names++) {
    const char *v = xalt_getenv(*names);
    long n;
    if (v && *v && xalt_parse_long(v, &n)) return n;
  }
  return dflt;
}

/*
 * The rank variables are recognised with the names spelled out as character comparisons in
 * the code, not as string constants: this runs in every process that has tracking on, and
 * reading a constant would cost a page fault of the library's read-only data (~3 µs here)
 * in processes a path rule then skips.
 */
#define H(p, i, c) ((p)[i] == (c))
static const char *after_rank_eq(const char *p) { /* "RANK=" */
  return H(p, 0, 'R') && H(p, 1, 'A') && H(p, 2, 'N') && H(p, 3, 'K') && H(p, 4, '=') ? p + 5 : NULL;
}
static const char *after_comm_world_rank_eq(const char *p) { /* "_COMM_WORLD_RANK=" */
  return H(p, 0, '_') && H(p, 1, 'C') && H(p, 2, 'O') && H(p, 3, 'M') && H(p, 4, 'M') && H(p, 5, '_') && H(p, 6, 'W') &&
         H(p, 7, 'O') && H(p, 8, 'R') && H(p, 9, 'L') && H(p, 10, 'D') && H(p, 11, '_') ? after_rank_eq(p + 12) : NULL;
}
/* Which rank variable `e` ("NAME=value") sets, as its index in the order of precedence
 * (OMPI_COMM_WORLD_RANK, MV2_COMM_WORLD_RANK, PMI_RANK, PMIX_RANK, PALS_RANKID,
 * FLUX_TASK_RANK, SLURM_PROCID), with *value; -1 for any other variable. */
static int rank_var(const char *e, const char **value) {
  const char *v = NULL;
  int i = -1;
  /* if/else, not switch: a jump table would live in read-only data too. */
  if (e[0] == 'O') {
    if (H(e, 1, 'M') && H(e, 2, 'P') && H(e, 3, 'I')) v = after_comm_world_rank_eq(e + 4), i = 0;
  } else if (e[0] == 'M') {
    if (H(e, 1, 'V') && H(e, 2, '2')) v = after_comm_world_rank_eq(e + 3), i = 1;
  } else if (e[0] == 'P') {
    if (H(e, 1, 'M') && H(e, 2, 'I') && H(e, 3, '_')) v = after_rank_eq(e + 4), i = 2;
    else if (H(e, 1, 'M') && H(e, 2, 'I') && H(e, 3, 'X') && H(e, 4, '_')) v = after_rank_eq(e + 5), i = 3;
    else if (H(e, 1, 'A') && H(e, 2, 'L') && H(e, 3, 'S') && H(e, 4, '_') && H(e, 5, 'R') && H(e, 6, 'A') && H(e, 7, 'N') &&
             H(e, 8, 'K') && H(e, 9, 'I') && H(e, 10, 'D') && H(e, 11, '='))
      v = e + 12, i = 4;
  } else if (e[0] == 'F') {
    if (H(e, 1, 'L') && H(e, 2, 'U') && H(e, 3, 'X') && H(e, 4, '_') && H(e, 5, 'T') && H(e, 6, 'A') && H(e, 7, 'S') &&
        H(e, 8, 'K') && H(e, 9, '_'))
      v = after_rank_eq(e + 10), i = 5;
  } else if (e[0] == 'S') {
    if (H(e, 1, 'L') && H(e, 2, 'U') && H(e, 3, 'R') && H(e, 4, 'M') && H(e, 5, '_') && H(e, 6, 'P') && H(e, 7, 'R') &&
        H(e, 8, 'O') && H(e, 9, 'C') && H(e, 10, 'I') && H(e, 11, 'D') && H(e, 12, '='))
      v = e + 13, i = 6;
  }
  *value = v;
  return v ? i : -1;
}
#undef H

long xalt_mpi_rank(void) {
  /* SLURM_PROCID last on purpose: under some launchers both exist and only PMI_RANK is right.
   * One pass over environ; the first variable in that order that is set and numeric wins. */
  extern char **environ;
  const char *first[7] = {NULL, NULL, NULL, NULL, NULL, NULL, NULL}; /* as getenv: the first of each */
  for (char **e = environ; e && *e; e++) {
    const char *v;
    int i = rank_var(*e, &v);
    if (i >= 0 && !first[i]) first[i] = v;
  }
  for (int i = 0; i < 7; i++) {
    long n;
    if (first[i] && *first[i] && xalt_parse_long(first[i], &n)) return n;
  }
  return 0;
}

long xalt_mpi_size(void) {
  static const char *const names[] = {"XALT_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_SIZE", "MV2_COMM_WORLD_SIZE", "PMI_SIZE",
                                      "PMIX_SIZE", "PALS_SIZE", "FLUX_JOB_SIZE", "SLURM_STEP_NUM_TASKS", NULL};
  long n = first_number(names, 1);
  return n < 1 ? 1 : n;
}

static void set(char *dst, const char *name) { xalt_copy(dst, XALT_FIELD_MAX, name ? xalt_getenv(name) : NULL, "unknown"); }

static long nodes(const char *name) {
  const char *const names[] = {name, NULL};
  long n = first_number(names, 1);
  return n < 1 ? 1 : n;
}

/* LSF lists "host ncpus host ncpus ...": nodes = words / 2. */
static long lsf_nodes(void) {
  const char *v = xalt_getenv("LSB_MCPU_HOSTS");
  long words = 0;
  for (int in = 0; v && *v; v++) {
    if (*v == ' ') in = 0;
    else if (!in) { in = 1; words++; }
  }
  return words >= 2 ? words / 2 : 1;
}

void xalt_sched_read(struct xalt_sched *s) {
  xalt_copy(s->job_step, XALT_FIELD_MAX, xalt_getenv("SLURM_STEP_ID"), "");
  if (xalt_getenv("SLURM_JOB_ID")) {
    xalt_copy(s->scheduler, sizeof s->scheduler, "SLURM", NULL);
    set(s->account, "SLURM_JOB_ACCOUNT"); set(s->job_id, "SLURM_JOB_ID");
    set(s->queue, "SLURM_JOB_PARTITION"); set(s->submit_host, "SLURM_SUBMIT_HOST");
    s->num_nodes = nodes("SLURM_NNODES");
  } else if (xalt_getenv("PBS_JOBID")) {
    xalt_copy(s->scheduler, sizeof s->scheduler, "PBS", NULL);
    set(s->account, "PBS_ACCOUNT"); set(s->job_id, "PBS_JOBID");
    size_t k = strspn(s->job_id, "0123456789[]"); /* "1234.server" -> "1234", as XALT */
    if (k) s->job_id[k] = '\0';
    set(s->queue, "PBS_QUEUE"); set(s->submit_host, "PBS_O_HOST");
    s->num_nodes = nodes("PBS_NUM_NODES");
  } else if (xalt_getenv("SGE_ACCOUNT")) {
    xalt_copy(s->scheduler, sizeof s->scheduler, "SGE", NULL);
    set(s->account, "SGE_ACCOUNT"); set(s->job_id, "JOB_ID"); set(s->queue, "QUEUE"); set(s->submit_host, NULL);
    s->num_nodes = nodes("HHOSTS");
  } else if (xalt_getenv("LSF_VERSION") || xalt_getenv("LSB_JOBID")) {
    xalt_copy(s->scheduler, sizeof s->scheduler, "LSF", NULL);
    set(s->account, NULL);
    set(s->job_id, xalt_getenv("LSB_JOBID") ? "LSB_JOBID" : "LSF_JOBID");
    set(s->queue, xalt_getenv("LSB_QUEUE") ? "LSB_QUEUE" : "LSF_QUEUE");
    set(s->submit_host, "LSF_EXEC_CLUSTER");
    s->num_nodes = lsf_nodes();
  } else if (xalt_getenv("FLUX_JOB_ID")) {
    xalt_copy(s->scheduler, sizeof s->scheduler, "FLUX", NULL);
    set(s->account, "FLUX_JOB_ACCOUNT"); set(s->job_id, "FLUX_JOB_ID");
    set(s->queue, "FLUX_JOB_QUEUE"); set(s->submit_host, NULL);
    s->num_nodes = nodes("FLUX_JOB_NNODES");
  } else {
    xalt_copy(s->scheduler, sizeof s->scheduler, "unknown", NULL);
    set(s->account, NULL); set(s->job_id, NULL); set(s->queue, NULL); set(s->submit_host, NULL);
    s->num_nodes = 1;
  }
}
