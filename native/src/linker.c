/*
 * linker.c — links that bypass the ld wrapper (a compiler with a hard-wired linker path, -B
 * directories, -fuse-ld=, build systems calling ld directly; docs/link.md).
 * The collector is already inside every process: when this process is a linker (by the name
 * it was started as, or its executable's name) and no wrapper is handling the link (the
 * wrapper marks its real linker with XALT_LINK_WRAPPER_PID = the wrapper's pid, our parent),
 * we note the arguments at start and write the link record when the linker exits with
 * status 0: output from -o, inputs from the arguments and the output's DT_NEEDED, build-id
 * of the output, link_source "collector". No watermark is embedded: runs join these links
 * by build-id (userT.exec_build_id = resultT.build_id).
 * Cost for every other tracked-switched-on process: one basename comparison of argv[0], no
 * system call, no memory (the state below is mmap'd only in linkers).
 * signal-safe: no. allocates: yes (only in linkers).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"

struct linker_state {
  struct xalt_ld_args args;
  struct xalt_link rec;
};
static struct linker_state *ls; /* mmap'd in linkers only */
static pid_t linker_pid;        /* set while a record is pending for this process */

XALT_HOT static const char *base_name(const char *p) {
  const char *b = p;
  for (; *p; p++)
    if (*p == '/') b = p + 1;
  return b;
}

/* The wrapper marks its own real linker; a marker from further up the tree does not count. */
static int wrapper_handles(void) {
  const char *m = xalt_getenv(XALT_LINK_WRAPPER_ENV);
  if (!m || !*m) return 0;
  char *end;
  long v = strtol(m, &end, 10);
  return *end == '\0' && v == (long)getppid();
}

static void release(void) {
  xalt_link_free(&ls->rec);
  xalt_ld_args_free(&ls->args);
  munmap(ls, sizeof *ls);
  ls = NULL;
}

static void on_linker_exit(int status, void *arg) {
  (void)arg;
  if (!linker_pid || getpid() != linker_pid) return; /* once, and never in a forked child */
  linker_pid = 0;
  int saved = errno;
  if (status == 0 && xalt_identity() == 0) {
    xalt_link_inputs_from_args(&ls->rec, &ls->args);
    if (xalt_link_emit(&ls->rec) == 0) xalt_trace("link record for ", ls->rec.output, " (collector)", NULL);
  }
  release();
  errno = saved;
}

XALT_HOT int xalt_linker_candidate(const char *argv0, const char *exe) {
  return (argv0 && xalt_is_linker_name(base_name(argv0))) || (exe && exe[0] && xalt_is_linker_name(base_name(exe)));
}

int xalt_linker_init(int argc, char **argv) {
  if (argc < 1 || !argv || !argv[0]) return 0;
  const char *name = base_name(argv[0]);
  int linker = xalt_is_linker_name(name);
  if (!linker && xalt_state && xalt_run.exec_path[0]) linker = xalt_is_linker_name(base_name(xalt_run.exec_path));
  if (!linker || !xalt_state || wrapper_handles()) return 0; /* xalt_init ran only because tracking is on */
  void *m = mmap(NULL, sizeof *ls, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (m == MAP_FAILED) return 0;
  ls = m;
  xalt_ld_args_parse(&ls->args, argc - 1, argv + 1);
  if (ls->args.info_only || ls->args.partial || ls->args.probe) {
    release();
    return 0;
  }
  xalt_link_init(&ls->rec, &ls->args, "collector");
  ls->rec.epoch = xalt_now();
  xalt_uuid7(ls->rec.uuid, ls->rec.epoch);
  xalt_link_find_compiler(&ls->rec); /* now: the compiler is our ancestor while we run */
  xalt_trace("linker ", name, " not wrapped: will record ", ls->rec.output, NULL);
  linker_pid = getpid();
  if (on_exit(on_linker_exit, NULL) != 0) {
    linker_pid = 0;
    release();
    return 0;
  }
  return 1;
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
