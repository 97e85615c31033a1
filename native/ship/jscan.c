/*
 * jscan.c — just enough JSON to read and edit a staged record: a checker at least as strict
 * as JSON.parse (what xalt-ship vouches for must read the same in ingest), member spans of
 * one object, and string/number values. No tree is built: a record is edited by replacing
 * byte spans (edit.c), so everything else stays exactly as the collector wrote it.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "ship.h"

#define JSCAN_DEPTH 256 /* records nest 3 deep (ptA entries); a deeper one is refused (bounds the recursion) */

static size_t ws(const char *s, size_t n, size_t i) {
  while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) i++;
  return i;
}

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* The string token at s[i] ('"'); returns the offset after it, 0 if malformed. */
static size_t skip_string(const char *s, size_t n, size_t i) {
  for (i++; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"') return i + 1;
    if (c < 0x20) return 0; /* raw control characters are not JSON */
    if (c != '\\') continue;
    if (++i >= n) return 0;
    switch (s[i]) {
      case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't': break;
      case 'u':
        if (i + 4 >= n) return 0;
        for (int k = 1; k <= 4; k++)
          if (hexval(s[i + k]) < 0) return 0;
        i += 4;
        break;
      default: return 0;
    }
  }
  return 0;
}

static int digit(char c) { return c >= '0' && c <= '9'; }

/* -?(0|[1-9]d*)(.d+)?([eE][+-]?d+)? ; returns the offset after it, 0 if malformed. */
static size_t skip_number(const char *s, size_t n, size_t i) {
  if (i < n && s[i] == '-') i++;
  if (i >= n || !digit(s[i])) return 0;
  if (s[i] == '0') i++;
  else while (i < n && digit(s[i])) i++;
  if (i < n && s[i] == '.') {
    if (++i >= n || !digit(s[i])) return 0;
    while (i < n && digit(s[i])) i++;
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    if (++i < n && (s[i] == '+' || s[i] == '-')) i++;
    if (i >= n || !digit(s[i])) return 0;
    while (i < n && digit(s[i])) i++;
  }
  return i;
}

static size_t skip_value(const char *s, size_t n, size_t i, int depth);

/* Object or array at s[i]; returns the offset after it, 0 if malformed. */
static size_t skip_container(const char *s, size_t n, size_t i, int depth) {
  char close = s[i] == '{' ? '}' : ']';
  int object = s[i] == '{';
  if (depth >= JSCAN_DEPTH) return 0;
  i = ws(s, n, i + 1);
  if (i < n && s[i] == close) return i + 1;
  for (;;) {
    if (object) {
      if (i >= n || s[i] != '"' || !(i = skip_string(s, n, i))) return 0;
      i = ws(s, n, i);
      if (i >= n || s[i] != ':') return 0;
      i = ws(s, n, i + 1);
    }
    if (!(i = skip_value(s, n, i, depth + 1))) return 0;
    i = ws(s, n, i);
    if (i >= n) return 0;
    if (s[i] == close) return i + 1;
    if (s[i] != ',') return 0;
    i = ws(s, n, i + 1);
  }
}

static size_t skip_value(const char *s, size_t n, size_t i, int depth) {
  if (i >= n) return 0;
  switch (s[i]) {
    case '{': case '[': return skip_container(s, n, i, depth);
    case '"': return skip_string(s, n, i);
    case 't': return n - i >= 4 && !memcmp(s + i, "true", 4) ? i + 4 : 0;
    case 'f': return n - i >= 5 && !memcmp(s + i, "false", 5) ? i + 5 : 0;
    case 'n': return n - i >= 4 && !memcmp(s + i, "null", 4) ? i + 4 : 0;
    default: return skip_number(s, n, i);
  }
}

int jscan_check(const char *s, size_t n) {
  size_t i = skip_value(s, n, ws(s, n, 0), 0);
  return i && ws(s, n, i) == n ? 0 : -1;
}

int jscan_object(const char *s, size_t n, size_t at, struct jobject *o) {
  o->open = at;
  o->count = 0;
  if (at >= n || s[at] != '{') return -1;
  size_t i = ws(s, n, at + 1);
  if (i < n && s[i] == '}') { o->close = i; return 0; }
  for (;;) {
    struct jmember m;
    if (i >= n || s[i] != '"') return -1;
    m.key = i;
    if (!(i = skip_string(s, n, i))) return -1;
    m.key_end = i;
    i = ws(s, n, i);
    if (i >= n || s[i] != ':') return -1;
    m.val = i = ws(s, n, i + 1);
    if (!(i = skip_value(s, n, i, 1))) return -1;
    m.val_end = i;
    if (o->count == JSCAN_MAX_MEMBERS) return -1; /* a member we could not see might decide */
    o->m[o->count++] = m;
    i = ws(s, n, i);
    if (i >= n) return -1;
    if (s[i] == '}') { o->close = i; return 0; }
    if (s[i] != ',') return -1;
    i = ws(s, n, i + 1);
  }
}

