/*
 * procfs.c — what /proc says about this process: its executable, the shared objects
 * mapped (libA) and its ancestry (ptA). Files are read whole with read(2) into the caller's
 * buffers (mmap'd when large); an odd or missing /proc gives empty arrays, never a failure.
 * signal-safe: yes, with libA's in_signal_handler set (the loader's object list takes a
 * lock). allocates: yes (mmap, for large maps/cmdline files).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <stdio.h> /* rename() only */
#include <sys/auxv.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"


int xalt_exe_path(char *out, size_t n) {
  long r = xalt_readlink("/proc/self/exe", out, n - 1);
  if (r <= 0) { out[0] = '\0'; return -1; }
  out[r] = '\0';
  return 0;
}

#ifndef SYS_openat2
#define SYS_openat2 437 /* Linux 5.6, the same number on every architecture */
#endif
#define XALT_AT_EXECFN 31  /* auxv: the file name given to execve */
#define XALT_AT_EXECFD 2   /* auxv: binfmt_misc passed the file as a descriptor */
#define XALT_RESOLVE_NO_SYMLINKS 0x04
#define XALT_O_PATH 010000000

/* The auxiliary vector, after `envp`. It follows the environment only in the kernel's
 * initial stack layout (argv, NULL, envp, NULL, auxv): a constructor run by dlopen gets the
 * current environ, which setenv may have moved to the heap, so the walk is made only when
 * envp is where the kernel put it, right after argv; NULL otherwise. */
XALT_HOT const unsigned long *xalt_auxv(int argc, char **argv, char **envp) {
  if (!envp || !argv || argc < 0 || envp != argv + argc + 1) return NULL;
  while (*envp) envp++;
  /* In secure-execution mode the loader has removed variables by moving the later ones
   * down, which leaves a NULL behind for each: the vector starts after them (its first
   * entry is never AT_NULL). */
  while (!*envp) envp++;
  return (const unsigned long *)envp;
}

/* The file name execve was given, from the auxiliary vector; NULL if absent or if
 * binfmt_misc handed the program over as a descriptor. */
XALT_HOT static const char *execfn(const unsigned long *a) {
  if (!a) return NULL;
  const char *fn = NULL;
  for (; a[0]; a += 2) {
    if (a[0] == XALT_AT_EXECFD) return NULL;
    if (a[0] == XALT_AT_EXECFN) fn = (const char *)a[1];
  }
  return fn;
}

#define XALT_AT_SECURE 23 /* auxv: secure-execution mode (setuid, setgid, capabilities) */

XALT_HOT int xalt_secure_exec(const unsigned long *a) {
  for (; a && a[0]; a += 2)
    if (a[0] == XALT_AT_SECURE) return a[1] != 0;
  return getauxval(XALT_AT_SECURE) != 0; /* started by dlopen, or an unexpected layout: ask libc */
}

XALT_HOT const char *xalt_exe_path_candidate(int argc, char **argv, const unsigned long *auxv) {
  const char *fn = execfn(auxv);
  if (!fn || fn[0] != '/') return NULL;
  /* A script or binfmt_misc program: the kernel put the file name among the first
   * arguments and runs an interpreter, which is the executable. */
  for (int i = 1; i < argc && i <= 3 && argv[i]; i++)
    if (xalt_streq(argv[i], fn)) return NULL;
  size_t len = 0;
  for (; fn[len]; len++) /* only plain absolute paths: no ".", "..", "//" components */
    if (fn[len] == '/' && (fn[len + 1] == '/' || (fn[len + 1] == '.' && (fn[len + 2] == '/' || fn[len + 2] == '\0' ||
                                                                             (fn[len + 2] == '.' && (fn[len + 3] == '/' || fn[len + 3] == '\0'))))))
      return NULL;
  return len < XALT_PATH_MAX ? fn : NULL;
}

XALT_HOT int xalt_path_has_no_symlink(const char *path) {
  struct { uint64_t flags, mode, resolve; } how;
  /* Field by field with compiler barriers: an aggregate constant would be copied from
   * read-only data, a page fault in processes that are then skipped. */
  how.flags = XALT_O_PATH | O_CLOEXEC;
  __asm__("" : : : "memory");
  how.mode = 0;
  __asm__("" : : : "memory");
  how.resolve = XALT_RESOLVE_NO_SYMLINKS;
  long fd = xalt_syscall6(SYS_openat2, AT_FDCWD, (long)path, (long)&how, sizeof how, 0, 0);
  if (fd < 0) return 0;
  xalt_close((int)fd);
  return 1;
}

