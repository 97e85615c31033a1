/*
 * link_record.c — the link record (src/schema/link-record.ts), shared by the
 * ld wrapper's helper (native/link/xalt_link.c) and the collector inside a linker
 * (linker.c): the compiler found by walking the process tree as XALT does, linkA (from the
 * linker trace, or from the arguments and the output's dynamic section), SHA-1 and build-id
 * of the output, written where run records go (node-local staging, or the spool with
 * transport direct).
 * signal-safe: no (realpath, mmap). allocates: yes (mmap-backed buffers).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "internal.h"
#include "record_fields.h"

#define XALT_MAX_DIRS 256     /* library search directories (-L plus defaults) */

/* XALT's skip list (comm names, 15 chars at most) plus our wrapper's helper. */
static const char *const SKIP[] = {"collect2", "bash", "Python", "python", "sh", "dash", "x86_64-linux-gn", "xalt_link", NULL};
/* Language drivers that link through another compiler: XALT's list, plus nvcc and hipcc (which link with g++). */
static const char *const OVERRIDE[] = {"rustc", "chpl", "nim", "ghc", "icx", "ifx", "icpx", "nvcc", "hipcc", NULL};
static const char *const MPI[] = {"mpiCC", "mpic++", "mpicc", "mpicxx", "mpif77", "mpif90", "mpifc", "mpifort", "mpigcc",
                                  "mpigxx", "mpig++", "mpiicc", "mpiicpc", "mpiifort", "mpiicx", "mpiicpx", "mpiifx",
                                  "mpipgic++", "mpipgicc", "mpipgifort", "mpixlC", "mpixlc", "mpixlf", "mpinvc", "mpinvfortran", NULL};

/* ld, ld.bfd, ld.gold, ld.lld, lld, mold, gold, *-ld, *-ld.*, *-lld; never ld.so (the loader). */
/* Runs for every process a path rule skips (linker.c), so it calls no libc function and
 * reads no string constant (names spelled out as character comparisons): a process about
 * to be skipped pays neither a symbol binding nor a page fault of read-only data. */
XALT_HOT int xalt_is_linker_name(const char *b) {
  size_t n = xalt_strlen(b);
#define C(i, c) (b[i] == (c))
  if (n == 2 && C(0, 'l') && C(1, 'd')) return 1;                                           /* ld */
  if (n == 3 && C(0, 'l') && C(1, 'l') && C(2, 'd')) return 1;                              /* lld */
  if (n == 4 && (C(0, 'm') || C(0, 'g')) && C(1, 'o') && C(2, 'l') && C(3, 'd')) return 1; /* mold, gold */
  if (n == 5 && C(0, 'l') && C(1, 'd') && C(2, '.') && C(3, 's') && C(4, 'o')) return 0;   /* ld.so: the dynamic loader */
  if (n >= 3 && C(0, 'l') && C(1, 'd') && C(2, '.')) return 1;                              /* ld.bfd, ld.gold, ld.lld, ld.mold */
  if (n > 3 && C(n - 3, '-') && C(n - 2, 'l') && C(n - 1, 'd')) return 1;                   /* x86_64-linux-gnu-ld */
  if (n > 4 && C(n - 4, '-') && C(n - 3, 'l') && C(n - 2, 'l') && C(n - 1, 'd')) return 1;  /* rust-lld */
  for (size_t i = 0; i + 4 <= n; i++)                                                        /* x86_64-linux-gnu-ld.bfd */
    if (C(i, '-') && C(i + 1, 'l') && C(i + 2, 'd') && C(i + 3, '.')) return 1;
  return 0;
#undef C
}

void xalt_link_init(struct xalt_link *l, const struct xalt_ld_args *a, const char *source) {
  memset(l, 0, sizeof *l);
  xalt_jbuf_init(&l->link_line);
  xalt_jbuf_init(&l->inputs);
  l->source = source;
  l->shared = a->shared;
  if (a->output[0] == '/') xalt_copy(l->output, sizeof l->output, a->output, NULL);
  else {
    char cwd[XALT_PATH_MAX];
    if (!getcwd(cwd, sizeof cwd)) cwd[0] = '\0';
    size_t cl = strlen(cwd), ol = strlen(a->output);
    if (cl + 1 + ol < sizeof l->output) {
      memcpy(l->output, cwd, cl);
      l->output[cl] = '/';
      memcpy(l->output + cl + 1, a->output, ol + 1);
    }
  }
}

