/*
 * sample.c — XALT's run-time sampling (docs/collector.md): only runs with fewer tasks than
 * the always-record threshold are sampled; the table row whose interval holds the run
 * time gives the probability that is stored in the record.
 * signal-safe: yes. allocates: no.
 */
#include "internal.h"

double xalt_sampling_probability(double run_time) {
  if (!xalt_run.sampling || xalt_run.num_tasks >= xalt_run.always_record) return 1.0;
  const struct xalt_sampling_row *rows = xalt_site_config.scalar_sampling;
  int n = xalt_site_config.scalar_sampling_rows;
  if (xalt_run.num_tasks > 1 && xalt_site_config.mpi_sampling_rows > 0) {
    rows = xalt_site_config.mpi_sampling;
    n = xalt_site_config.mpi_sampling_rows;
  }
  /* First i with run_time < rows[i+1].min_runtime (the last row is open-ended). */
  for (int i = 0; i < n; i++) {
    if (i + 1 >= n || run_time < rows[i + 1].min_runtime) return rows[i].probability;
  }
  return 1.0;
}
