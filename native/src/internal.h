/*
 * internal.h — the only header shared by the collector's translation units. Everything
 * declared here is hidden (the library is compiled with -fvisibility=hidden); the only
 * dynamic symbol is _Exit, for link tracking (see `make symbols`).
 */
#ifndef XALT_INTERNAL_H
#define XALT_INTERNAL_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* struct sigaction and friends under -std=c11 */
#endif

#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/types.h>

#include "site_config.h"

/* The decision path — what every process with tracking on runs before most of them are
 * skipped — is kept together in one section beside the constructor, so that it spans one
 * fault-around window of code (64 kB) instead of pages all over the library: each further
 * window is a page fault (~1-3 µs) in every such process. */
#define XALT_HOT __attribute__((section(".text.hot.xalt")))
/* Code an ordinary tracked run (transport ship, ancestry cache hit, no fatal signal) never
 * executes — the spool writer of transport direct and its SHA-1, package publishing, the
 * signal handler, a cache miss's /proc walk, the maps-text fallback, link tracking's
 * identity — goes to .text.unlikely, so the code every tracked process runs lies on fewer
 * pages (fewer page faults and TLB misses per process). */
#define XALT_COLD __attribute__((cold))

/* Sizes of the fixed buffers. Each names why it is that big. */
#define XALT_PATH_MAX 4096     /* Linux PATH_MAX: exec path, cwd, spool paths */
#define XALT_FIELD_MAX 256     /* scheduler ids, host names, user names: far above real values */
#define XALT_UUID_LEN 36       /* 8-4-4-4-12 */
#define XALT_STAMP_MAX 32      /* YYYY_MM_DD_HH_MM_SS_ffff */
#define XALT_DATE_MAX 32       /* C "%c": "Www Mmm dd hh:mm:ss yyyy" */
#define XALT_HEX_ID_MAX 129    /* build-id hex: 64 bytes is the largest id linkers emit */
#define XALT_SMALL_JSON 4096   /* first size of a growable JSON buffer; larger ones are mmap'd */
#define XALT_MAX_LIBS 4096     /* distinct shared objects remembered for libA de-duplication */
#define XALT_HOT_LIBS 64       /* of which kept beside the run's other fields (a small program's) */
#define XALT_TZ_FILE_MAX 65536 /* zone files are 0.1-4 kB; a bigger one is not a zone file */
#define XALT_POOL_SIZE (256 * 1024) /* a run's strings and JSON: ~5 kB in practice (see the pool) */
#define XALT_HANDLED_SIGNALS 14 /* signal.c: the synchronous fatal signals and XALT's asynchronous list */
#define XALT_MAX_ANCESTRY 64   /* process-tree depth walked (ptA, a link's compiler); real trees are < 20 deep */

/* ---- jbuf: a growable byte buffer (json.c). signal-safe, no malloc. It starts in storage
 * the caller lends (the run's pool, a stack array) or none, and moves to mmap'd memory
 * when that is too small. ---- */
struct xalt_jbuf {
  char *p;        /* start (lent storage or an mmap'd region) */
  size_t len;     /* bytes used */
  size_t cap;     /* bytes available */
  int mapped;     /* p was obtained from mmap and must be munmap'd */
  int failed;     /* an allocation failed: the content is incomplete, give the record up */
};

/* Reset `b` to empty, with no storage (the first put maps some). */
void xalt_jbuf_init(struct xalt_jbuf *b);
/* Reset `b` to empty, writing into `mem` (`cap` bytes) until that is full. */
void xalt_jbuf_init_mem(struct xalt_jbuf *b, char *mem, size_t cap);
/* Release any mmap'd storage of `b` and reset it (to no storage). */
void xalt_jbuf_free(struct xalt_jbuf *b);
/* Append `n` bytes from `s`; sets b->failed when the buffer cannot grow. */
void xalt_jbuf_put(struct xalt_jbuf *b, const char *s, size_t n);
/* Make room for `n` more bytes (sets b->failed when the buffer cannot grow). */
void xalt_jbuf_reserve(struct xalt_jbuf *b, size_t n);
/* Append a NUL-terminated string verbatim (no escaping). */
void xalt_jbuf_puts(struct xalt_jbuf *b, const char *s);
/* Append `n` bytes of `s` as a JSON string literal (quotes, escaping per contracts.md). */
void xalt_json_str(struct xalt_jbuf *b, const char *s, size_t n);
/* The same without the quotes: escaped bytes only (pieces of one string, cut at ASCII). */
void xalt_json_str_body(struct xalt_jbuf *b, const char *s, size_t n);

/* ---- redact.c: secrets replaced before anything is written (rules: src/schema/redact.ts) ---- */
/* Append argument `s` as a JSON string with its secrets replaced; *redact_next carries "the
 * previous argument was --password" from one argument to the next (start it at 0). */
void xalt_json_arg_redacted(struct xalt_jbuf *b, const char *s, size_t n, int *redact_next);
/* Append an environment value as a JSON string with URL credentials replaced. */
void xalt_json_env_value_redacted(struct xalt_jbuf *b, const char *s, size_t n);
/* Append a member's name: `lit` is `,"key":` (`n` bytes, a literal: no escaping needed),
 * written without its comma when *first, which it then clears. */
