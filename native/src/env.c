/*
 * env.c — reading the environment without getenv: some programs (bash) replace getenv,
 * others clear or rewrite environ; we scan environ ourselves and never allocate.
 * signal-safe: yes. allocates: no.
 */
#define _GNU_SOURCE
#include <string.h>
#include <strings.h>

#include "internal.h"

extern char **environ;

const char *xalt_getenv(const char *name) {
  char **env = environ;
  if (!env) return NULL;
  size_t n = strlen(name);
  for (; *env; env++) {
    const char *e = *env;
    if (e[0] == name[0] && strncmp(e, name, n) == 0 && e[n] == '=') return e + n + 1;
  }
  return NULL;
}

int xalt_env_yesno(const char *name, int dflt) {
  const char *v = xalt_getenv(name);
  if (!v) return dflt;
  if (!strcasecmp(v, "yes") || !strcasecmp(v, "true") || !strcasecmp(v, "on") || !strcmp(v, "1")) return 1;
  if (!strcasecmp(v, "no") || !strcasecmp(v, "false") || !strcasecmp(v, "off") || !strcmp(v, "0") || !*v) return 0;
  return dflt;
}

void xalt_copy(char *dst, size_t n, const char *src, const char *dflt) {
  if (!src || !*src) src = dflt ? dflt : "";
  size_t len = strlen(src);
  if (len >= n) len = n - 1;
  memcpy(dst, src, len);
  dst[len] = '\0';
}