/* Read a whole file into `b` (NUL-terminated); returns 0 on success. `short_is_eof`: the
 * file returns everything it has per read (cmdline), so a short read means the end. Not
 * for seq files like maps, which stop short when the next line does not fit. */
XALT_COLD static int read_all(const char *path, struct xalt_jbuf *b, int short_is_eof) {
  int fd = xalt_open(path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0) return -1;
  long r = 0;
  /* Read straight into the buffer's free space (no bounce buffer on the stack). */
  for (;;) {
    if (b->cap - b->len < 1024) xalt_jbuf_reserve(b, 4096);
    if (b->failed) break;
    size_t room = b->cap - b->len - 1;
    r = xalt_read(fd, b->p + b->len, room);
    if (r <= 0) break;
    b->len += (size_t)r;
    b->p[b->len] = '\0';
    if (short_is_eof && (size_t)r < room) break; /* saves the read(2) that returns 0 */
  }
  xalt_close(fd);
  xalt_jbuf_put(b, "", 0);
  return (r < 0 || b->failed) ? -1 : 0;
}

/* XALT's rule: the basename contains ".so" followed by nothing or by a ".digits.dots" tail. */
static int is_shared_object(const char *path, size_t n) {
  const char *base = path;
  for (size_t i = 0; i < n; i++) if (path[i] == '/') base = path + i + 1;
  size_t bl = n - (size_t)(base - path);
  for (size_t i = 0; i + 3 <= bl; i++) {
    if (memcmp(base + i, ".so", 3) != 0) continue;
    size_t t = i + 3;
    if (t == bl) return 1;
    if (base[t] != '.' || bl - t < 2) continue;
    size_t k = t;
    while (k < bl && ((base[k] >= '0' && base[k] <= '9') || base[k] == '.')) k++;
    if (k == bl) return 1;
  }
  return 0;
}

static int gpu_library(const char *path, size_t n) {
  static const char *const names[] = {"libcuda.so", "libcudart.so", "libnvidia-ml.so", "libamdhip64.so",
                                      "libhsa-runtime64.so", "librocm_smi64.so", NULL};
  const char *base = path;
  for (size_t i = 0; i < n; i++) if (path[i] == '/') base = path + i + 1;
  for (const char *const *p = names; *p; p++)
    if (!strncmp(base, *p, strlen(*p))) return 1;
  return 0;
}

/* libA as it is being built: de-duplicated paths, and whether a GPU library was seen. */
struct lib_list {
  struct xalt_jbuf *b;
  int count;
  int gpu_lib_seen;
};

/* Where the hash of the i-th listed library is kept (the first few beside the run's fields). */
static uint64_t *seen_slot(int i) {
  return i < XALT_HOT_LIBS ? &xalt_run.lib_seen[i] : &xalt_run.more_lib_seen[i - XALT_HOT_LIBS];
}

/* Add one mapped file (a /proc/self/maps path) if XALT's rule says it is a shared object. */
static void lib_add(struct lib_list *l, const char *path, size_t pl) {
  if (pl > 10 && !memcmp(path + pl - 10, " (deleted)", 10)) return;
  if (!is_shared_object(path, pl)) return;
  const char *base = path;
  for (size_t i = 0; i < pl; i++) if (path[i] == '/') base = path + i + 1;
  if (!strncmp(base, "libxalt", 7)) return;
  uint64_t h = xalt_fnv1a(path, pl);
  int n = l->count < XALT_MAX_LIBS ? l->count : XALT_MAX_LIBS;
  for (int i = 0; i < n; i++) if (*seen_slot(i) == h) return;
  if (l->count < XALT_MAX_LIBS) *seen_slot(l->count) = h;
  if (gpu_library(path, pl)) l->gpu_lib_seen = 1;
  xalt_jbuf_put(l->b, l->count ? ",[" : "[", l->count ? 2 : 1);
  xalt_json_str(l->b, path, pl);
  xalt_jbuf_put(l->b, ",\"0\"]", 5);
  l->count++;
}