void xalt_json_key(struct xalt_jbuf *b, int *first, const char *lit, size_t n);
#define XALT_JSON_KEY(b, first, key) xalt_json_key((b), (first), ",\"" key "\":", sizeof(",\"" key "\":") - 1)
/* Append `"key":"value"` (with a leading comma unless `first`). */
void xalt_json_kv_str(struct xalt_jbuf *b, int first, const char *key, const char *value);
/* Append `"key":<v as %.4f>` (or %.5e below 1e-4), the userDT/XALT_measureT number format. */
void xalt_json_kv_num(struct xalt_jbuf *b, int first, const char *key, double v);
/* Format `v` like C "%.4f" (tiny non-zero values "%.5e") into `out` (>= 40 bytes); returns length. */
size_t xalt_fmt_fixed4(char *out, double v);
/* Format a signed integer in decimal into `out` (>= 24 bytes); returns length. */
size_t xalt_fmt_long(char *out, long long v);
/* CRC-16/CCITT-FALSE of `n` bytes. */
unsigned xalt_crc16(const char *s, size_t n);
/* The 4 upper-case hex digits of a crc, as records carry it ("0x" + these). */
void xalt_crc_hex(unsigned crc, char out[4]);
/* Append `\uXXXX` (lower-case hex) for the UTF-16 unit `u`. */
void xalt_json_u_escape(struct xalt_jbuf *b, unsigned u);
/* Replace the "0xFFFF" placeholder at offset 8 of a serialized record with its crc. */
void xalt_json_seal_crc(struct xalt_jbuf *b);

/* ---- PLT-free string helpers for the decision path: in a process that is not tracked,
 * every first call of a libc function costs a lazy symbol resolution (~1 µs). ---- */
static inline size_t xalt_strlen(const char *s) {
  size_t n = 0;
  while (s[n]) n++;
  return n;
}
static inline int xalt_streq(const char *a, const char *b) {
  while (*a && *a == *b) a++, b++;
  return *a == *b;
}
/* 1 when the first n bytes of a and b are equal (stops early at a NUL in a). */
static inline int xalt_prefix_eq(const char *a, const char *b, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (a[i] != b[i]) return 0;
  return 1;
}

/* 1 when `s` equals one of the strings of the NULL-terminated `list`. */
static inline int xalt_in_list(const char *s, const char *const *list) {
  for (; *list; list++)
    if (xalt_streq(s, *list)) return 1;
  return 0;
}
/* Lower-case hex of the `n` bytes at `d` into `out` (at most cap-1 digits, whole bytes only,
 * NUL-terminated; cap >= 1); returns the number of digits written. */
static inline size_t xalt_hex(const unsigned char *d, size_t n, char *out, size_t cap) {
  static const char HEX[] = "0123456789abcdef";
  size_t o = 0;
  for (size_t i = 0; i < n && o + 2 < cap; i++) {
    out[o++] = HEX[d[i] >> 4];
    out[o++] = HEX[d[i] & 15];
  }
  out[o] = '\0';
  return o;
}
/* 64-bit FNV-1a of `n` bytes: the de-duplication key of a library path (libA, linkA). */
static inline uint64_t xalt_fnv1a(const char *s, size_t n) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 0x100000001b3ULL;
  return h;
}

/* ---- sys: system calls and string functions without libc ----
 * In a fresh process every first call of a libc function through the PLT costs a lazy
 * symbol binding (~0.3-1 µs, plus stack pages for the resolver's register save area), and
 * libc's wrappers write errno, which the program must never see change. The collector's
 * hot path therefore makes its system calls directly: each returns the kernel's result,
 * a negative errno value on failure, and leaves errno alone. */
