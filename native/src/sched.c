/*
 * sched.c — MPI rank and size, and the batch scheduler's facts, from environment variables
 * that launchers and schedulers set (Slurm, PBS, LSF, SGE, PMIx, PALS and Flux).
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
XALT_HOT static const char *after_rank_eq(const char *p) { /* "RANK=" */
  return H(p, 0, 'R') && H(p, 1, 'A') && H(p, 2, 'N') && H(p, 3, 'K') && H(p, 4, '=') ? p + 5 : NULL;
}
XALT_HOT static const char *after_comm_world_rank_eq(const char *p) { /* "_COMM_WORLD_RANK=" */
  return H(p, 0, '_') && H(p, 1, 'C') && H(p, 2, 'O') && H(p, 3, 'M') && H(p, 4, 'M') && H(p, 5, '_') && H(p, 6, 'W') &&
         H(p, 7, 'O') && H(p, 8, 'R') && H(p, 9, 'L') && H(p, 10, 'D') && H(p, 11, '_') ? after_rank_eq(p + 12) : NULL;
}
/* Which rank variable `e` ("NAME=value") sets, as its index in the order of precedence
 * (OMPI_COMM_WORLD_RANK, MV2_COMM_WORLD_RANK, PMI_RANK, PMIX_RANK, PALS_RANKID,
 * FLUX_TASK_RANK, SLURM_PROCID), with *value; -1 for any other variable. */
XALT_HOT static int rank_var(const char *e, const char **value) {
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

XALT_HOT long xalt_mpi_rank(void) {
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

/* Slurm's name of a step (as sacct and squeue print it): numbers as they are, the special
 * ids by name (slurm.h: 0xfffffffb batch and 0xfffffffc extern since Slurm 20.11,
 * 0xfffffffe and 0xffffffff before; 0xfffffffa interactive); inside a job with no step id
 * (the batch script) "batch". */
static void slurm_step(char *dst) {
  const char *v = xalt_getenv("SLURM_STEP_ID");
  if (!v) v = xalt_getenv("SLURM_STEPID"); /* older Slurm */
  if (!v || !*v) { xalt_copy(dst, XALT_FIELD_MAX, "batch", NULL); return; }
  const char *name = xalt_streq(v, "4294967291") || xalt_streq(v, "4294967294") ? "batch"  /* SLURM_BATCH_SCRIPT */
                   : xalt_streq(v, "4294967292") || xalt_streq(v, "4294967295") ? "extern" /* SLURM_EXTERN_CONT */
                   : xalt_streq(v, "4294967290") ? "interactive"                            /* SLURM_INTERACTIVE_STEP */
                   : v;
  xalt_copy(dst, XALT_FIELD_MAX, name, NULL);
}

/* A positive count from the first of `names` that is set, else 1. */
static long count(const char *const *names) {
  long n = first_number(names, 1);
  return n < 1 ? 1 : n;
}

/* The numeric job id at the start of a PBS id ("1234[].server", "1234[5].server" -> "1234"). */
static void pbs_number(char *dst, size_t n, const char *v) {
  size_t k = 0;
  while (v && v[k] >= '0' && v[k] <= '9' && k + 1 < n) { dst[k] = v[k]; k++; }
  dst[k] = '\0';
}

void xalt_sched_read(struct xalt_sched *s) {
  s->job_step[0] = s->array_job_id[0] = s->array_task_id[0] = '\0';
  s->cpus_per_task = 1;
  if (xalt_getenv("SLURM_JOB_ID")) {
    xalt_copy(s->scheduler, sizeof s->scheduler, "SLURM", NULL);
    set(s->account, "SLURM_JOB_ACCOUNT"); set(s->job_id, "SLURM_JOB_ID");
    set(s->queue, "SLURM_JOB_PARTITION"); set(s->submit_host, "SLURM_SUBMIT_HOST");
    s->num_nodes = nodes("SLURM_NNODES");
    slurm_step(s->job_step);
    const char *aj = xalt_getenv("SLURM_ARRAY_JOB_ID");
    if (aj && *aj) {
      xalt_copy(s->array_job_id, sizeof s->array_job_id, aj, NULL);
      xalt_copy(s->array_task_id, sizeof s->array_task_id, xalt_getenv("SLURM_ARRAY_TASK_ID"), NULL);
    }
    static const char *const cpt[] = {"SLURM_CPUS_PER_TASK", NULL};
    s->cpus_per_task = count(cpt);
  } else if (xalt_getenv("PBS_JOBID")) {
    xalt_copy(s->scheduler, sizeof s->scheduler, "PBS", NULL);
    set(s->account, "PBS_ACCOUNT"); set(s->job_id, "PBS_JOBID");
    size_t k = strspn(s->job_id, "0123456789[]"); /* "1234.server" -> "1234", as XALT */
    if (k) s->job_id[k] = '\0';
    set(s->queue, "PBS_QUEUE"); set(s->submit_host, "PBS_O_HOST");
    s->num_nodes = nodes("PBS_NUM_NODES");
    const char *idx = xalt_getenv("PBS_ARRAY_INDEX"); /* PBS Pro; Torque: PBS_ARRAYID */
    if (!idx) idx = xalt_getenv("PBS_ARRAYID");
    if (idx && *idx) {
      const char *aj = xalt_getenv("PBS_ARRAY_ID");
      pbs_number(s->array_job_id, sizeof s->array_job_id, aj ? aj : xalt_getenv("PBS_JOBID"));
      xalt_copy(s->array_task_id, sizeof s->array_task_id, idx, NULL);
    }
    static const char *const cpt[] = {"NCPUS", "ncpus", NULL};
    s->cpus_per_task = count(cpt);
  } else if (xalt_getenv("SGE_ACCOUNT")) {
    xalt_copy(s->scheduler, sizeof s->scheduler, "SGE", NULL);
    set(s->account, "SGE_ACCOUNT"); set(s->job_id, "JOB_ID"); set(s->queue, "QUEUE"); set(s->submit_host, NULL);
    s->num_nodes = nodes("HHOSTS");
    const char *idx = xalt_getenv("SGE_TASK_ID"); /* "undefined" outside an array job */
    long n;
    if (idx && xalt_parse_long(idx, &n)) {
      xalt_copy(s->array_job_id, sizeof s->array_job_id, s->job_id, NULL);
      xalt_copy(s->array_task_id, sizeof s->array_task_id, idx, NULL);
    }
  } else if (xalt_getenv("LSF_VERSION") || xalt_getenv("LSB_JOBID")) {
    xalt_copy(s->scheduler, sizeof s->scheduler, "LSF", NULL);
    set(s->account, NULL);
    set(s->job_id, xalt_getenv("LSB_JOBID") ? "LSB_JOBID" : "LSF_JOBID");
    set(s->queue, xalt_getenv("LSB_QUEUE") ? "LSB_QUEUE" : "LSF_QUEUE");
    set(s->submit_host, "LSF_EXEC_CLUSTER");
    s->num_nodes = lsf_nodes();
    const char *idx = xalt_getenv("LSB_JOBINDEX"); /* 0 outside an array job */
    long n;
    if (idx && xalt_parse_long(idx, &n) && n > 0 && xalt_getenv("LSB_JOBID")) {
      xalt_copy(s->array_job_id, sizeof s->array_job_id, s->job_id, NULL);
      xalt_copy(s->array_task_id, sizeof s->array_task_id, idx, NULL);
    }
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