/* Every file-backed line of /proc/self/maps, in address order: exact on every kernel, but
 * the kernel formats every mapping of the process as text (~25 µs for a small program). */
XALT_COLD static void libs_from_maps_text(struct lib_list *l) {
  struct xalt_jbuf maps;
  char mem[XALT_SMALL_JSON];
  xalt_jbuf_init_mem(&maps, mem, sizeof mem);
  if (read_all("/proc/self/maps", &maps, 0) == 0) {
    for (char *line = maps.p; line && *line;) {
      char *nl = strchr(line, '\n');
      size_t ll = nl ? (size_t)(nl - line) : strlen(line);
      char *path = memchr(line, '/', ll);
      if (path) lib_add(l, path, ll - (size_t)(path - line));
      line = nl ? nl + 1 : NULL;
    }
  }
  xalt_jbuf_free(&maps);
}

/* Linux 6.11's PROCMAP_QUERY ioctl on a /proc/<pid>/maps descriptor (linux/fs.h; declared
 * here because build hosts may have older headers): one mapping, looked up by address,
 * named exactly as the maps text names it (the same d_path, " (deleted)" included). */
struct xalt_procmap_query {
  uint64_t size, query_flags, query_addr, vma_start, vma_end, vma_flags, vma_page_size, vma_offset, inode;
  uint32_t dev_major, dev_minor, vma_name_size, build_id_size;
  uint64_t vma_name_addr, build_id_addr;
};
#define XALT_PROCMAP_QUERY _IOWR('f', 17, struct xalt_procmap_query)
#define XALT_PROCMAP_FILE_BACKED_VMA 0x20

struct loader_walk {
  struct lib_list *list;
  int maps_fd;
  int unsupported; /* the kernel does not know the ioctl */
};

/* Ask the kernel for the name of the mapping at `addr` into `name` (`n` bytes); returns the
 * ioctl's result (0, or a negative errno value) and sets *len. */
static long query_name(int maps_fd, uint64_t addr, char *name, uint32_t n, size_t *len) {
  struct xalt_procmap_query q;
  memset(&q, 0, sizeof q);
  q.size = sizeof q;
  q.query_flags = XALT_PROCMAP_FILE_BACKED_VMA;
  q.query_addr = addr;
  q.vma_name_addr = (uint64_t)(uintptr_t)name;
  q.vma_name_size = n;
  long rc = xalt_syscall6(SYS_ioctl, maps_fd, (long)XALT_PROCMAP_QUERY, (long)&q, 0, 0, 0);
  *len = rc == 0 && q.vma_name_size > 0 ? q.vma_name_size - 1 : 0;
  return rc;
}

/* dl_iterate_phdr callback: ask the kernel for the file behind the object's first segment. */
static int name_loaded_object(struct dl_phdr_info *info, size_t size, void *arg) {
  (void)size;
  struct loader_walk *w = arg;
  const char *loader_name = info->dlpi_name;
  /* Objects libA never lists need no query: the program itself (named "" by the loader)
   * unless its own name passes XALT's rule, the vDSO (a name without a directory: every
   * file the loader maps is named with one), and this library. */
  if (!loader_name[0] ? !is_shared_object(xalt_run.exec_path, xalt_strlen(xalt_run.exec_path)) : !xalt_strchr(loader_name, '/')) return 0;
  const ElfW(Phdr) *load = NULL;
  uintptr_t self = (uintptr_t)&name_loaded_object;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    if (ph->p_type != PT_LOAD) continue;
    uintptr_t start = info->dlpi_addr + ph->p_vaddr;
    if (self >= start && self - start < ph->p_memsz) return 0;
    if (!load) load = ph;
  }
  if (!load) return 0;
  /* Library paths are short: a small buffer keeps this deep frame within the stack pages
   * already in use; a longer name is asked for again with room for any path. */
  char name[256];
  size_t len;
  uint64_t addr = (uint64_t)(info->dlpi_addr + load->p_vaddr);
  long rc = query_name(w->maps_fd, addr, name, sizeof name, &len);
  if (rc == -ENOTTY || rc == -EINVAL) { w->unsupported = 1; return 1; }
  if (rc == -ENAMETOOLONG) {
    char *big = xalt_run.long_name;
    if (query_name(w->maps_fd, addr, big, XALT_PATH_MAX, &len) == 0 && len) lib_add(w->list, big, len);
  } else if (rc == 0 && len) {
    lib_add(w->list, name, len);
  }
  return 0;
}