#if defined(__x86_64__)
static inline long xalt_syscall6(long n, long a, long b, long c, long d, long e, long f) {
  register long r10 __asm__("r10") = d;
  register long r8 __asm__("r8") = e;
  register long r9 __asm__("r9") = f;
  long ret;
  __asm__ volatile("syscall" : "=a"(ret) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9) : "rcx", "r11", "memory");
  return ret;
}
#else
long syscall(long number, ...);
int *__errno_location(void);
static inline long xalt_syscall6(long n, long a, long b, long c, long d, long e, long f) {
  int *ep = __errno_location(), saved = *ep;
  long r = syscall(n, a, b, c, d, e, f);
  if (r == -1) r = -*ep;
  *ep = saved;
  return r;
}
#endif
#define XALT_SC(n, a, b, c) xalt_syscall6((n), (long)(a), (long)(b), (long)(c), 0, 0, 0)
#if !defined(__LP64__) || !defined(SYS_newfstatat) || !defined(SYS_mmap)
#error "the collector's direct system calls assume a 64-bit Linux ABI (newfstatat, 6-argument mmap)"
#endif
#ifndef AT_FDCWD
#define AT_FDCWD -100
#endif
struct stat;
struct utsname;
static inline int xalt_open(const char *p, int flags, int mode) { return (int)xalt_syscall6(SYS_openat, AT_FDCWD, (long)p, flags, mode, 0, 0); }
static inline int xalt_openat(int dfd, const char *p, int flags, int mode) { return (int)xalt_syscall6(SYS_openat, dfd, (long)p, flags, mode, 0, 0); }
static inline int xalt_mkdirat(int dfd, const char *p, int mode) { return (int)XALT_SC(SYS_mkdirat, dfd, p, mode); }
static inline int xalt_unlinkat(int dfd, const char *p) { return (int)XALT_SC(SYS_unlinkat, dfd, p, 0); }
static inline long xalt_read(int fd, void *b, size_t n) { return XALT_SC(SYS_read, fd, b, n); }
static inline long xalt_write(int fd, const void *b, size_t n) { return XALT_SC(SYS_write, fd, b, n); }
static inline int xalt_close(int fd) { return (int)XALT_SC(SYS_close, fd, 0, 0); }
/* stat (flags 0), lstat (AT_SYMLINK_NOFOLLOW), fstat (p "" and AT_EMPTY_PATH). */
static inline int xalt_fstatat(int dfd, const char *p, struct stat *st, int flags) { return (int)xalt_syscall6(SYS_newfstatat, dfd, (long)p, (long)st, flags, 0, 0); }
static inline long xalt_readlink(const char *p, char *b, size_t n) { return xalt_syscall6(SYS_readlinkat, AT_FDCWD, (long)p, (long)b, (long)n, 0, 0); }
static inline int xalt_unlink(const char *p) { return (int)XALT_SC(SYS_unlinkat, AT_FDCWD, p, 0); }
static inline int xalt_mkdir(const char *p, int mode) { return (int)XALT_SC(SYS_mkdirat, AT_FDCWD, p, mode); }
static inline int xalt_chmod(const char *p, int mode) { return (int)XALT_SC(SYS_fchmodat, AT_FDCWD, p, mode); }
static inline int xalt_access(const char *p, int mode) { return (int)XALT_SC(SYS_faccessat, AT_FDCWD, p, mode); }
#ifdef SYS_renameat
static inline int xalt_rename(const char *a, const char *b) { return (int)xalt_syscall6(SYS_renameat, AT_FDCWD, (long)a, AT_FDCWD, (long)b, 0, 0); }
static inline int xalt_renameat(int dfd, const char *a, const char *b) { return (int)xalt_syscall6(SYS_renameat, dfd, (long)a, dfd, (long)b, 0, 0); }
#else /* architectures with renameat2 only (riscv64, loongarch64) */
static inline int xalt_rename(const char *a, const char *b) { return (int)xalt_syscall6(SYS_renameat2, AT_FDCWD, (long)a, AT_FDCWD, (long)b, 0, 0); }
static inline int xalt_renameat(int dfd, const char *a, const char *b) { return (int)xalt_syscall6(SYS_renameat2, dfd, (long)a, dfd, (long)b, 0, 0); }
#endif
static inline long xalt_getcwd(char *b, size_t n) { return XALT_SC(SYS_getcwd, b, n, 0); }
static inline int xalt_uname(struct utsname *u) { return (int)XALT_SC(SYS_uname, u, 0, 0); }
static inline pid_t xalt_getpid(void) { return (pid_t)XALT_SC(SYS_getpid, 0, 0, 0); }
static inline pid_t xalt_getppid(void) { return (pid_t)XALT_SC(SYS_getppid, 0, 0, 0); }
static inline uid_t xalt_getuid(void) { return (uid_t)XALT_SC(SYS_getuid, 0, 0, 0); }
/* mmap of anonymous private memory; NULL on failure. */
static inline void *xalt_mmap_anon(size_t n) {
  long r = xalt_syscall6(SYS_mmap, 0, (long)n, 3 /* PROT_READ|PROT_WRITE */, 0x22 /* MAP_PRIVATE|MAP_ANONYMOUS */, -1, 0);
  return (unsigned long)r > -4096UL ? NULL : (void *)r;
}
static inline int xalt_munmap(void *p, size_t n) { return (int)XALT_SC(SYS_munmap, p, n, 0); }

/* String functions as plain loops (see above). */
static inline void *xalt_memcpy(void *d, const void *s, size_t n) {
  char *o = d;
  const char *i = s;
  for (; n >= 8; n -= 8, o += 8, i += 8) __builtin_memcpy(o, i, 8); /* one 8-byte move each */
  while (n--) *o++ = *i++;
  return d;
}
static inline int xalt_memcmp(const void *a, const void *b, size_t n) {
  const unsigned char *x = a, *y = b;
  for (; n; n--, x++, y++)
    if (*x != *y) return *x - *y;
  return 0;
}
static inline void *xalt_memchr(const void *s, int c, size_t n) {
  const unsigned char *p = s;
  for (; n; n--, p++)
    if (*p == (unsigned char)c) return (void *)p;
  return NULL;
}
static inline char *xalt_strchr(const char *s, int c) {
  for (;; s++) {
    if (*s == (char)c) return (char *)s;
    if (!*s) return NULL;
  }
}
static inline int xalt_strcmp(const char *a, const char *b) {
  while (*a && *a == *b) a++, b++;
  return (unsigned char)*a - (unsigned char)*b;
}
static inline int xalt_strncmp(const char *a, const char *b, size_t n) {
  for (; n; n--, a++, b++) {
    if (*a != *b) return (unsigned char)*a - (unsigned char)*b;
    if (!*a) return 0;
  }
  return 0;
}
static inline size_t xalt_strnlen(const char *s, size_t n) {
  size_t i = 0;
  while (i < n && s[i]) i++;
  return i;
}
/* strtol(v, &end, 10) without libc: returns 1 and sets *out when v starts with a number
 * (leading white space and a sign allowed; clamped to the range of long, as strtol). */
