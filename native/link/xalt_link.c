/*
 * xalt_link — the ld wrapper's helper (native/wrapper/ld calls it; docs/link.md).
 *
 *   xalt_link prepare WRAPPER [LD-ARGS...]
 *       Finds the real linker (never a wrapper: same file as WRAPPER, or the magic string in
 *       its first bytes), decides whether this link is recorded, and if so generates the
 *       watermark (XALT's note format, docs/link.md) as assembly in a fresh temporary
 *       directory and assembles it with the system `as`. Prints shell assignments for the
 *       wrapper to eval: xalt_real, xalt_mode (link|pass), xalt_tmp, xalt_obj, xalt_uuid,
 *       xalt_epoch, xalt_trace (yes: run the link with -t, its stdout captured).
 *   xalt_link record TMP UUID EPOCH TRACE REAL [LD-ARGS...]
 *       After a successful link: replays the captured linker output (trace lines removed),
 *       runs function tracking when XALT_FUNCTION_TRACKING=yes (a second link with REAL),
 *       writes the link record and removes TMP.
 *
 * The wrapper runs it with LD_PRELOAD removed, XALT_EXECUTABLE_TRACKING=no and
 * PATH=/usr/bin:/bin; the user's PATH and tracking switch arrive as XALT_LINK_USER_PATH and
 * XALT_LINK_TRACKING. Any failure here means "pass": the user's link runs untouched.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "functions.h"
#include "internal.h"

#define MAGIC "MAGIC_STRING__XALT__XALT__MAGIC_STRING" /* in the first lines of every wrapper (XALT's) */
#define MAGIC_SCAN 1024                                 /* bytes of a candidate searched for MAGIC */
#define XALT_LINK_VERSION "xalt-0.1.0"                  /* watermark XALT_Version, as XALT_qaT */
#define VALUE_MAX 4096 /* one watermark value; keeps the note below the collector's XALT_WATERMARK_MAX */

extern char **environ;

/* ---- finding the real linker ---- */

static int is_wrapper(const char *path, const struct stat *self) {
  struct stat st;
  if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || access(path, X_OK) != 0) return 1; /* unusable counts as "skip" */
  if (self && st.st_dev == self->st_dev && st.st_ino == self->st_ino) return 1;
  char buf[MAGIC_SCAN + 1];
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 1;
  ssize_t n = read(fd, buf, MAGIC_SCAN);
  close(fd);
  if (n <= 0) return 1;
  return memmem(buf, (size_t)n, MAGIC, sizeof MAGIC - 1) != NULL;
}

static int candidate(char *out, size_t n, const char *dir, size_t dl, const char *name, const struct stat *self) {
  size_t nl = strlen(name);
  if (dl == 0 || dl + nl + 2 > n) return 0;
  memcpy(out, dir, dl);
  out[dl] = '/';
  memcpy(out + dl + 1, name, nl + 1);
  return !is_wrapper(out, self);
}

/* The linker the wrapper stands in for: <wrapper>.x, then PATH, then /usr/bin and /bin. */
static int find_real(const char *wrapper, char *out, size_t n) {
  const char *slash = strrchr(wrapper, '/');
  const char *name = slash ? slash + 1 : wrapper;
  struct stat self_st, *self = stat(wrapper, &self_st) == 0 ? &self_st : NULL;
  char x[XALT_PATH_MAX];
  if (strlen(name) + 3 < sizeof x) {
    snprintf(x, sizeof x, "%s.x", name);
    if (slash && candidate(out, n, wrapper, (size_t)(slash - wrapper), x, self)) return 0;
  }
  const char *path = getenv("XALT_LINK_USER_PATH");
  for (const char *p = path ? path : ""; *p;) {
    const char *colon = strchr(p, ':');
    size_t len = colon ? (size_t)(colon - p) : strlen(p);
    if (len && candidate(out, n, p, len, name, self)) return 0;
    p += len + (colon ? 1 : 0);
  }
  if (candidate(out, n, "/usr/bin", 8, name, self) || candidate(out, n, "/bin", 4, name, self)) return 0;
  return -1;
}

