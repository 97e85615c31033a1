/*
 * functions.c — XALT's function tracking, only when
 * XALT_FUNCTION_TRACKING=yes: link once more without the libraries that modules provide
 * (the reverse map's `xlibmap`) and list the symbols left undefined — the functions the
 * program takes from module libraries. Costs a second link, hence off by default.
 * signal-safe: no. allocates: yes.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "functions.h"

#define RMAP_MAX (64 << 20) /* a reverse map larger than this is not read */
#define MAX_FUNCS 65536     /* distinct functions kept */

extern char **environ;

/* The reverse map: <dir>/reverseMapD/xalt_rmapT.json or <dir>/xalt_rmapT.json for each dir of XALT_ETC_DIR. */
static char *read_rmap(void) {
  const char *etc = getenv("XALT_ETC_DIR");
  static const char *const names[] = {"/reverseMapD/xalt_rmapT.json", "/xalt_rmapT.json", NULL};
  for (const char *p = etc ? etc : ""; *p;) {
    const char *colon = strchr(p, ':');
    size_t len = colon ? (size_t)(colon - p) : strlen(p);
    for (const char *const *n = names; len && *n; n++) {
      char path[4096];
      if (len + strlen(*n) >= sizeof path) continue;
      memcpy(path, p, len);
      strcpy(path + len, *n);
      FILE *f = fopen(path, "r");
      if (!f) continue;
      char *buf = malloc(RMAP_MAX + 1);
      size_t got = buf ? fread(buf, 1, RMAP_MAX, f) : 0;
      fclose(f);
      if (buf) { buf[got] = '\0'; return buf; }
    }
    p += len + (colon ? 1 : 0);
  }
  return NULL;
}

/* "libfoo.so.1.2" / "libfoo.a" / "/x/libfoo.so" -> "libfoo" (length), 0 when not a library name. */
static size_t lib_base(const char *s, size_t n) {
  const char *slash = memrchr(s, '/', n);
  if (slash) { n -= (size_t)(slash + 1 - s); s = slash + 1; }
  if (n < 4 || memcmp(s, "lib", 3) != 0) return 0;
  for (size_t i = 3; i + 2 <= n; i++) {
    if (s[i] != '.') continue;
    if ((i + 3 <= n && !memcmp(s + i, ".so", 3) && (i + 3 == n || s[i + 3] == '.')) || (i + 2 == n && s[i + 1] == 'a'))
      return i;
  }
  return 0;
}

/* Is `base` (libNAME) among the xlibmap entries? A plain scan of the JSON array's strings. */
static int in_xlibmap(const char *xlib, const char *base, size_t bl) {
  for (const char *p = xlib; p && *p && *p != ']';) {
    const char *q = strchr(p, '"');
    if (!q) break;
    const char *e = strchr(q + 1, '"');
    if (!e) break;
    const char *name = q + 1;
    size_t len = (size_t)(e - name);
    const char *slash = memrchr(name, '/', len);
    const char *start = slash ? slash + 1 : name;
    if (lib_base(name, len) == bl && !memcmp(start, base, bl)) return 1;
    p = e + 1;
    while (*p == ',' || *p == ' ' || *p == '\n' || *p == '\t' || *p == '\r') p++;
  }
  return 0;
}

/* Symbol named by one linker diagnostic line (bfd, gold or lld wording), copied to out. */
static int undefined_symbol(const char *line, char *out, size_t n) {
  const char *p = strstr(line, "undefined reference to ");
  const char *s = NULL, *e = NULL;
  if (p) {
    s = p + 23;
    if (*s == '`' || *s == '\'') s++;
    e = strchr(s, '\'');
  } else if ((p = strstr(line, "undefined symbol: "))) {
    s = p + 18;
    e = s + strcspn(s, "\r\n");
  }
  if (!s || !e || e <= s || (size_t)(e - s) >= n) return 0;
  memcpy(out, s, (size_t)(e - s));
  out[e - s] = '\0';
  return 1;
}

int xalt_function_tracking(const char *real, int argc, char *const *argv, struct xalt_jbuf *out) {
  const char *on = getenv("XALT_FUNCTION_TRACKING");
  if (!on || strcmp(on, "yes") != 0) return -1;
  char *rmap = read_rmap();
  const char *xlib = rmap ? strstr(rmap, "\"xlibmap\"") : NULL;
  if (!xlib) { free(rmap); return -1; }
  xlib = strchr(xlib, '[');
  char **args = calloc((size_t)argc + 6, sizeof *args);
  int k = 0;
  args[k++] = (char *)real;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "-o")) { i++; continue; }
    if (!strncmp(a, "-o", 2) && a[2]) continue;
    char base[4096];
    size_t bl = 0;
    if (!strncmp(a, "-l", 2) && a[2] && a[2] != ':' && strlen(a) + 1 < sizeof base) {
      bl = (size_t)snprintf(base, sizeof base, "lib%s", a + 2);
    } else if (a[0] == '/') {
      bl = lib_base(a, strlen(a));
      const char *slash = strrchr(a, '/');
      if (bl) memcpy(base, slash + 1, bl);
    }
    if (bl && in_xlibmap(xlib, base, bl)) continue; /* a module library: left out on purpose */
    args[k++] = (char *)a;
  }
  args[k++] = "--unresolved-symbols=report-all";
  args[k++] = "-o";
  args[k++] = "/dev/null";
  args[k] = NULL;
  int fds[2];
  int rc = -1;
  if (pipe(fds) == 0) {
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
    posix_spawn_file_actions_addclose(&fa, fds[0]);
    pid_t pid;
    if (posix_spawn(&pid, real, &fa, NULL, args, environ) == 0) {
      close(fds[1]);
      FILE *f = fdopen(fds[0], "r");
      char *line = NULL, sym[1024];
      size_t cap = 0;
      int nf = 0;
      xalt_jbuf_put(out, "[", 1);
      while (f && getline(&line, &cap, f) > 0) {
        if (!undefined_symbol(line, sym, sizeof sym) || nf >= MAX_FUNCS) continue;
        char quoted[1100];
        struct xalt_jbuf q;
        xalt_jbuf_init(&q);
        xalt_json_str(&q, sym, strlen(sym));
        size_t ql = q.len < sizeof quoted - 1 ? q.len : 0;
        memcpy(quoted, q.p, ql);
        quoted[ql] = '\0';
        xalt_jbuf_free(&q);
        if (!ql || memmem(out->p, out->len, quoted, ql)) continue; /* once per function */
        if (nf++) xalt_jbuf_put(out, ",", 1);
        xalt_jbuf_put(out, quoted, ql);
      }
      xalt_jbuf_put(out, "]", 1);
      free(line);
      if (f) fclose(f);
      int st;
      waitpid(pid, &st, 0);
      rc = 0;
    } else {
      close(fds[0]);
      close(fds[1]);
    }
    posix_spawn_file_actions_destroy(&fa);
  }
  free(args);
  free(rmap);
  return rc;
}