static inline int xalt_parse_long(const char *v, long *out) {
  while (*v == ' ' || (*v >= '\t' && *v <= '\r')) v++;
  int neg = *v == '-';
  if (*v == '-' || *v == '+') v++;
  if (*v < '0' || *v > '9') return 0;
  unsigned long x = 0, lim = neg ? (unsigned long)LONG_MAX + 1 : (unsigned long)LONG_MAX;
  for (; *v >= '0' && *v <= '9'; v++) {
    unsigned d = (unsigned)(*v - '0');
    x = x > (lim - d) / 10 ? lim : x * 10 + d;
  }
  *out = neg ? (long)(0UL - x) : (long)x;
  return 1;
}
static inline void *xalt_memset(void *d, int c, size_t n) {
  unsigned char *o = d;
  while (n--) *o++ = (unsigned char)c;
  return d;
}
/* libc's strlen (vectorized) for strings that may run to kilobytes — every environment
 * variable, captured once a process is tracked: a lazy symbol binding once per tracked process
 * instead of a byte loop over all of environ (~4 instructions a byte). Not for the decision
 * path. (Defined before the macros below, which would otherwise rename it.) */
static inline size_t xalt_long_strlen(const char *s) { return strlen(s); }
/* Every file of the collector calls these through the names below. */
#define memcpy(d, s, n) xalt_memcpy(d, s, n)
#define memcmp(a, b, n) xalt_memcmp(a, b, n)
#define memchr(s, c, n) xalt_memchr(s, c, n)
#define strchr(s, c) xalt_strchr(s, c)
#define strcmp(a, b) xalt_strcmp(a, b)
#define strncmp(a, b, n) xalt_strncmp(a, b, n)
#define strnlen(s, n) xalt_strnlen(s, n)
#define strlen(s) xalt_strlen(s)
#define memset(d, c, n) xalt_memset(d, c, n)

/* ---- env.c: our own environ scan (programs may override getenv or clear environ) ---- */
/* Value of `name` in the current environ, or NULL. Never allocates. */
const char *xalt_getenv(const char *name);
/* 1 for yes/true/on/1, 0 for no/false/off/0 (case-insensitive), `dflt` when unset or other. */
int xalt_env_yesno(const char *name, int dflt);
/* Copy `src` (may be NULL -> `dflt`) into `dst` of size `n`, truncating. */
void xalt_copy(char *dst, size_t n, const char *src, const char *dflt);

/* ---- trace.c: diagnostics, only when XALT_TRACING asks ---- */
/* Set up tracing from XALT_TRACING (yes, yes0 = rank 0 only, run = only tracked runs). */
void xalt_trace_init(int rank);
/* Called once a run is known to be tracked (enables XALT_TRACING=run). */
void xalt_trace_tracked(void);
/* Write "xalt: " + the pieces (NULL-terminated list) + "\n" to the trace fd; bounded count. */
void xalt_trace(const char *first, ...);
/* 1 when tracing is on. */
int xalt_tracing(void);

/* ---- the run being tracked (init.c owns it) ---- */
struct xalt_sched {
  char scheduler[16];
  char account[XALT_FIELD_MAX];
  char job_id[XALT_FIELD_MAX];
  char queue[XALT_FIELD_MAX];
  char submit_host[XALT_FIELD_MAX];
  char job_step[XALT_FIELD_MAX];
  char array_job_id[64];            /* "" outside an array job (ids are numbers) */
  char array_task_id[32];
  long num_nodes;
  long cpus_per_task;                /* >= 1 */
};

/* A piece of the run's JSON kept for every record (in the pool, or mmap'd when large). */
struct xalt_slice {
  const char *p;
  size_t len;
};

/* signal.c: the action a handled signal had before ours (compact: a struct sigaction is 152
 * bytes, and every page of the state a run touches costs a page fault). */
struct xalt_prev_action {
  void (*handler)(int);                     /* sa_handler: SIG_DFL, SIG_IGN or a function */
  void (*action)(int, siginfo_t *, void *); /* sa_sigaction, when flags has SA_SIGINFO */
  int flags;           /* sa_flags */
  int sig;             /* 0: slot unused */
  uint64_t mask;       /* sa_mask, signals 1..64 */
};