void xalt_link_free(struct xalt_link *l) {
  xalt_jbuf_free(&l->link_line);
  xalt_jbuf_free(&l->inputs);
}

/* ---- the process tree ---- */

struct proc {
  long pid, ppid;
  char comm[64];
};

/* comm and ppid of `pid`, parsed by the collector's /proc reader (procfs.c). */
static int read_proc(long pid, struct proc *p) {
  unsigned long long start;
  if (xalt_proc_stat(pid, p->comm, sizeof p->comm, &p->ppid, &start) != 0) return -1;
  p->pid = pid;
  return 0;
}

static void proc_exe(long pid, char *out, size_t n) {
  char path[64];
  xalt_proc_path(path, pid, "exe");
  ssize_t r = readlink(path, out, n - 1);
  out[r > 0 ? r : 0] = '\0';
}

static void proc_cmdline_json(long pid, struct xalt_jbuf *b) {
  char path[64], chunk[4096];
  struct xalt_jbuf raw;
  xalt_jbuf_init(&raw);
  xalt_proc_path(path, pid, "cmdline");
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  ssize_t r;
  if (fd >= 0) {
    while ((r = read(fd, chunk, sizeof chunk)) > 0) xalt_jbuf_put(&raw, chunk, (size_t)r);
    close(fd);
  }
  size_t len = raw.len;
  while (len && raw.p[len - 1] == '\0') len--;
  b->len = 0;
  xalt_jbuf_put(b, "[", 1);
  int secret_next = 0;
  for (size_t i = 0; i < len;) {
    size_t al = strnlen(raw.p + i, len - i);
    if (i) xalt_jbuf_put(b, ",", 1);
    xalt_json_arg_redacted(b, raw.p + i, al, &secret_next);
    i += al + 1;
  }
  xalt_jbuf_put(b, "]", 1);
  xalt_jbuf_free(&raw);
}

void xalt_link_find_compiler(struct xalt_link *l) {
  struct proc p;
  long pid = (long)getppid();
  int depth = 0;
  xalt_copy(l->compiler, sizeof l->compiler, "unknown", NULL);
  xalt_copy(l->compiler_path, sizeof l->compiler_path, "unknown", NULL);
  xalt_jbuf_puts(&l->link_line, "[]");
  for (; depth < XALT_MAX_ANCESTRY && pid >= 2 && read_proc(pid, &p) == 0; depth++) {
    pid = p.ppid;
    if (xalt_in_list(p.comm, SKIP) || xalt_is_linker_name(p.comm)) continue;
    xalt_copy(l->compiler, sizeof l->compiler, p.comm, NULL);
    proc_exe(p.pid, l->compiler_path, sizeof l->compiler_path);
    proc_cmdline_json(p.pid, &l->link_line);
    break;
  }
  /* Above the compiler: a language driver overrides it, the first MPI wrapper wraps it. */
  for (; depth < XALT_MAX_ANCESTRY && pid >= 2 && read_proc(pid, &p) == 0; depth++) {
    pid = p.ppid;
    if (xalt_in_list(p.comm, OVERRIDE)) {
      xalt_copy(l->compiler, sizeof l->compiler, p.comm, NULL);
      proc_exe(p.pid, l->compiler_path, sizeof l->compiler_path);
    } else if (xalt_in_list(p.comm, MPI)) {
      char name[XALT_FIELD_MAX], path[XALT_PATH_MAX];
      size_t nl = strlen(p.comm), cl = strlen(l->compiler), pl = strlen(l->compiler_path);
      if (nl + cl + 3 > sizeof name || cl + pl + 2 > sizeof path) break;
      memcpy(name, p.comm, nl);
      name[nl] = '(';
      memcpy(name + nl + 1, l->compiler, cl);
      memcpy(name + nl + 1 + cl, ")", 2);
      memcpy(path, l->compiler, cl);
      path[cl] = ':';
      memcpy(path + cl + 1, l->compiler_path, pl + 1);
      xalt_copy(l->compiler, sizeof l->compiler, name, NULL);
      xalt_copy(l->compiler_path, sizeof l->compiler_path, path, NULL);
      break;
    }
  }
}

/* ---- linkA ---- */

static int ends_with(const char *s, size_t n, const char *tail) {
  size_t t = strlen(tail);
  return n >= t && !memcmp(s + n - t, tail, t);
}