/* The objects the dynamic loader has loaded (dlopen'ed ones included), each named by the
 * kernel: a few µs instead of the whole maps text. Returns -1 when the kernel predates the
 * ioctl, before anything was added. Not for signal handlers: dl_iterate_phdr takes the
 * loader's lock. */
/* Under valgrind, whose preloaded core (vgpreload_*.so) is in LD_PRELOAD: it does not know
 * that PROCMAP_QUERY fills the name buffer and reports hundreds of false "uninitialised"
 * errors per run, which fails users' valgrind CI. The maps text costs it nothing. */
static int under_valgrind(void) {
  const char *p = xalt_getenv("LD_PRELOAD");
  static const char tag[] = "vgpreload_";
  for (; p && *p; p++)
    if (xalt_prefix_eq(p, tag, sizeof tag - 1)) return 1;
  return 0;
}

static int libs_from_loader(struct lib_list *l) {
  if (under_valgrind()) return -1;
  struct loader_walk w = {l, xalt_open("/proc/self/maps", O_RDONLY | O_CLOEXEC, 0), 0};
  if (w.maps_fd < 0) return -1;
  size_t at = l->b->len;
  dl_iterate_phdr(name_loaded_object, &w);
  xalt_close(w.maps_fd);
  if (!w.unsupported) return 0;
  l->b->len = at; /* start again from the maps text */
  l->count = 0;
  l->gpu_lib_seen = 0;
  return -1;
}

static int first_object(struct dl_phdr_info *info, size_t size, void *arg) {
  unsigned long long *gen = arg;
  if (size >= offsetof(struct dl_phdr_info, dlpi_subs) + sizeof info->dlpi_subs)
    *gen = ((unsigned long long)info->dlpi_adds << 32 ^ (unsigned long long)info->dlpi_subs) | 1ULL << 63;
  return 1; /* the counters are the same in every object's entry */
}

unsigned long long xalt_loader_generation(void) {
  unsigned long long gen = 0;
  dl_iterate_phdr(first_object, &gen);
  return gen;
}

void xalt_json_libA(struct xalt_jbuf *b, int *gpu_lib_seen, int in_signal_handler) {
  struct lib_list l = {b, 0, 0};
  xalt_jbuf_put(b, "[", 1);
  if (in_signal_handler || libs_from_loader(&l) != 0) libs_from_maps_text(&l);
  xalt_jbuf_put(b, "]", 1);
  if (gpu_lib_seen) *gpu_lib_seen = l.gpu_lib_seen;
}

void xalt_proc_path(char *out, long pid, const char *what) {
  char num[24];
  size_t n = xalt_fmt_long(num, pid);
  memcpy(out, "/proc/", 6);
  memcpy(out + 6, num, n);
  out[6 + n] = '/';
  xalt_copy(out + 7 + n, 32, what, NULL);
}

/* comm, ppid and start time from /proc/<pid>/stat ("pid (comm) S ppid ..."; comm may hold spaces). */
int xalt_proc_stat(long pid, char *comm, size_t cn, long *ppid, unsigned long long *start) {
  char path[64], buf[1024];
  xalt_proc_path(path, pid, "stat");
  int fd = xalt_open(path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0) return -1;
  long r = xalt_read(fd, buf, sizeof buf - 1);
  xalt_close(fd);
  if (r <= 0) return -1;
  buf[r] = '\0';
  char *open_p = strchr(buf, '('), *close_p = NULL;
  for (char *q = buf; *q; q++)
    if (*q == ')') close_p = q;
  if (!open_p || !close_p || close_p < open_p || close_p[1] != ' ') return -1;
  size_t len = (size_t)(close_p - open_p - 1);
  if (len >= cn) len = cn - 1;
  memcpy(comm, open_p + 1, len);
  comm[len] = '\0';
  const char *p = close_p + 2;
  while (*p && *p != ' ') p++; /* state */
  long v = 0;
  for (p++; *p >= '0' && *p <= '9'; p++) v = v * 10 + (*p - '0');
  *ppid = v;
  for (int field = 4; field < 21 && *p; p++) field += *p == ' '; /* to field 22, starttime */
  unsigned long long st = 0;
  for (; *p >= '0' && *p <= '9'; p++) st = st * 10 + (unsigned long long)(*p - '0');
  *start = st;
  return 0;
}