struct xalt_run_state {
  /* Laid out so that a tracked run touches two or three pages of it (each first touch of a
   * page is a page fault, ~1.3 µs here, plus its release at exit): the fixed-size fields,
   * then the pool, where everything of variable size is packed one after another; what few
   * runs use comes last. */
  pid_t pid;                        /* the process the run belongs to (fork children differ) */
  uid_t uid;
  double start_time;                /* epoch seconds, CLOCK_REALTIME */
  double t0_mono;                   /* CLOCK_MONOTONIC at init, for XALT_measureT */
  double init_cost;                 /* seconds spent in the constructor */
  /* Paths live packed in `pool` (one page touched instead of one page per path). */
  char *exec_path;
  char *cwd;                        /* at start */
  char *home;                       /* $HOME at start */
  char *prefix;                     /* spool prefix ("" = home layout) */
  char *tmpdir;
  char *pkg_staging;                /* "" unless a PKGS run */
  char *run_staging;                /* <tmpdir>/xalt_run.<uid>.<job>.<uuid>.json, "" until named */
  int start_staged;                 /* the start record is in run_staging (the end replaces or removes it) */
  long num_tasks;
  long num_threads;
  int is_pkgs;
  int always_record;                /* start records for num_tasks >= this (policy mpi) */
  enum xalt_start_policy start_policy;
  int sampling;
  int track_mpi, track_scalar;      /* the switches as they were at start (for XALT_qaT) */
  enum xalt_transport transport;    /* the site's, or none (XALT_TRANSMISSION_STYLE=none) */
  int track_gpu;                    /* [tracking] gpu / XALT_GPU_TRACKING */
  double testing_runtime;           /* < 0 when XALT_TESTING_RUNTIME is unset */
  int tracked;                      /* passed every filter at init */
  int exe_from_proc;                /* exec_path came from /proc/self/exe (else execve's own name) */
  int has_pidfs;                    /* Linux 6.9+ (from uname): a pidfd's inode number names a process */
  int end_done;                     /* the end record was attempted (once per process) */
  int cache_dir_state;              /* sha1.c: 0 unknown, 1 usable, -1 not */
  int tz_state;                     /* tz.c: 0 not loaded, 1 TZif, 2 UTC, -1 libc */
  size_t tz_len;
  int hash_done;                    /* exe identity (and sha1, direct transport) looked up, once per run */
  int have_exe_mtime;
  double exe_mtime;                 /* the executable's modification time (execModify) */
  double measure_sha1, measure_pta; /* seconds spent on hash_id and ptA (XALT_measureT) */
  char sha1[41];                    /* hash_id (direct transport only; xalt-ship fills it otherwise) */
  char exe_identity[96];            /* "<st_dev>:<st_ino>:<st_size>:<st_mtime>", "" if unknown */
  char run_uuid[XALT_UUID_LEN + 1];
  char parent_uuid[XALT_UUID_LEN + 1];
  char stamp[XALT_STAMP_MAX];       /* file-name stamp of the start time */
  char start_date[XALT_DATE_MAX];
  char build_id[XALT_HEX_ID_MAX];
  char user[XALT_FIELD_MAX];        /* $USER if safe for a file name, else the uid */
  char host[XALT_FIELD_MAX];        /* uname nodename */
  char syshost[XALT_FIELD_MAX];
  struct xalt_sched sched;
  struct xalt_prev_action previous[XALT_HANDLED_SIGNALS]; /* signal.c */
  /* Working storage of single files, kept here (mmap'd, zero pages until touched) rather than
   * in .bss: an untracked process then maps no .bss at all. */
  char *cache_dir;                  /* sha1.c: the checked per-user cache directory, "" until checked */
  const unsigned char *tz_data;     /* tz.c: the zone file's bytes (in the pool) */
  struct xalt_slice cmdline;        /* cmdlineA JSON, built at init (argv may be rewritten later) */
  struct xalt_slice envt;           /* envT JSON, built at init (the program may clear environ) */
  struct xalt_slice pta;            /* ptA JSON once built (a start record's is reused by the end record) */
  struct xalt_slice liba;           /* libA JSON of the start record, reused by the end record while
                                       the loader has loaded and unloaded nothing since (liba_gen) */
  unsigned long long liba_gen;      /* xalt_loader_generation() when liba was built; 0: none */
  int liba_gpu;                     /* liba lists a GPU library */
  int container;                    /* record.c: 0 unknown, 1 in a Singularity container, -1 not */
  struct xalt_slice link_t;         /* xaltLinkT JSON (the watermark), built at init */
  double build_epoch;               /* the watermark's Build_Epoch, -1 without one */
  size_t pool_used;                 /* bytes of the pool in use; pool[0] is the "" unset paths point to */
  int pool_open;                    /* a jbuf is writing at the pool's tail (xalt_pool_jbuf) */
  uint64_t lib_seen[XALT_HOT_LIBS]; /* procfs.c: hashes of the first libA paths listed */
  char pool[XALT_POOL_SIZE];        /* pool.c: the run's strings and JSON, packed */
  uint64_t more_lib_seen[XALT_MAX_LIBS - XALT_HOT_LIBS]; /* procfs.c: hashes of the others */
  char long_name[XALT_PATH_MAX];    /* procfs.c: a mapping's name too long for the stack buffer */
};

/*
 * The pool: everything of variable size a run keeps (paths, cmdlineA, envT, ptA, xaltLinkT,
 * the zone file) and the record being written, one after another in one region, so a run
 * touches two or three pages of it. Used like a stack: what is committed stays, a mark
 * taken before temporary data (a record and its file names) is released after it.
 */
