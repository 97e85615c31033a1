/*
 * link_args.c — what a linker's command line says, for the ld wrapper's helper and for the
 * collector inside a linker: the output, shared or not, and the cases where no link record
 * is written (XALT's rules: no arguments, --version/-v/--help, partial links,
 * configure and CMake probes). `@file` arguments (gcc passes long link lines that way) are
 * expanded one level, as the linker itself would read them.
 * signal-safe: no. allocates: yes (mmap-backed buffer for long command lines).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

#define XALT_RSP_MAX (1 << 20) /* a response file larger than this is not read (ARG_MAX-sized lines are ~2 MiB) */

/* Options that print to stdout: with them the wrapper cannot tell trace lines from the user's output. */
static const char *const STDOUT_OPTS[] = {"-M", "--print-map", "--verbose", "-t", "--trace", "--cref", "-y", "--trace-symbol",
                                          "--print-memory-usage", "--print-output-format", "-Map=-", "--Map=-", NULL};
static const char *const INFO_OPTS[] = {"--version", "-v", "-V", "--help", "-version", "--target-help", NULL};
static const char *const PARTIAL_OPTS[] = {"-r", "--relocatable", "-Ur", "-i", NULL};

static void push(struct xalt_ld_args *a, const char *s, size_t n) {
  xalt_jbuf_put(&a->all, s, n);
  xalt_jbuf_put(&a->all, "", 1);
  a->count++;
}

/* Split a response file the way GNU libiberty does: whitespace separates, quotes and \ escape. */
static void expand_rsp(struct xalt_ld_args *a, const char *path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) { push(a, path - 1, strlen(path - 1)); return; } /* not a file: an ordinary argument */
  struct xalt_jbuf f, word;
  xalt_jbuf_init(&f);
  xalt_jbuf_init(&word);
  char chunk[4096];
  ssize_t r;
  while ((r = read(fd, chunk, sizeof chunk)) > 0 && f.len < XALT_RSP_MAX) xalt_jbuf_put(&f, chunk, (size_t)r);
  close(fd);
  char quote = 0;
  int in_word = 0;
  for (size_t i = 0; i < f.len; i++) {
    char c = f.p[i];
    if (!quote && (c == ' ' || c == '\t' || c == '\n' || c == '\r')) {
      if (in_word) push(a, word.p, word.len);
      word.len = 0;
      in_word = 0;
      continue;
    }
    in_word = 1;
    if (c == '\\' && i + 1 < f.len) xalt_jbuf_put(&word, &f.p[++i], 1);
    else if (quote && c == quote) quote = 0;
    else if (!quote && (c == '\'' || c == '"')) quote = c;
    else xalt_jbuf_put(&word, &c, 1);
  }
  if (in_word) push(a, word.p, word.len);
  xalt_jbuf_free(&word);
  xalt_jbuf_free(&f);
}

const char *xalt_ld_args_next(const struct xalt_ld_args *a, const char *p) {
  if (!p) return a->count ? a->all.p : NULL;
  p += strlen(p) + 1;
  return p < a->all.p + a->all.len ? p : NULL;
}

/* XALT: no record for configure's conftest and CMake's try-compile programs. */
static int is_probe(const char *out) {
  const char *base = strrchr(out, '/');
  base = base ? base + 1 : out;
  return strstr(out, "conftest") || !strncmp(base, "cmTC_", 5) || !strncmp(base, "cmTryCompileExec", 16);
}

static void classify(struct xalt_ld_args *a, const char *s, const char *next) {
  if (xalt_in_list(s, INFO_OPTS)) a->info_only = 1;
  else if (xalt_in_list(s, PARTIAL_OPTS)) a->partial = 1;
  else if (!strcmp(s, "-shared") || !strcmp(s, "-Bshareable") || !strcmp(s, "--shared")) a->shared = 1;
  else if (xalt_in_list(s, STDOUT_OPTS) || !strncmp(s, "--trace-symbol=", 15)) a->user_stdout = 1;
  else if ((!strcmp(s, "-Map") || !strcmp(s, "--Map")) && next && !strcmp(next, "-")) a->user_stdout = 1;
  const char *m = !strcmp(s, "-m") ? next : !strncmp(s, "-m", 2) ? s + 2 : NULL;
  if (m && !strcmp(m, "elf_i386")) a->elf32 = 1;
  else if (m && !strcmp(m, "elf32_x86_64")) a->elf32 = 2;
}

void xalt_ld_args_parse(struct xalt_ld_args *a, int argc, char *const *argv) {
  memset(a, 0, sizeof *a);
  xalt_jbuf_init(&a->all);
  for (int i = 0; i < argc && argv[i]; i++) {
    if (argv[i][0] == '@' && argv[i][1]) expand_rsp(a, argv[i] + 1);
    else push(a, argv[i], strlen(argv[i]));
  }
  xalt_copy(a->output, sizeof a->output, "a.out", NULL);
  if (a->count == 0) a->info_only = 1;
  for (const char *s = xalt_ld_args_next(a, NULL); s; s = xalt_ld_args_next(a, s)) {
    const char *next = xalt_ld_args_next(a, s);
    classify(a, s, next);
    if ((!strcmp(s, "-o") || !strcmp(s, "--output")) && next) xalt_copy(a->output, sizeof a->output, next, NULL);
    else if (!strncmp(s, "--output=", 9)) xalt_copy(a->output, sizeof a->output, s + 9, NULL);
    else if (!strncmp(s, "-o", 2) && s[2] && strncmp(s, "-oformat", 8)) xalt_copy(a->output, sizeof a->output, s + 2, NULL);
  }
  a->probe = is_probe(a->output);
}

void xalt_ld_args_free(struct xalt_ld_args *a) { xalt_jbuf_free(&a->all); }
