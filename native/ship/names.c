/*
 * names.c — file names: the staging names the collector, the link helper and the Python
 * hook write (contracts.md "Node-local staging"), parsed strictly, and the parts of the
 * record and bundle names xalt-ship writes, kept to characters that cannot break a name,
 * a bundle line or a log line.
 */
#define _GNU_SOURCE
#include <string.h>

#include "ship.h"

int ship_is_uuid(const char *s, size_t n) {
  if (n != XALT_UUID_LEN) return 0;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return 0;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return 0;
    }
  }
  return 1;
}

int ship_is_stamp(const char *s) {
  /* YYYY_MM_DD_HH_MM_SS_ then at least one digit of the fraction */
  static const char shape[] = "dddd_dd_dd_dd_dd_dd_d";
  size_t i = 0;
  for (; shape[i]; i++) {
    char c = s[i];
    if (shape[i] == 'd' ? !(c >= '0' && c <= '9') : c != '_') return 0;
  }
  for (; s[i]; i++)
    if (!(s[i] >= '0' && s[i] <= '9')) return 0;
  return i < XALT_STAMP_MAX;
}

void ship_name_part(char *out, size_t n, const char *s, int dots) {
  size_t o = 0;
  for (; s && *s && o + 1 < n; s++) {
    char c = *s;
    int ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '+' || c == '@' || (dots && c == '.');
    out[o++] = ok ? c : '_';
  }
  out[o] = '\0';
  if (!o || (dots && out[0] == '.')) { /* never empty, never a hidden name */
    if (!o) snprintf(out, n, "unknown");
    else out[0] = '_';
  }
}

/* Decimal uid without sign or leading zeros; returns the characters used, 0 if none. */
static size_t parse_uid(const char *s, uid_t *uid) {
  size_t i = 0;
  unsigned long long v = 0;
  while (s[i] >= '0' && s[i] <= '9' && i < 11) v = v * 10 + (unsigned)(s[i++] - '0');
  if (!i || (s[0] == '0' && i > 1) || v > 0xFFFFFFFEULL) return 0;
  *uid = (uid_t)v;
  return i;
}

/* A job field: [A-Za-z0-9_-]+ up to the next '.'; returns the characters used, 0 if bad. */
static size_t parse_job(const char *s, char *out, size_t n) {
  size_t i = 0;
  for (; s[i] && s[i] != '.'; i++) {
    char c = s[i];
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-') || i + 1 >= n) {
      out[0] = '\0';
      return 0;
    }
    out[i] = c;
  }
  out[i] = '\0';
  return i;
}

/* "<uid>.<job>.<uuid>" at s; returns the characters used, 0 if bad (out->uid and ->job are
 * filled as far as they parsed, for the epilog to tell whether a bad name is its job's). */
static size_t parse_common(const char *s, struct staged_name *out) {
  size_t i = parse_uid(s, &out->uid), k;
  if (!i || s[i] != '.') return 0;
  i++;
  if (!(k = parse_job(s + i, out->job, sizeof out->job)) || s[i + k] != '.') return 0;
  i += k + 1;
  if (strnlen(s + i, XALT_UUID_LEN) < XALT_UUID_LEN || !ship_is_uuid(s + i, XALT_UUID_LEN)) return 0;
  memcpy(out->uuid, s + i, XALT_UUID_LEN);
  out->uuid[XALT_UUID_LEN] = '\0';
  return i + XALT_UUID_LEN;
}

/* The pkg name's tail after the uuid: ".<pid>.<syshost>.<stamp>.<user>.jsonl". */
static int parse_pkg_tail(const char *s, struct staged_name *out) {
  size_t len = strlen(s);
  if (len < 7 || strcmp(s + len - 6, ".jsonl") != 0 || s[0] != '.') return -1;
  const char *p = s + 1, *end = s + len - 6;
  const char *dot = memchr(p, '.', (size_t)(end - p)); /* pid */
  if (!dot || dot == p) return -1;
  for (const char *q = p; q < dot; q++)
    if (*q < '0' || *q > '9') return -1;
  p = dot + 1;
  if (!(dot = memchr(p, '.', (size_t)(end - p))) || dot == p) return -1; /* syshost: no dots */
  p = dot + 1;
  if (!(dot = memchr(p, '.', (size_t)(end - p))) || (size_t)(dot - p) >= sizeof out->stamp) return -1;
  memcpy(out->stamp, p, (size_t)(dot - p));
  out->stamp[dot - p] = '\0';
  if (!ship_is_stamp(out->stamp)) return -1;
  p = dot + 1; /* the user: the rest (it may hold dots) */
  if (p >= end || (size_t)(end - p) >= sizeof out->user) return -1;
  memcpy(out->user, p, (size_t)(end - p));
  out->user[end - p] = '\0';
  for (const char *q = out->user; *q; q++)
    if ((unsigned char)*q < 0x20 || *q == 0x7f) return -1;
  return 0;
}

int ship_parse_staged_name(const char *name, struct staged_name *out) {
  static const struct { const char *prefix; size_t len; enum staged_kind kind; } KINDS[] = {
    {"xalt_run.", 9, STAGED_RUN}, {"xalt_pkg.", 9, STAGED_PKG}, {"xalt_link.", 10, STAGED_LINK}};
  memset(out, 0, sizeof *out);
  out->uid = (uid_t)-1;
  for (size_t k = 0; k < sizeof KINDS / sizeof KINDS[0]; k++) {
    if (strncmp(name, KINDS[k].prefix, KINDS[k].len) != 0) continue;
    out->kind = KINDS[k].kind;
    const char *s = name + KINDS[k].len;
    size_t used = parse_common(s, out);
    if (!used) return -1;
    if (out->kind == STAGED_PKG) return parse_pkg_tail(s + used, out);
    return strcmp(s + used, ".json") == 0 ? 0 : -1;
  }
  return 1;
}