/* Room for one path (XALT_PATH_MAX bytes) at the end of the pool. */
char *xalt_pool_tail(void);
/* Keep the string written at the tail; returns it. */
char *xalt_pool_commit(void);
/* A pooled copy of `s` (or `dflt` when s is NULL/empty), truncated to a path's size. */
char *xalt_pool_copy(const char *s, const char *dflt);
/* Start `b` at the pool's tail (all the room left); until xalt_pool_keep or
 * xalt_pool_release nothing else may be added to the pool. */
void xalt_pool_jbuf(struct xalt_jbuf *b);
/* Keep what `b` (from xalt_pool_jbuf) holds; returns it. */
struct xalt_slice xalt_pool_keep(struct xalt_jbuf *b);
/* The pool's fill level, to release temporary data back to it. */
size_t xalt_pool_mark(void);
/* Drop everything added since `mark` (and `b`'s mapped storage, if b is not NULL). */
void xalt_pool_release(size_t mark, struct xalt_jbuf *b);

/* The run's state, mmap'd when a process turns out to be tracked (NULL otherwise). */
extern struct xalt_run_state *xalt_state;
#define xalt_run (*xalt_state)

/* ---- decide.c ---- */
/* Outcome of the path rules for the executable: XALT_ACT_KEEP, _PKGS or _SKIP. */
enum xalt_action xalt_classify(const char *exec_path, int argc, char **argv);
/* 1 when the executable is one of xalt's own programs or a shell (never tracked). */
int xalt_is_self_or_shell(const char *exec_path);

/* ---- syshost.c ---- */
/* The syshost of node `host` by the site config's rule into `out` (`n` bytes); '.' and '/'
 * become '_' (file names use dots as separators). Shared with xalt-ship. */
void xalt_syshost_of(const char *host, char *out, size_t n);

/* ---- sched.c: MPI rank/size and scheduler facts from the environment ---- */
/* MPI rank of this process (0 when not in a parallel launch). */
long xalt_mpi_rank(void);
/* MPI world size (>= 1); XALT_COMM_WORLD_SIZE wins. */
long xalt_mpi_size(void);
/* Fill scheduler fields (SLURM, PBS, SGE, LSF, FLUX or unknown). */
void xalt_sched_read(struct xalt_sched *s);

/* ---- procfs.c ---- */
/* readlink(/proc/self/exe) into `out`; returns 0 on success. */
int xalt_exe_path(char *out, size_t n);
/* The auxiliary vector from the kernel's initial stack, after `envp` (the environment the
 * process started with); NULL when the constructor was not given that layout (dlopen). */
const unsigned long *xalt_auxv(int argc, char **argv, char **envp);
/* The file name execve was given (from `auxv`), when it can only be the executable's real
 * path if no symbolic link is on the way: absolute, no ".", ".." or "//" component, not a
 * script or binfmt_misc program. NULL when only /proc can tell. No system call. */
const char *xalt_exe_path_candidate(int argc, char **argv, const unsigned long *auxv);
/* 1 when no component of `path` is a symbolic link (one openat2 RESOLVE_NO_SYMLINKS, Linux
 * 5.6+; 0 on older kernels or any error). */
int xalt_path_has_no_symlink(const char *path);
/* Append libA (the shared objects in /proc/self/maps) as a JSON array to `b`. From the
 * loader's object list named by the kernel where it can (Linux 6.11+), else, and always in
 * a signal handler, from the maps text. */
void xalt_json_libA(struct xalt_jbuf *b, int *gpu_lib_seen, int in_signal_handler);
/* A number that changes whenever the dynamic loader loads or unloads an object (glibc's
 * dlpi_adds and dlpi_subs), never 0; 0 when the loader does not say. Not for signal handlers. */
unsigned long long xalt_loader_generation(void);
/* Append ptA (ancestry from the parent upwards) as a JSON array to `b`. With a cache
 * directory (xalt_cache_dir_path) and its file `cache` (<dir>/ptA), the last ancestry built
 * is reused while the parent is the same process (pid, start time and its parent unchanged). */
void xalt_json_ptA(struct xalt_jbuf *b, const char *cache_dir, const char *cache);

/* ---- elf.c: notes of the main program, read from memory ---- */
/* 0 when another copy of the collector comes first in the loader's order (it tracks). */
int xalt_first_collector_is_self(void);
/* The XALT watermark note strings (v2) in the mapped program; sets *len (0 if none). */
const char *xalt_find_watermark(size_t *len);
/* Hex of the main program's NT_GNU_BUILD_ID into `out`; "" if none. */
void xalt_read_build_id(char *out, size_t n);
/* Append xaltLinkT (parsed watermark) as a JSON object; sets *build_epoch (or -1). */
void xalt_json_watermark(struct xalt_jbuf *b, const char *wm, size_t len, double *build_epoch);

/* The auxiliary vector (`auxv`, from xalt_auxv; getauxval when NULL) says AT_SECURE (setuid,
 * setgid, file capabilities): such a process is never tracked. */
int xalt_secure_exec(const unsigned long *auxv);

/* ---- sha1.c ---- */
struct stat;
/* SHA-1 of the file `path` (whose stat is `exe`) as 40 hex digits, using the per-user cache
 * in `tmpdir`: a hit costs no open of the file. Returns 0 on success. */