/* ---- shell output ---- */

static void sh_assign(const char *var, const char *value) {
  fputs(var, stdout);
  fputs("='", stdout);
  for (const char *p = value; *p; p++) {
    if (*p == '\'') fputs("'\\''", stdout);
    else putchar(*p);
  }
  fputs("'\n", stdout);
}

/* ---- the watermark ---- */

/* `<Key>%%value%%` as a .asciz line: spaces as XALT's _%_%_, quotes and backslashes escaped. */
static void asciz(FILE *f, const char *key, const char *value) {
  fprintf(f, "\t.asciz \"<%s>%%%%", key);
  size_t n = 0;
  for (const unsigned char *p = (const unsigned char *)(value ? value : ""); *p && n < VALUE_MAX; p++, n++) {
    if (*p == ' ') fputs("_%_%_", f);
    else if (*p == '"' || *p == '\\') fprintf(f, "\\%c", *p);
    else if (*p >= 0x20 && *p != 0x7f) fputc(*p, f);
  }
  fputs("%%\"\n", f);
}

struct mark {
  const char *uuid, *compiler, *compiler_path;
  double epoch;
};

static void watermark_strings(FILE *f, const struct mark *m) {
  const struct xalt_run_state *r = &xalt_run;
  struct utsname u;
  char os[2 * sizeof u.release + 2] = "", epoch[48], year[8], date[64];
  if (uname(&u) == 0) snprintf(os, sizeof os, "%s %s", u.sysname, u.release);
  xalt_fmt_fixed4(epoch, m->epoch);
  time_t t = (time_t)m->epoch;
  struct tm tm;
  localtime_r(&t, &tm);
  strftime(year, sizeof year, "%Y", &tm);
  strftime(date, sizeof date, "%a %b %d %H:%M:%S %Y", &tm);
  asciz(f, "XALT_Version", XALT_LINK_VERSION);
  asciz(f, "Build_host", r->host);
  asciz(f, "Build_Syshost", r->syshost);
  asciz(f, "Build_compiler", m->compiler);
  asciz(f, "Build_compilerPath", m->compiler_path);
  asciz(f, "Build_OS", os);
  asciz(f, "Build_User", r->user);
  asciz(f, "Build_UUID", m->uuid);
  asciz(f, "Build_Year", year);
  asciz(f, "Build_date", date);
  asciz(f, "Build_LOADEDMODULES", getenv("LOADEDMODULES"));
  asciz(f, "Build_LMFILES", getenv("_LMFILES_"));
  asciz(f, "Build_CWD", r->cwd);
  asciz(f, "Build_Epoch", epoch);
}

/* The same strings twice, as XALT: a `.xalt` section and the allocated note that runs read. */
static int write_asm(const char *path, const struct mark *m) {
  FILE *f = fopen(path, "w");
  if (!f) return -1;
  fputs("# xalt watermark (docs/link.md): XALT note format v2\n"
        "\t.section .note.GNU-stack,\"\",@progbits\n"
        "\t.section .xalt,\"\",@progbits\n"
        "\t.asciz \"XALT_Link_Info\"\n"
        "\t.byte 0,0,0,0,0,0,0\n", f);
  watermark_strings(f, m);
  fputs("\t.byte 0,0,0,0,0,0,0\n"
        "\t.asciz \"XALT_Link_Info_End\"\n"
        "\t.section .note.xalt.info,\"a\",@note\n"
        "\t.p2align 2\n"
        "\t.long 1f - 0f\n"
        "\t.long 3f - 2f\n"
        "\t.long 0x746c6158\n"
        "0:\t.asciz \"XALT\"\n"
        "1:\t.p2align 2\n"
        "2:\t.byte 0x02\n"
        "\t.asciz \"XALT_Link_Info\"\n", f);
  watermark_strings(f, m);
  fputs("\t.byte 0,0,0,0,0,0,0\n"
        "\t.asciz \"XALT_Link_Info_End\"\n"
        "3:\t.p2align 2\n", f);
  return fclose(f) == 0 ? 0 : -1;
}

