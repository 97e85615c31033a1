/*
 * decide.c — is this executable tracked? The compiled path rules decide (first rule whose
 * pattern matches the whole path), CUSTOM paths are refined by their arguments as in XALT
 * (docs/config.md). Independently of any rule, xalt's own programs and shells are never
 * tracked: a site rule that keeps them would make xalt track itself (XALT issue #46).
 * signal-safe: no (realpath). allocates: no.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

#include "never_tracked.h"

/* Basenames that are never tracked: shells and the helpers xalt (and XALT) run, the lists of
 * src/config/builtin-rules.ts. */
static const char *const NEVER[] = {XALT_NEVER_TRACKED_NAMES, NULL};

XALT_HOT int xalt_is_self_or_shell(const char *exec_path) {
  const char *base = exec_path;
  for (const char *p = exec_path; *p; p++)
    if (*p == '/') base = p + 1;
  if (xalt_prefix_eq(base, "xalt_", 5) || xalt_prefix_eq(base, "xalt-", 5)) return 1;
  for (const char *const *n = NEVER; *n; n++)
    if (xalt_streq(base, *n)) return 1;
  const char *dir = xalt_site_config.install_dir;
  size_t dl = dir ? xalt_strlen(dir) : 0;
  while (dl > 1 && dir[dl - 1] == '/') dl--;
  return dl > 0 && xalt_prefix_eq(exec_path, dir, dl) && exec_path[dl] == '/';
}

XALT_HOT static enum xalt_action match(enum xalt_rule_list list, const char *s, size_t n) {
  return xalt_rule_action(list, xalt_rule_match(list, s, n));
}

/* XALT's second stage for CUSTOM paths: "<path>;<arg>" for each argument in turn. */
__attribute__((noinline)) XALT_COLD static enum xalt_action classify_args(const char *exec_path, int argc, char **argv) {
  char key[2 * XALT_PATH_MAX + 2];
  char real[PATH_MAX];
  size_t pl = strlen(exec_path);
  if (pl >= XALT_PATH_MAX) return XALT_ACT_SKIP;
  memcpy(key, exec_path, pl);
  key[pl] = ';';
  for (int i = 1; i < argc && argv && argv[i]; i++) {
    const char *arg = argv[i];
    if (arg[0] != '-') {
      int saved = errno; /* realpath may set it; the program must not see that */
      char *rp = realpath(arg, real);
      errno = saved;
      if (!rp) continue; /* XALT skips arguments that are not existing files */
      arg = real;
    }
    size_t al = strlen(arg);
    if (al >= sizeof key - pl - 2) continue;
    memcpy(key + pl + 1, arg, al + 1);
    enum xalt_action a = match(XALT_RULES_PATH_ARG, key, pl + 1 + al);
    if (a == XALT_ACT_PKGS || a == XALT_ACT_KEEP || a == XALT_ACT_SKIP) return a;
    if (a >= XALT_ACT_JUMP_1 && a <= XALT_ACT_JUMP_4) i += (int)(a - XALT_ACT_JUMP_1) + 1;
  }
  key[pl + 1] = '\0';
  enum xalt_action a = match(XALT_RULES_PATH_ARG, key, pl + 1);
  return (a == XALT_ACT_PKGS || a == XALT_ACT_KEEP) ? a : XALT_ACT_SKIP;
}

XALT_HOT enum xalt_action xalt_classify(const char *exec_path, int argc, char **argv) {
  /* The rules first: when they skip the path, the list of never-tracked names (read-only
   * data, a page fault in a process about to be skipped) need not be read. */
  enum xalt_action a = match(XALT_RULES_PATH, exec_path, xalt_strlen(exec_path));
  if (a == XALT_ACT_SKIP || xalt_is_self_or_shell(exec_path)) return XALT_ACT_SKIP;
  if (a == XALT_ACT_CUSTOM) return classify_args(exec_path, argc, argv);
  if (a == XALT_ACT_PKGS) return a;
  return XALT_ACT_KEEP; /* no rule, or KEEP: XALT's list ends with ['KEEP', '.*'] */
}