int xalt_sha1_file_cached(const char *path, const struct stat *exe, const char *tmpdir, uid_t uid, char out[41]);
/* "<tmpdir>/xalt_sha1.<uid>", created 0700 if missing and checked once per process (kept in
 * the pool): NULL unless it is a directory owned by `uid` with no group/other access (so no
 * other user can plant entries). Not while a jbuf writes at the pool's tail. */
const char *xalt_cache_dir_path(const char *tmpdir, uid_t uid);
/* SHA-1 of `n` bytes into 20-byte `digest`. */
void xalt_sha1(const unsigned char *data, size_t n, unsigned char digest[20]);
/* Name of the pkg record for `package` (`len` bytes) of run `run_uuid`: the first 12 hex
 * digits of SHA-1("<run_uuid>\n<package>") (contracts.md), into out[13]. Used by the
 * collector (transport direct) and xalt-ship alike. */
void xalt_pkg_unique(const char *run_uuid, const char *package, size_t len, char out[13]);

/* ---- uuid.c ---- */
/* Fill `n` random bytes (getrandom; a time/pid mix if that fails). */
void xalt_random(void *out, size_t n);
/* A fresh UUIDv7 (lowercase, 36 chars + NUL) for epoch time `now`. */
void xalt_uuid7(char out[XALT_UUID_LEN + 1], double now);
/* Uniform random number in [0, 1). */
double xalt_random_unit(void);

/* ---- tz.c ---- */
struct tm;
/* Local broken-down time of epoch `t` ($TZ as at start, else /etc/localtime); 0 on success. */
int xalt_localtime(double t, struct tm *tm);

/* ---- timefmt.c ---- */
/* Current CLOCK_REALTIME / CLOCK_MONOTONIC in seconds. */
double xalt_now(void);
double xalt_mono(void);
/* `YYYY_MM_DD_HH_MM_SS_ffff` (local time) of epoch `t`. */
void xalt_fmt_stamp(char *out, size_t n, double t);
/* `YYYYMM` (local time) of epoch `t`. */
void xalt_fmt_month(char *out, size_t n, double t);
/* C-locale "%c" (local time) of epoch `t`. */
void xalt_fmt_cdate(char *out, size_t n, double t);

/* ---- record.c ---- */
struct xalt_end {
  int is_start;       /* 1: start record (end_time 0) */
  double end_time;
  double run_time;
  double probability;
  int exit_status;    /* -1 unknown */
  int signal;         /* 0 none */
  const char *end_reason; /* "", "exit", "signal" */
};
/* Serialize the run record (crc sealed) into `b`, at the pool's tail; returns the pool mark
 * to release it with, xalt_pool_release(mark, b), once it is written. */
size_t xalt_build_record(struct xalt_jbuf *b, const struct xalt_end *e);

/* ---- emit_file.c ---- */
/* The start record, where the transport puts it: node-local staging (the run file, created
 * O_EXCL) and, transport direct with policy always/mpi, the spool ("aaa"). */
void xalt_emit_start(const struct xalt_jbuf *rec, int to_spool);
/* The end record: renamed over the run file in staging (ship, syslog), or written to the
 * spool ("zzz", direct) and the staged start removed; returns 0 on success. */
int xalt_emit_end(const struct xalt_jbuf *rec);
/* A run that sampling drops: its run file and pkg staging file are removed. */
void xalt_drop_run(void);
/* The run's pkg staging file at its end: published into the spool and removed (direct),
 * left for xalt-ship (ship, syslog), removed (none). */
void xalt_finish_pkgs(void);
/* Name the run file in staging (xalt_run.run_staging, in the pool; "" when it does not fit). */
void xalt_run_staging_path(void);
/* Path of this run's pkg staging file (contracts.md) into out; "" when it does not fit. */
void xalt_pkg_staging_path(char *out, size_t n);
/* Around any file writing: SIGXFSZ ignored (a file-size limit must fail our write, not kill). */
void xalt_quiet_begin(void);
void xalt_quiet_end(void);
/* Name of the transport for trace lines. */
const char *xalt_transport_name(enum xalt_transport t);

/* ---- sample.c ---- */
/* Sampling probability for a run of `run_time` seconds (1 when sampling does not apply). */
double xalt_sampling_probability(double run_time);

/* ---- gpu.c ---- */
/* Number of GPUs visible to the process (from *_VISIBLE_DEVICES or /dev). */
long xalt_gpu_count(void);
/* GPUs a run used, for its end record: 0 unless GPU tracking is on and a GPU runtime or
 * driver library was loaded (`gpu_lib`); then the devices visible to it. */
long xalt_gpus_used(int gpu_lib);

/* ---- finish.c ---- */
/* Fill the start-time strings (stamp, start_date) once; not signal-safe, so init does it when handlers are on. */
void xalt_fill_dates(void);
/* Build and write the end record (once). `status` -1 unknown; `sig` 0 unless a signal. */
void xalt_finish(int status, int sig);

/* ---- signal.c ---- */
/* Which handlers XALT_SIGNAL_HANDLER (else the config) asks for: 0 none, 1 the synchronous
 * fatal signals (the default), 2 those and XALT's asynchronous list ("all"). */
int xalt_signal_mode(void);
/* Install the handlers for `mode` (> 0). */
void xalt_signal_install(int mode);