XALT_COLD static void json_ancestor(struct xalt_jbuf *b, long pid, const char *comm) {
  char path[64], exe[XALT_PATH_MAX], num[24];
  xalt_proc_path(path, pid, "exe");
  long r = xalt_readlink(path, exe, sizeof exe - 1);
  exe[r > 0 ? r : 0] = '\0';
  xalt_jbuf_puts(b, "{");
  xalt_json_kv_str(b, 1, "cmd_name", comm);
  xalt_json_kv_str(b, 0, "cmd_path", exe);
  xalt_jbuf_puts(b, ",\"pid\":");
  xalt_jbuf_put(b, num, xalt_fmt_long(num, pid));
  xalt_jbuf_puts(b, ",\"cmdlineA\":[");
  struct xalt_jbuf cmd;
  char mem[XALT_SMALL_JSON];
  xalt_jbuf_init_mem(&cmd, mem, sizeof mem);
  xalt_proc_path(path, pid, "cmdline");
  if (read_all(path, &cmd, 1) == 0) {
    size_t len = cmd.len;
    while (len && cmd.p[len - 1] == '\0') len--; /* the list ends in NUL */
    int secret_next = 0;
    for (size_t i = 0, first = 1; i < len;) {
      size_t al = strnlen(cmd.p + i, len - i);
      if (!first) xalt_jbuf_put(b, ",", 1);
      xalt_json_arg_redacted(b, cmd.p + i, al, &secret_next);
      first = 0;
      i += al + 1;
    }
  }
  xalt_jbuf_free(&cmd);
  xalt_jbuf_puts(b, "]}");
}

/* The ancestry as a JSON array, starting at `pid` whose stat was already read. */
XALT_COLD static void walk(struct xalt_jbuf *b, long pid, const char *comm0, long ppid0) {
  char comm[64];
  long ppid = ppid0;
  xalt_copy(comm, sizeof comm, comm0, "");
  xalt_jbuf_put(b, "[", 1);
  for (int depth = 0; depth < XALT_MAX_ANCESTRY; depth++) {
    unsigned long long start;
    if (depth && (xalt_proc_stat(pid, comm, sizeof comm, &ppid, &start) != 0 || ppid < 2)) break;
    if (depth) xalt_jbuf_put(b, ",", 1);
    json_ancestor(b, pid, comm);
    pid = ppid;
    if (pid < 2) break;
  }
  xalt_jbuf_put(b, "]", 1);
}

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434 /* Linux 5.3, the same number on every architecture */
#endif
/* Cache key from the parent's pidfd: on Linux 6.9+ (pidfs) its inode number names the
 * process uniquely for the life of the system ("i<pid>.<inode>\n"), so a cached ancestry is
 * found without reading /proc. Returns the key's length, 0 on older kernels, where every
 * pidfd shares one anonymous inode (the release uname gave the filters says which: no
 * fstatfs per run, and no pidfd at all on older kernels). */
static size_t pidfs_key(char *out, long pid) {
  if (!xalt_run.has_pidfs) return 0;
  long fd = xalt_syscall6(SYS_pidfd_open, pid, 0, 0, 0, 0, 0);
  if (fd < 0) return 0;
  struct stat st;
  int ok = xalt_fstatat((int)fd, "", &st, AT_EMPTY_PATH) == 0;
  xalt_close((int)fd);
  if (!ok) return 0;
  size_t n = 0;
  out[n++] = 'i';
  n += xalt_fmt_long(out + n, pid);
  out[n++] = '.';
  n += xalt_fmt_long(out + n, (long long)st.st_ino);
  out[n++] = '\n';
  return n;
}

/* Cache key on older kernels: the parent's pid, start time and parent ("pid start ppid\n"). */
static size_t pt_key(char *out, long pid, unsigned long long start, long ppid) {
  size_t n = xalt_fmt_long(out, pid);
  out[n++] = ' ';
  n += xalt_fmt_long(out + n, (long long)start);
  out[n++] = ' ';
  n += xalt_fmt_long(out + n, ppid);
  out[n++] = '\n';
  return n;
}

