/*
 * linker.c — links that bypass the ld wrapper (a compiler with a hard-wired linker path, -B
 * directories, -fuse-ld=, build systems calling ld directly; reference ncsa-fork.md §4d).
 * The collector is already inside every process: when this process is a linker (by the name
 * it was started as, or its executable's name) and no wrapper is handling the link (the
 * wrapper marks its real linker with XALT_LINK_WRAPPER_PID = the wrapper's pid, our parent),
 * we note the arguments at start and write the link record when the linker exits with
 * status 0: output from -o, inputs from the arguments and the output's DT_NEEDED, build-id
 * of the output, link_source "collector". No watermark is embedded: runs join these links
 * by build-id (userT.exec_build_id = resultT.build_id).
 * Cost for every other process: one basename comparison of argv[0], no system call.
 * signal-safe: no. allocates: yes (only in linkers).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"

static struct xalt_ld_args link_args;
static struct xalt_link link_rec;
static pid_t linker_pid; /* set while a record is pending for this process */

static const char *base_name(const char *p) {
  const char *s = strrchr(p, '/');
  return s ? s + 1 : p;
}

/* The wrapper marks its own real linker; a marker from further up the tree does not count. */
static int wrapper_handles(void) {
  const char *m = xalt_getenv(XALT_LINK_WRAPPER_ENV);
  if (!m || !*m) return 0;
  char *end;
  long v = strtol(m, &end, 10);
  return *end == '\0' && v == (long)getppid();
}

static void on_linker_exit(int status, void *arg) {
  (void)arg;
  if (!linker_pid || getpid() != linker_pid) return; /* once, and never in a forked child */
  linker_pid = 0;
  int saved = errno;
  if (status == 0) {
    xalt_identity();
    xalt_link_inputs_from_args(&link_rec, &link_args);
    if (xalt_link_emit(&link_rec) == 0) xalt_trace("link record for ", link_rec.output, " (collector)", NULL);
  }
  xalt_link_free(&link_rec);
  xalt_ld_args_free(&link_args);
  errno = saved;
}

void xalt_linker_init(int argc, char **argv) {
  if (argc < 1 || !argv || !argv[0]) return;
  const char *name = base_name(argv[0]);
  int linker = xalt_is_linker_name(name);
  if (!linker && xalt_run.exec_path[0]) linker = xalt_is_linker_name(base_name(xalt_run.exec_path));
  if (!linker) return;
  const char *tracking = xalt_getenv("XALT_EXECUTABLE_TRACKING");
  if (!tracking || strcmp(tracking, "yes") != 0 || wrapper_handles()) return;
  xalt_ld_args_parse(&link_args, argc - 1, argv + 1);
  if (link_args.info_only || link_args.partial || link_args.probe) {
    xalt_ld_args_free(&link_args);
    return;
  }
  linker_pid = getpid();
  xalt_link_init(&link_rec, &link_args, "collector");
  link_rec.epoch = xalt_now();
  xalt_uuid7(link_rec.uuid, link_rec.epoch);
  xalt_link_find_compiler(&link_rec); /* now: the compiler is our ancestor while we run */
  xalt_trace("linker ", name, " not wrapped: will record ", link_rec.output, NULL);
  if (on_exit(on_linker_exit, NULL) != 0) {
    xalt_link_free(&link_rec);
    xalt_ld_args_free(&link_args);
  }
}

/*
 * lld ends with _Exit() (LLVM's Process::Exit without cleanup), which runs no on_exit
 * handler, so the pending record is written here. _Exit is rare outside LLVM tools, and for
 * every other process this costs one comparison before the exit_group system call.
 */
__attribute__((visibility("default"), noreturn)) void _Exit(int status) {
  if (linker_pid) on_linker_exit(status & 0xff, NULL);
  for (;;) syscall(SYS_exit_group, status);
}
