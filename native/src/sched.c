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

long xalt_mpi_rank(void) {
  /* SLURM_PROCID last on purpose: under some launchers both exist and only PMI_RANK is right. */
  static const char *const names[] = {"OMPI_COMM_WORLD_RANK", "MV2_COMM_WORLD_RANK", "PMI_RANK", "PMIX_RANK",
                                      "PALS_RANKID", "FLUX_TASK_RANK", "SLURM_PROCID", NULL};
  return first_number(names, 0);
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