/* XALT's exclusions: ':' (not a path), /tmp/ (compiler temporaries), objects, its own library. */
static int excluded(const char *s, size_t n) {
  return memchr(s, ':', n) || (n >= 5 && !memcmp(s, "/tmp/", 5)) || ends_with(s, n, ".o") ||
         ends_with(s, n, "librun_submission.a");
}

void xalt_link_add_input(struct xalt_link *l, const char *path, size_t len) {
  char raw[XALT_PATH_MAX], real[PATH_MAX];
  if (len == (size_t)-1) len = strlen(path);
  if (len == 0 || len >= sizeof raw || excluded(path, len)) return;
  memcpy(raw, path, len);
  raw[len] = '\0';
  if (!realpath(raw, real)) return;
  size_t rl = strlen(real);
  struct stat st;
  if (excluded(real, rl) || (l->exclude[0] && !strcmp(real, l->exclude)) || stat(real, &st) != 0 || !S_ISREG(st.st_mode)) return;
  uint64_t h = xalt_fnv1a(real, rl);
  for (size_t i = 0; i < l->nseen; i++)
    if (l->seen[i] == h) return;
  if (l->nseen < sizeof l->seen / sizeof l->seen[0]) l->seen[l->nseen++] = h;
  xalt_jbuf_put(&l->inputs, real, rl + 1);
}

/* Library search directories: -L in order, then the linker's defaults. */
struct dirs {
  const char *d[XALT_MAX_DIRS];
  int n;
  char multiarch[XALT_FIELD_MAX * 4];
};

static void add_dir(struct dirs *ds, const char *d) {
  if (ds->n < XALT_MAX_DIRS && d && *d) ds->d[ds->n++] = d;
}

static void default_dirs(struct dirs *ds) {
  struct utsname u;
  char *p = ds->multiarch, *end = p + sizeof ds->multiarch;
  static const char *const tails[] = {"/usr/local/lib/", "/lib/", "/usr/lib/"};
  if (uname(&u) == 0 && strlen(u.machine) < 64) {
    for (int i = 0; i < 3; i++) {
      size_t need = strlen(tails[i]) + strlen(u.machine) + sizeof "-linux-gnu";
      if (p + need > end) break;
      add_dir(ds, p);
      p = stpcpy(stpcpy(stpcpy(p, tails[i]), u.machine), "-linux-gnu") + 1;
    }
  }
  static const char *const plain[] = {"/lib64", "/usr/lib64", "/usr/local/lib", "/lib", "/usr/lib", NULL};
  for (const char *const *d = plain; *d; d++) add_dir(ds, *d);
}

/* dir/name into out if it is a file; returns 1 when found. */
static int try_file(const char *dir, const char *name, char *out, size_t n) {
  size_t dl = strlen(dir), nl = strlen(name);
  if (dl + nl + 2 > n) return 0;
  memcpy(out, dir, dl);
  out[dl] = '/';
  memcpy(out + dl + 1, name, nl + 1);
  struct stat st;
  return stat(out, &st) == 0 && S_ISREG(st.st_mode);
}

/* -l<spec>: lib<spec>.so then lib<spec>.a per directory (only .a when linking statically), -l:<file> exactly. */
static void add_library(struct xalt_link *l, const struct dirs *ds, const char *spec, int is_static) {
  char name[NAME_MAX + 1], path[XALT_PATH_MAX];
  size_t sl = strlen(spec);
  if (sl + 7 > sizeof name) return;
  for (int i = 0; i < ds->n; i++) {
    if (spec[0] == ':') {
      if (try_file(ds->d[i], spec + 1, path, sizeof path)) { xalt_link_add_input(l, path, (size_t)-1); return; }
      continue;
    }
    memcpy(name, "lib", 3);
    memcpy(name + 3, spec, sl);
    if (!is_static) {
      memcpy(name + 3 + sl, ".so", 4);
      if (try_file(ds->d[i], name, path, sizeof path)) { xalt_link_add_input(l, path, (size_t)-1); return; }
    }
    memcpy(name + 3 + sl, ".a", 3);
    if (try_file(ds->d[i], name, path, sizeof path)) { xalt_link_add_input(l, path, (size_t)-1); return; }
  }
}

