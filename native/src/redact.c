/*
 * redact.c — secrets in command lines and environment values replaced before a record is
 * written. The rules are those of src/schema/redact.ts (a differential test runs both), for
 * each word of an argument (its runs of non-blank bytes: a shell's -c script is one argument):
 *  1. `--NAME=VALUE`, `-NAME=VALUE`, `NAME=VALUE` (and `-NAME:VALUE`): VALUE replaced when
 *     NAME holds a secret word of the site's [privacy] redact_words (any letter case);
 *  2. `--NAME` / `-NAME` alone with such a NAME: the next word replaced whole;
 *  3. `scheme://user:password@`: the password replaced, anywhere in the string.
 * Output goes straight into the record's JSON: pieces of the input, escaped, around the
 * replacement text; no copy of the argument is made.
 * signal-safe: yes. allocates: no (the jbuf may grow by mmap).
 */
#include "internal.h"

static const char REDACTED[] = "<redacted>";

static int name_char(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

static unsigned char lower(unsigned char c) { return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c; }

/* 1 when name[0..n) contains one of the site's redact words, in any letter case. */
static int has_secret_word(const char *name, size_t n) {
  const char *const *words = xalt_site_config.redact_words;
  for (size_t w = 0; words && words[w]; w++) {
    size_t k = strlen(words[w]);
    for (size_t i = 0; k && i + k <= n; i++) {
      size_t j = 0;
      while (j < k && lower((unsigned char)name[i + j]) == (unsigned char)words[w][j]) j++;
      if (j == k) return 1;
    }
  }
  return 0;
}

static int is_blank(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

/* The index of the first ':' in s[i..end), or end. Eight bytes per step (the word-at-a-time
 * zero-byte test on the bytes xor ':'): kept PATH-like values run to kilobytes. */
static size_t next_colon(const char *s, size_t i, size_t end) {
  const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
  for (; i + 8 <= end; i += 8) {
    uint64_t w;
    __builtin_memcpy(&w, s + i, 8);
    w ^= ones * ':';
    if ((w - ones) & ~w & high) break; /* a ':' among these eight */
  }
  while (i < end && s[i] != ':') i++;
  return i;
}

/* Rule 3: the string with each URL password replaced. */
static void body_without_url_passwords(struct xalt_jbuf *b, const char *s, size_t n) {
  size_t done = 0; /* bytes of s already written */
  for (size_t i = 0; i + 3 <= n; i++) {
    i = next_colon(s, i, n - 2);
    if (i + 3 > n) break;
    if (s[i + 1] != '/' || s[i + 2] != '/') continue;
    int letter = 0; /* a scheme needs a letter somewhere in the scheme characters before :// */
    for (size_t k = i; k > done; k--) {
      unsigned char c = (unsigned char)s[k - 1];
      if (!(name_char(c) || c == '+') || c == '_') break;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) letter = 1;
    }
    size_t u = i + 3;
    while (u < n && s[u] != '/' && s[u] != ':' && s[u] != '@' && !is_blank((unsigned char)s[u])) u++;
    if (!letter || u >= n || s[u] != ':') continue;
    size_t p = u + 1;
    while (p < n && s[p] != '/' && s[p] != '@' && !is_blank((unsigned char)s[p])) p++;
    if (p >= n || s[p] != '@') continue;
    xalt_json_str_body(b, s + done, u + 1 - done);
    xalt_jbuf_put(b, REDACTED, sizeof REDACTED - 1);
    done = p; /* from the '@' on */
    i = p;
  }
  xalt_json_str_body(b, s + done, n - done);
}

/* One word (no blanks): rules 2 (as told by *redact_next), 1 and 3. */
static void word_redacted(struct xalt_jbuf *b, const char *s, size_t n, int *redact_next) {
  if (*redact_next) {
    *redact_next = 0;
    xalt_jbuf_put(b, REDACTED, sizeof REDACTED - 1);
    return;
  }
  size_t dashes = 0, end;
  while (dashes < 2 && dashes < n && s[dashes] == '-') dashes++;
  for (end = dashes; end < n && name_char((unsigned char)s[end]); end++) {}
  if (end > dashes && has_secret_word(s + dashes, end - dashes)) {
    if (end < n && (s[end] == '=' || (s[end] == ':' && dashes > 0))) { /* rule 1 */
      xalt_json_str_body(b, s, end + 1);
      if (end + 1 < n) xalt_jbuf_put(b, REDACTED, sizeof REDACTED - 1);
      return;
    }
    if (end == n && dashes > 0) *redact_next = 1; /* rule 2 */
  }
  body_without_url_passwords(b, s, n);
}

void xalt_json_arg_redacted(struct xalt_jbuf *b, const char *s, size_t n, int *redact_next) {
  xalt_jbuf_put(b, "\"", 1);
  if (n == 0 && *redact_next) { /* an empty argument after --password is the secret */
    *redact_next = 0;
    xalt_jbuf_put(b, REDACTED, sizeof REDACTED - 1);
  }
  for (size_t i = 0; i < n;) {
    size_t j = i;
    int blank = is_blank((unsigned char)s[i]);
    while (j < n && is_blank((unsigned char)s[j]) == blank) j++;
    if (blank) xalt_json_str_body(b, s + i, j - i);
    else word_redacted(b, s + i, j - i, redact_next);
    i = j;
  }
  xalt_jbuf_put(b, "\"", 1);
}

void xalt_json_env_value_redacted(struct xalt_jbuf *b, const char *s, size_t n) {
  xalt_jbuf_put(b, "\"", 1);
  body_without_url_passwords(b, s, n);
  xalt_jbuf_put(b, "\"", 1);
}