/* ---- link tracking (link_args.c, link_record.c, link_elf.c, linker.c; helpers in native/link/) ---- */
#define XALT_LINK_WRAPPER_ENV "XALT_LINK_WRAPPER_PID" /* set by the ld wrapper for its real linker */

/* What a linker's command line says (argv[1..], @files expanded one level). */
struct xalt_ld_args {
  struct xalt_jbuf all;          /* the arguments, each NUL terminated */
  int count;
  char output[XALT_PATH_MAX];    /* -o value as given, "a.out" by default */
  int shared;                    /* -shared / -Bshareable */
  int info_only;                 /* no arguments, --version, -v, --help: nothing is linked */
  int partial;                   /* -r / --relocatable / -Ur / -i */
  int probe;                     /* conftest, cmTC_*, cmTryCompileExec*: configure probes */
  int user_stdout;               /* options that print to stdout (-M, --verbose, -t, ...) */
  int elf32;                     /* -m elf_i386 (1) or -m elf32_x86_64 (2) */
};
/* Parse argv[0..argc) (the linker's arguments without its name) into `a`; free with xalt_ld_args_free. */
void xalt_ld_args_parse(struct xalt_ld_args *a, int argc, char *const *argv);
void xalt_ld_args_free(struct xalt_ld_args *a);
/* Next argument after `p` (NULL starts), or NULL at the end. */
const char *xalt_ld_args_next(const struct xalt_ld_args *a, const char *p);

/* One link being recorded. */
struct xalt_link {
  char uuid[XALT_UUID_LEN + 1];
  double epoch;
  const char *source;                 /* "wrapper" or "collector" */
  char output[XALT_PATH_MAX];         /* absolute path of the output */
  char compiler[XALT_FIELD_MAX];
  char compiler_path[XALT_PATH_MAX];
  int shared;
  struct xalt_jbuf link_line;         /* JSON array: the compiler's argv */
  struct xalt_jbuf inputs;            /* linkA paths, NUL terminated, de-duplicated */
  char exclude[XALT_PATH_MAX];        /* the watermark object, never listed */
  const struct xalt_jbuf *functions;  /* JSON array from function tracking, or NULL for [] */
  size_t nseen;                       /* linkA de-duplication: hashes of the paths listed */
  uint64_t seen[8192];                /* (real links list < 1000 files) */
};
/* Start `l`: output made absolute from `a`, empty lists. */
void xalt_link_init(struct xalt_link *l, const struct xalt_ld_args *a, const char *source);
void xalt_link_free(struct xalt_link *l);
/* Compiler (XALT's rules: skip list, first ancestor, overrides, MPI wrappers) and link_line. */
void xalt_link_find_compiler(struct xalt_link *l);
/* Add an input file to linkA (canonical path; XALT's exclusions applied); len may be (size_t)-1. */
void xalt_link_add_input(struct xalt_link *l, const char *path, size_t len);
/* linkA from the arguments (-l resolved through -L and the default directories) and the output's DT_NEEDED. */
void xalt_link_inputs_from_args(struct xalt_link *l, const struct xalt_ld_args *a);
/* Build and write the link record (needs xalt_identity()); returns 0 when written. */
int xalt_link_emit(struct xalt_link *l);
/* 1 when a basename is a linker's (ld, ld.bfd, ld.gold, ld.lld, lld, mold, *-ld, *-ld.*). */
int xalt_is_linker_name(const char *base);

/* link_elf.c: facts from an ELF file on disk. */
/* Hex NT_GNU_BUILD_ID of the file into out ("" if none); returns 0 when the file is ELF. */
int xalt_elf_file_build_id(const char *path, char *out, size_t n);
/* Call `fn` for each DT_NEEDED name, then each RUNPATH/RPATH directory (kind 'n' or 'r'). */
int xalt_elf_file_dynamic(const char *path, void (*fn)(void *ctx, int kind, const char *s), void *ctx);

/* linker.c: the collector inside a linker that no wrapper is handling; returns 1 when a link
 * record is pending (the run state must then be kept). */
int xalt_linker_init(int argc, char **argv);
/* Cheap check before any state exists: does argv[0] or the executable path name a linker?
 * Returns 1 if so. */
int xalt_linker_candidate(const char *argv0, const char *exe);
/* comm (truncated to cn-1), parent pid and start time (clock ticks) of `pid` from
 * /proc/<pid>/stat; comm may hold spaces and parentheses. Returns 0, or -1 if unreadable. */
int xalt_proc_stat(long pid, char *comm, size_t cn, long *ppid, unsigned long long *start);
/* "/proc/<pid>/<what>" into `out` (>= 40 bytes; `what` up to 16 characters). */
void xalt_proc_path(char *out, long pid, const char *what);

/* init.c: user, host, syshost, spool prefix and cwd of this process into xalt_run (if not
 * tracked), creating the state when there is none; returns 0 when xalt_run is usable. */
int xalt_identity(void);
/* emit_file.c: write a link record (spool file `name`, in the directory of (epoch, uuid)) where
 * the transport says: staging xalt_link.<uid>.<job>.<uuid>.json, or the spool (direct). */
int xalt_emit_link(const struct xalt_jbuf *rec, const char *name, double epoch, const char *uuid);

#endif