/* Options whose value is the next argument (so it is not an input file). */
static const char *const WITH_VALUE[] = {"-o", "--output", "-m", "-e", "--entry", "-L", "-l", "-dynamic-linker", "--dynamic-linker",
                                         "-plugin", "--plugin", "-plugin-opt", "--plugin-opt", "-z", "-h", "-soname", "--soname",
                                         "-rpath", "--rpath", "-rpath-link", "--rpath-link", "-y", "-Y", "-u", "--undefined",
                                         "-A", "-b", "--format", "-f", "-F", "-G", "-R", "-Map", "--Map", "-T", "--script",
                                         "--version-script", "--dynamic-list", "--defsym", "--wrap", "--exclude-libs", "-init",
                                         "-fini", "--out-implib", "-a", "--thread-count", "--just-symbols", "--dependency-file",
                                         "--retain-symbols-file", "--section-start", "-Ttext", "-Tdata", "-Tbss", "--oformat",
                                         "--architecture", "--sysroot", "--hash-style", "-P", "--audit", "--depaudit", "-c", "-flavor", NULL};

struct needed_ctx {
  struct xalt_link *l;
  struct dirs *ds;
  const char *names[256];
  int n;
};

static void on_dynamic(void *ctx, int kind, const char *s) {
  struct needed_ctx *c = ctx;
  if (kind == 'n') { /* copied: the file's mapping is gone when we use them */
    char *copy = c->n < 256 ? strdup(s) : NULL;
    if (copy) c->names[c->n++] = copy;
    return;
  }
  /* RUNPATH/RPATH: colon separated; $ORIGIN is not expanded (left out rather than guessed). */
  for (const char *p = s; *p;) {
    const char *colon = strchr(p, ':');
    size_t len = colon ? (size_t)(colon - p) : strlen(p);
    if (len && p[0] == '/' && c->ds->n < XALT_MAX_DIRS) {
      char *copy = strndup(p, len);
      if (copy) c->ds->d[c->ds->n++] = copy; /* freed with the context below */
    }
    p += len + (colon ? 1 : 0);
  }
}

void xalt_link_inputs_from_args(struct xalt_link *l, const struct xalt_ld_args *a) {
  struct dirs ds = {{0}, 0, {0}};
  for (const char *s = xalt_ld_args_next(a, NULL); s; s = xalt_ld_args_next(a, s)) {
    if (!strcmp(s, "-L") || !strcmp(s, "--library-path")) add_dir(&ds, xalt_ld_args_next(a, s));
    else if (!strncmp(s, "-L", 2)) add_dir(&ds, s + 2);
    else if (!strncmp(s, "--library-path=", 15)) add_dir(&ds, s + 15);
  }
  default_dirs(&ds);
  int is_static = 0;
  for (const char *s = xalt_ld_args_next(a, NULL); s; s = xalt_ld_args_next(a, s)) {
    if (s[0] != '-') { xalt_link_add_input(l, s, (size_t)-1); continue; }
    if (!strcmp(s, "-Bstatic") || !strcmp(s, "-static") || !strcmp(s, "-dn") || !strcmp(s, "-non_shared")) is_static = 1;
    else if (!strcmp(s, "-Bdynamic") || !strcmp(s, "-dy") || !strcmp(s, "-call_shared")) is_static = 0;
    if (!strcmp(s, "-l") || !strcmp(s, "--library")) {
      const char *v = xalt_ld_args_next(a, s);
      if (v) add_library(l, &ds, v, is_static);
    } else if (!strncmp(s, "-l", 2)) add_library(l, &ds, s + 2, is_static);
    else if (!strncmp(s, "--library=", 10)) add_library(l, &ds, s + 10, is_static);
    if (xalt_in_list(s, WITH_VALUE)) s = xalt_ld_args_next(a, s);
    if (!s) break;
  }
  /* What the output needs at run time, resolved through its RUNPATH, -L and the defaults. */
  struct needed_ctx c = {l, &ds, {0}, 0};
  int before = ds.n;
  xalt_elf_file_dynamic(l->output, on_dynamic, &c);
  struct dirs search = {{0}, 0, {0}};
  for (int i = before; i < ds.n; i++) add_dir(&search, ds.d[i]);
  for (int i = 0; i < before; i++) add_dir(&search, ds.d[i]);
  for (int k = 0; k < c.n; k++) {
    char path[XALT_PATH_MAX];
    if (strchr(c.names[k], '/')) { xalt_link_add_input(l, c.names[k], (size_t)-1); continue; }
    for (int i = 0; i < search.n; i++)
      if (try_file(search.d[i], c.names[k], path, sizeof path)) { xalt_link_add_input(l, path, (size_t)-1); break; }
  }
  for (int k = 0; k < c.n; k++) free((void *)c.names[k]);
  for (int i = before; i < ds.n; i++) free((void *)ds.d[i]);
}

