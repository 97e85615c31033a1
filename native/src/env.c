/*
 * env.c — reading the environment without getenv: some programs (bash) replace getenv,
 * others clear or rewrite environ; we scan environ ourselves and never allocate.
 * signal-safe: yes. allocates: no.
 */
#define _GNU_SOURCE
#include <string.h>

#include "internal.h"

extern char **environ;

const char *xalt_getenv(const char *name) {
  char **env = environ;
  if (!env) return NULL;
  size_t n = xalt_strlen(name);
  for (; *env; env++) {
    const char *e = *env;
    if (e[0] == name[0] && xalt_prefix_eq(e, name, n) && e[n] == '=') return e + n + 1;
  }
  return NULL;
}

/* ASCII case-insensitive equality (strcasecmp would bind a libc symbol and read locale tables). */
static int same_word(const char *v, const char *lower) {
  for (; *v && *lower; v++, lower++) {
    char c = *v >= 'A' && *v <= 'Z' ? (char)(*v - 'A' + 'a') : *v;
    if (c != *lower) return 0;
  }
  return *v == *lower;
}

int xalt_env_yesno(const char *name, int dflt) {
  const char *v = xalt_getenv(name);
  if (!v) return dflt;
  if (same_word(v, "yes") || same_word(v, "true") || same_word(v, "on") || !strcmp(v, "1")) return 1;
  if (same_word(v, "no") || same_word(v, "false") || same_word(v, "off") || !strcmp(v, "0") || !*v) return 0;
  return dflt;
}

void xalt_copy(char *dst, size_t n, const char *src, const char *dflt) {
  if (!src || !*src) src = dflt ? dflt : "";
  size_t len = 0; /* a plain loop: used on the decision path, where a memcpy call costs a symbol binding */
  while (src[len] && len + 1 < n) {
    dst[len] = src[len];
    len++;
  }
  dst[len] = '\0';
}