/* Run the system assembler quietly; returns 0 when it made the object. */
static int assemble(const char *s, const char *o, int elf32) {
  const char *argv[8];
  int k = 0;
  argv[k++] = "as";
  if (elf32 == 1) argv[k++] = "--32";
  if (elf32 == 2) argv[k++] = "--x32";
  argv[k++] = "-o";
  argv[k++] = o;
  argv[k++] = s;
  argv[k] = NULL;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid;
  int rc = posix_spawnp(&pid, "as", &fa, NULL, (char *const *)argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  int status;
  if (rc != 0 || waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static int prepare(int argc, char **argv) {
  char real[XALT_PATH_MAX];
  if (argc < 1 || find_real(argv[0], real, sizeof real) != 0) return 1; /* the wrapper falls back to its own search */
  sh_assign("xalt_real", real);
  struct xalt_ld_args a;
  xalt_ld_args_parse(&a, argc - 1, argv + 1);
  const char *tracking = getenv("XALT_LINK_TRACKING");
  if (a.info_only || a.partial || a.probe || !tracking || strcmp(tracking, "yes") != 0 || xalt_identity() != 0) {
    sh_assign("xalt_mode", "pass");
    return 0;
  }
  static struct xalt_link l; /* static: its de-duplication table is large for a stack */
  xalt_link_init(&l, &a, "wrapper");
  xalt_link_find_compiler(&l);
  double epoch = xalt_now();
  char uuid[XALT_UUID_LEN + 1], epoch_s[48], tmp[XALT_PATH_MAX - 16], s[XALT_PATH_MAX], o[XALT_PATH_MAX];
  xalt_uuid7(uuid, epoch);
  xalt_fmt_fixed4(epoch_s, epoch);
  const char *td = getenv("TMPDIR");
  snprintf(tmp, sizeof tmp, "%s/xalt_ld.XXXXXX", td && td[0] == '/' ? td : "/tmp");
  struct mark m = {uuid, l.compiler, l.compiler_path, epoch};
  int ok = mkdtemp(tmp) != NULL;
  if (!ok) { /* an unusable $TMPDIR: /tmp, as the compiler itself would */
    snprintf(tmp, sizeof tmp, "/tmp/xalt_ld.XXXXXX");
    ok = mkdtemp(tmp) != NULL;
  }
  snprintf(s, sizeof s, "%s/xalt.s", tmp);
  snprintf(o, sizeof o, "%s/xalt.o", tmp);
  ok = ok && write_asm(s, &m) == 0 && assemble(s, o, a.elf32) == 0;
  if (!ok) {
    unlink(s);
    unlink(o);
    rmdir(tmp);
    sh_assign("xalt_mode", "pass");
    return 0;
  }
  sh_assign("xalt_mode", "link");
  sh_assign("xalt_tmp", tmp);
  sh_assign("xalt_obj", o);
  sh_assign("xalt_uuid", uuid);
  sh_assign("xalt_epoch", epoch_s);
  sh_assign("xalt_trace", a.user_stdout ? "no" : "yes");
  return 0;
}

/* ---- after the link ---- */

/* A line of `ld -t` output: a path, "archive(member)", "(archive)member" or "-lc (path)". */
static int trace_line(struct xalt_link *l, const char *s, size_t n) {
  const char *path = s;
  size_t pl = n;
  const char *open = n ? memchr(s, '(', n) : NULL;
  if (open && s[n - 1] == ')') {
    if (open > s && open[-1] == ' ') { path = open + 1; pl = n - (size_t)(open - s) - 2; }
    else pl = (size_t)(open - s);
  } else if (n && s[0] == '(') {
    const char *close = memchr(s, ')', n);
    if (close) { path = s + 1; pl = (size_t)(close - s - 1); }
  }
  char p[XALT_PATH_MAX];
  struct stat st;
  if (pl > 0 && pl < sizeof p) {
    memcpy(p, path, pl);
    p[pl] = '\0';
    if (stat(p, &st) == 0) {
      xalt_link_add_input(l, p, pl);
      return 1;
    }
  }
  if (memmem(s, n, ": mode ", 7)) return 1; /* older bfd: "ld: mode elf_x86_64" */
  /* A file already gone, e.g. LTO's /tmp/cc*.ltrans0.ltrans.o: still a trace line, not output. */
  return pl > 0 && !memmem(path, pl, ": ", 2) && (path[0] == '/' || (pl > 2 && !memcmp(path + pl - 2, ".o", 2)));
}

static void copy_fd(int fd, int out) {
  char buf[8192];
  ssize_t r;
  while ((r = read(fd, buf, sizeof buf)) > 0)
    for (ssize_t done = 0, w; done < r; done += w)
      if ((w = write(out, buf + done, (size_t)(r - done))) <= 0) return;
}

/* Print the captured stdout without the trace lines; the trace becomes linkA. */
static void replay_stdout(struct xalt_link *l, const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) return;
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  while ((n = getline(&line, &cap, f)) > 0) {
    size_t len = (size_t)n;
    while (len && (line[len - 1] == '\n' || line[len - 1] == '\r')) len--;
    if (!trace_line(l, line, len)) fwrite(line, 1, (size_t)n, stdout);
  }
  free(line);
  fclose(f);
  fflush(stdout);
}

static int record(int argc, char **argv) {
  if (argc < 5 || strlen(argv[0]) > XALT_PATH_MAX - 16) return 2;
  const char *tmp = argv[0], *uuid = argv[1], *trace = argv[3];
  char out[XALT_PATH_MAX], err[XALT_PATH_MAX], s[XALT_PATH_MAX], o[XALT_PATH_MAX];
  snprintf(out, sizeof out, "%s/out", tmp);
  snprintf(err, sizeof err, "%s/err", tmp);
  snprintf(s, sizeof s, "%s/xalt.s", tmp);
  snprintf(o, sizeof o, "%s/xalt.o", tmp);
  struct xalt_ld_args a;
  xalt_ld_args_parse(&a, argc - 5, argv + 5);
  static struct xalt_link l; /* static: its de-duplication table is large for a stack */
  xalt_link_init(&l, &a, "wrapper");
  if (!realpath(o, l.exclude)) xalt_copy(l.exclude, sizeof l.exclude, o, NULL);
  xalt_copy(l.uuid, sizeof l.uuid, uuid, NULL);
  l.epoch = strtod(argv[2], NULL);
  if (!strcmp(trace, "yes")) replay_stdout(&l, out);
  int fd = open(err, O_RDONLY | O_CLOEXEC);
  if (fd >= 0) { copy_fd(fd, 2); close(fd); }
  if (strcmp(trace, "yes") != 0) xalt_link_inputs_from_args(&l, &a);
  struct xalt_jbuf functions;
  xalt_jbuf_init(&functions);
  if (xalt_function_tracking(argv[4], argc - 5, argv + 5, &functions) == 0) l.functions = &functions;
  xalt_link_find_compiler(&l);
  if (xalt_identity() == 0) xalt_link_emit(&l);
  xalt_jbuf_free(&functions);
  unlink(out);
  unlink(err);
  unlink(s);
  unlink(o);
  rmdir(tmp);
  return 0;
}

int main(int argc, char **argv) {
  if (argc >= 2 && !strcmp(argv[1], "prepare")) return prepare(argc - 2, argv + 2);
  if (argc >= 2 && !strcmp(argv[1], "record")) return record(argc - 2, argv + 2);
  fputs("usage: xalt_link prepare WRAPPER [LD-ARGS...] | record TMP UUID EPOCH TRACE REAL [LD-ARGS...]\n", stderr);
  return 2;
}