/* ---- the record ---- */

/* The value of each resultT member (the list and its order: gen/record_fields.h). */
#define RT_uuid l->uuid
#define RT_link_program l->compiler
#define RT_link_path l->compiler_path
#define RT_build_user r->user
#define RT_build_epoch epoch
#define RT_exec_path l->output
#define RT_hash_id sha
#define RT_wd r->cwd
#define RT_build_syshost r->syshost
#define RT_build_host r->host
#define RT_build_id build_id
#define RT_link_source l->source
#define RT_shared (l->shared ? "yes" : "no")

static void result_t(struct xalt_jbuf *b, const struct xalt_link *l, const char *sha, const char *build_id) {
  const struct xalt_run_state *r = &xalt_run;
  char epoch[48];
  xalt_fmt_fixed4(epoch, l->epoch);
  int first = 1;
  xalt_jbuf_puts(b, "{");
#define X(key)                                    \
  xalt_json_kv_str(b, first, #key, RT_##key); \
  first = 0;
  XALT_LINK_RESULTT_MEMBERS(X)
#undef X
  xalt_jbuf_puts(b, "}");
}

static void link_a(struct xalt_jbuf *b, const struct xalt_link *l) {
  xalt_jbuf_puts(b, "[");
  for (size_t i = 0; i < l->inputs.len;) {
    const char *p = l->inputs.p + i;
    size_t n = strlen(p);
    xalt_jbuf_puts(b, i ? ",[" : "[");
    xalt_json_str(b, p, n);
    xalt_jbuf_puts(b, ",\"0\"]");
    i += n + 1;
  }
  xalt_jbuf_puts(b, "]");
}

static void functions(struct xalt_jbuf *b, const struct xalt_link *l) {
  if (l->functions && l->functions->len) xalt_jbuf_put(b, l->functions->p, l->functions->len);
  else xalt_jbuf_puts(b, "[]");
}

/* The value of each top-level member. */
#define LINK_crc xalt_jbuf_puts(&b, "\"0xFFFF\"") /* sealed when complete */
#define LINK_resultT result_t(&b, l, sha, build_id)
#define LINK_linkA link_a(&b, l)
#define LINK_function functions(&b, l)
#define LINK_link_line xalt_jbuf_put(&b, l->link_line.p, l->link_line.len)

int xalt_link_emit(struct xalt_link *l) {
  if (xalt_run.transport == XALT_TRANSPORT_NONE) return 0;
  struct stat st;
  char sha[41] = "", build_id[XALT_HEX_ID_MAX] = "";
  if (stat(l->output, &st) != 0 || !S_ISREG(st.st_mode)) return -1;
  /* Hashing through the collector's cache means the program's first run finds its hash ready. */
  if (xalt_sha1_file_cached(l->output, &st, xalt_run.tmpdir, xalt_run.uid, sha) != 0) sha[0] = '\0';
  xalt_elf_file_build_id(l->output, build_id, sizeof build_id);
  struct xalt_jbuf b;
  xalt_jbuf_init(&b);
  int first = 1;
  xalt_jbuf_puts(&b, "{");
#define X(key)                                                 \
  xalt_jbuf_puts(&b, first ? "\"" #key "\":" : ",\"" #key "\":"); \
  first = 0;                                                   \
  LINK_##key;
  XALT_LINK_MEMBERS(X)
#undef X
  xalt_jbuf_puts(&b, "}\n");
  xalt_json_seal_crc(&b);
  char stamp[XALT_STAMP_MAX], name[XALT_PATH_MAX];
  xalt_fmt_stamp(stamp, sizeof stamp, l->epoch);
  const struct xalt_run_state *r = &xalt_run;
  size_t need = strlen(r->syshost) + strlen(stamp) + strlen(r->user) + XALT_UUID_LEN + 16;
  int rc = -1;
  if (need < sizeof name) {
    char *p = stpcpy(stpcpy(stpcpy(stpcpy(stpcpy(stpcpy(stpcpy(name, "link."), r->syshost), "."), stamp), "."), r->user), ".");
    stpcpy(stpcpy(p, l->uuid), ".json");
    xalt_quiet_begin();
    rc = xalt_emit_link(&b, name, l->epoch, l->uuid);
    xalt_quiet_end();
  }
  xalt_jbuf_free(&b);
  return rc;
}