/* Append the cached ancestry to b if the cache file starts with `key`; returns 0 on a hit.
 * The file is read straight into b's free space (no second buffer on the stack). */
static int pt_lookup(struct xalt_jbuf *b, const char *path, const char *key, size_t kl) {
  int fd = xalt_open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC, 0);
  if (fd < 0) return -1;
  struct stat st;
  size_t at = b->len;
  if (xalt_fstatat(fd, "", &st, AT_EMPTY_PATH) == 0 && S_ISREG(st.st_mode) && st.st_uid == xalt_run.uid) {
    for (;;) { /* regular file: a short read is the end */
      if (b->cap - b->len < 1024) xalt_jbuf_reserve(b, 4096);
      if (b->failed) break;
      size_t room = b->cap - b->len - 1;
      long r = xalt_read(fd, b->p + b->len, room);
      if (r <= 0) break;
      b->len += (size_t)r;
      if ((size_t)r < room) break;
    }
  }
  xalt_close(fd);
  char *c = b->p + at;
  size_t cl = b->len - at;
  int hit = !b->failed && cl > kl + 1 && !memcmp(c, key, kl) && c[kl] == '[' && c[cl - 1] == ']';
  if (hit) {
    for (size_t i = 0; i + kl < cl; i++) c[i] = c[i + kl]; /* drop the key line */
    b->len -= kl;
  } else {
    b->len = at;
  }
  if (!b->failed) b->p[b->len] = '\0';
  return hit ? 0 : -1;
}

XALT_COLD static void pt_store(const char *dir, const char *path, const char *key, size_t kl, const struct xalt_jbuf *pt) {
  char tmp[XALT_PATH_MAX + 64];
  size_t dl = strlen(dir);
  if (pt->failed || dl + 40 > sizeof tmp) return;
  memcpy(tmp, dir, dl);
  memcpy(tmp + dl, "/.ptA.", 6);
  xalt_fmt_long(tmp + dl + 6, (long long)xalt_getpid());
  int fd = xalt_open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return;
  int ok = xalt_write(fd, key, kl) == (long)kl && xalt_write(fd, pt->p, pt->len) == (long)pt->len;
  xalt_close(fd);
  if (!ok || xalt_rename(tmp, path) != 0) xalt_unlink(tmp);
}

/* A cache miss: walk /proc and store the result (out of line: its buffer stays off the
 * stack of the common, cached case). */
__attribute__((noinline)) XALT_COLD static void pt_walk(struct xalt_jbuf *b, long pid, const char *comm, long ppid, const char *cache_dir,
                                              const char *path, const char *key, size_t kl) {
  struct xalt_jbuf pt;
  char mem[XALT_SMALL_JSON];
  xalt_jbuf_init_mem(&pt, mem, sizeof mem);
  walk(&pt, pid, comm, ppid);
  xalt_jbuf_put(b, pt.p, pt.len);
  if (cache_dir) pt_store(cache_dir, path, key, kl, &pt);
  xalt_jbuf_free(&pt);
}

void xalt_json_ptA(struct xalt_jbuf *b, const char *cache_dir, const char *cache) {
  long pid = (long)xalt_getppid(), ppid;
  unsigned long long start;
  char comm[64], key[80];
  if (pid < 2) { xalt_jbuf_put(b, "[]", 2); return; }
  /* One entry per user: siblings started by the same parent (a job script's commands)
   * share it; any other parent rewrites it. O(1) space, never a growing pile of files. */
  size_t kl = cache ? pidfs_key(key, pid) : 0;
  if (kl && pt_lookup(b, cache, key, kl) == 0) return;
  if (xalt_proc_stat(pid, comm, sizeof comm, &ppid, &start) != 0 || ppid < 2) { xalt_jbuf_put(b, "[]", 2); return; }
  if (!kl) {
    kl = pt_key(key, pid, start, ppid);
    if (cache && pt_lookup(b, cache, key, kl) == 0) return;
  }
  pt_walk(b, pid, comm, ppid, cache ? cache_dir : NULL, cache, key, kl);
}
