/*
 * gpu.c — how many GPUs a run used: none unless GPU tracking is on ([tracking] gpu,
 * XALT_GPU_TRACKING) and the run loaded a GPU runtime or driver library (procfs.c sees it in
 * libA); then the devices visible to it: the launcher's *_VISIBLE_DEVICES list, else the
 * device nodes present.
 * signal-safe: yes. allocates: no.
 */
#define _GNU_SOURCE
#include <string.h>
#include <unistd.h>

#include "internal.h"

#define XALT_MAX_GPU_PROBE 64 /* /dev/nvidiaN probed up to this N */

static long count_list(const char *v) {
  if (!*v || !strcmp(v, "-1") || !strcmp(v, "NoDevFiles")) return 0;
  long n = 1;
  for (; *v; v++) n += *v == ',';
  return n;
}

long xalt_gpu_count(void) {
  static const char *const vars[] = {"CUDA_VISIBLE_DEVICES", "ROCR_VISIBLE_DEVICES", "HIP_VISIBLE_DEVICES", NULL};
  for (const char *const *v = vars; *v; v++) {
    const char *s = xalt_getenv(*v);
    if (s) return count_list(s);
  }
  char dev[32] = "/dev/nvidia";
  long n = 0;
  for (int i = 0; i < XALT_MAX_GPU_PROBE; i++) {
    xalt_fmt_long(dev + 11, i);
    if (xalt_access(dev, F_OK) != 0) break;
    n++;
  }
  if (n == 0 && xalt_access("/dev/kfd", F_OK) == 0) n = 1; /* ROCm: at least one device behind kfd */
  return n;
}

long xalt_gpus_used(int gpu_lib) {
  return xalt_run.track_gpu && gpu_lib ? xalt_gpu_count() : 0;
}