const struct jmember *jscan_find(const char *s, const struct jobject *o, const char *key) {
  char k[64];
  for (int i = o->count - 1; i >= 0; i--) { /* the last wins, as in JSON.parse */
    const struct jmember *m = &o->m[i];
    long kl = jscan_string(s, m->key, m->key_end, k, sizeof k);
    if (kl == (long)strlen(key) && !memcmp(k, key, (size_t)kl)) return m; /* "user\u0000" is not "user" */
  }
  return NULL;
}

/* Append code point cp as UTF-8; returns bytes written, or 0 when out of room. */
static size_t put_utf8(char *out, size_t room, unsigned cp) {
  unsigned char b[4];
  size_t k;
  if (cp < 0x80) { b[0] = (unsigned char)cp; k = 1; }
  else if (cp < 0x800) { b[0] = (unsigned char)(0xC0 | cp >> 6); b[1] = (unsigned char)(0x80 | (cp & 63)); k = 2; }
  else if (cp < 0x10000) { b[0] = (unsigned char)(0xE0 | cp >> 12); b[1] = (unsigned char)(0x80 | ((cp >> 6) & 63)); b[2] = (unsigned char)(0x80 | (cp & 63)); k = 3; }
  else { b[0] = (unsigned char)(0xF0 | cp >> 18); b[1] = (unsigned char)(0x80 | ((cp >> 12) & 63)); b[2] = (unsigned char)(0x80 | ((cp >> 6) & 63)); b[3] = (unsigned char)(0x80 | (cp & 63)); k = 4; }
  if (k > room) return 0;
  memcpy(out, b, k);
  return k;
}

/* One UTF-8 sequence at p (n bytes left), as WHATWG's decoder reads it: *used bytes become
 * the returned code point, or U+FFFD for a maximal invalid subpart. */
unsigned jscan_utf8(const unsigned char *p, size_t n, size_t *used) {
  unsigned c = p[0], need, cp, lo = 0x80, hi = 0xBF;
  *used = 1;
  if (c < 0x80) return c;
  if (c >= 0xC2 && c <= 0xDF) { need = 1; cp = c & 0x1F; }
  else if (c >= 0xE0 && c <= 0xEF) { need = 2; cp = c & 0x0F; if (c == 0xE0) lo = 0xA0; if (c == 0xED) hi = 0x9F; }
  else if (c >= 0xF0 && c <= 0xF4) { need = 3; cp = c & 0x07; if (c == 0xF0) lo = 0x90; if (c == 0xF4) hi = 0x8F; }
  else return 0xFFFD;
  for (unsigned k = 1; k <= need; k++) {
    if (k >= n || p[k] < lo || p[k] > hi) return 0xFFFD; /* *used = k: the bad byte is read again */
    cp = cp << 6 | (p[k] & 0x3F);
    lo = 0x80; hi = 0xBF;
    *used = k + 1;
  }
  return cp;
}

long jscan_string(const char *s, size_t v0, size_t v1, char *out, size_t cap) {
  if (v1 < v0 + 2 || s[v0] != '"' || s[v1 - 1] != '"' || !cap) return -1;
  size_t o = 0, i = v0 + 1, end = v1 - 1;
  while (i < end) {
    unsigned cp;
    if (s[i] != '\\') {
      size_t used;
      cp = jscan_utf8((const unsigned char *)s + i, end - i, &used);
      i += used;
    } else {
      char e = s[i + 1];
      i += 2;
      switch (e) {
        case 'b': cp = '\b'; break;
        case 'f': cp = '\f'; break;
        case 'n': cp = '\n'; break;
        case 'r': cp = '\r'; break;
        case 't': cp = '\t'; break;
        case 'u': {
          cp = 0;
          for (int k = 0; k < 4; k++) cp = cp << 4 | (unsigned)hexval(s[i + k]);
          i += 4;
          if (cp >= 0xD800 && cp <= 0xDBFF && i + 6 <= end && s[i] == '\\' && s[i + 1] == 'u') {
            unsigned lo = 0;
            for (int k = 0; k < 4; k++) lo = lo << 4 | (unsigned)hexval(s[i + 2 + k]);
            if (lo >= 0xDC00 && lo <= 0xDFFF) { cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00); i += 6; }
          }
          if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD; /* a lone surrogate: Node's UTF-8 encoder writes U+FFFD */
          break;
        }
        default: cp = (unsigned char)e; /* \" \\ \/ */
      }
    }
    size_t k = put_utf8(out + o, cap - 1 - o, cp);
    if (!k) return -1;
    o += k;
  }
  out[o] = '\0';
  return (long)o;
}

int jscan_number(const char *s, size_t v0, size_t v1, double *out) {
  char buf[64];
  if (v1 > v0 + 1 && s[v0] == '"') { v0++; v1--; } /* "1.0000": older XALT wrote userDT numbers as strings */
  if (v1 <= v0 || v1 - v0 >= sizeof buf || skip_number(s, v1, v0) != v1) return -1;
  memcpy(buf, s + v0, v1 - v0);
  buf[v1 - v0] = '\0';
  char *end;
  *out = strtod(buf, &end);
  return *end == '\0' && *out == *out ? 0 : -1;
}
