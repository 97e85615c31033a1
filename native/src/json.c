/*
 * json.c — the record writer's primitives: a growable buffer, JSON string escaping exactly
 * as docs/internals/contracts.md "Record bytes" says, XALT's %.4f numbers and the crc.
 * signal-safe: yes (mmap/mremap only, no malloc, no stdio, no locale).
 * allocates: yes (mmap, for records larger than the inline buffer).
 */
#define _GNU_SOURCE
#include <string.h>
#include <sys/mman.h>

#include "internal.h"

/* A record over this size (e.g. an absurd environment) is given up rather than grown. */
#define XALT_JBUF_LIMIT ((size_t)256 << 20)

void xalt_jbuf_init(struct xalt_jbuf *b) {
  b->p = b->inline_buf;
  b->len = 0;
  b->cap = sizeof b->inline_buf;
  b->mapped = 0;
  b->failed = 0;
}

void xalt_jbuf_free(struct xalt_jbuf *b) {
  if (b->mapped) munmap(b->p, b->cap);
  xalt_jbuf_init(b);
}

static int grow(struct xalt_jbuf *b, size_t need) {
  size_t cap = b->cap;
  while (cap < need) cap *= 2;
  if (cap > XALT_JBUF_LIMIT) return -1;
  void *p;
  if (b->mapped) {
    p = mremap(b->p, b->cap, cap, MREMAP_MAYMOVE);
  } else {
    p = mmap(NULL, cap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p != MAP_FAILED) memcpy(p, b->p, b->len);
  }
  if (p == MAP_FAILED) return -1;
  b->p = p;
  b->cap = cap;
  b->mapped = 1;
  return 0;
}

void xalt_jbuf_put(struct xalt_jbuf *b, const char *s, size_t n) {
  if (b->failed) return;
  if (b->len + n + 1 > b->cap && grow(b, b->len + n + 1) != 0) {
    b->failed = 1;
    return;
  }
  memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = '\0';
}

void xalt_jbuf_reserve(struct xalt_jbuf *b, size_t n) {
  if (!b->failed && b->len + n + 1 > b->cap && grow(b, b->len + n + 1) != 0) b->failed = 1;
}

void xalt_jbuf_puts(struct xalt_jbuf *b, const char *s) { xalt_jbuf_put(b, s, strlen(s)); }

/* Length of the valid UTF-8 sequence at s (n bytes left), or 0 if the byte is not one. */
static size_t utf8_len(const unsigned char *s, size_t n) {
  unsigned c = s[0];
  size_t len;
  unsigned min;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) { len = 2; min = 0x80; }
  else if (c >= 0xE0 && c <= 0xEF) { len = 3; min = 0x800; }
  else if (c >= 0xF0 && c <= 0xF4) { len = 4; min = 0x10000; }
  else return 0;
  if (n < len) return 0;
  unsigned cp = c & (0x3F >> (len - 1));
  for (size_t i = 1; i < len; i++) {
    if ((s[i] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (s[i] & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

static const char HEX[] = "0123456789abcdef";

void xalt_json_str(struct xalt_jbuf *b, const char *str, size_t n) {
  const unsigned char *s = (const unsigned char *)str;
  xalt_jbuf_put(b, "\"", 1);
  size_t run = 0; /* start of the pending span of bytes copied verbatim */
  for (size_t i = 0; i < n;) {
    unsigned c = s[i];
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') { i++; continue; } /* plain ASCII: the common case */
    size_t ok = (c >= 0x20 && c != '"' && c != '\\') ? utf8_len(s + i, n - i) : 0;
    if (ok) { i += ok; continue; }
    xalt_jbuf_put(b, str + run, i - run);
    char esc[6] = {'\\', 'u', '0', '0', HEX[c >> 4], HEX[c & 15]};
    switch (c) {
      case '"': xalt_jbuf_put(b, "\\\"", 2); break;
      case '\\': xalt_jbuf_put(b, "\\\\", 2); break;
      case '\b': xalt_jbuf_put(b, "\\b", 2); break;
      case '\t': xalt_jbuf_put(b, "\\t", 2); break;
      case '\n': xalt_jbuf_put(b, "\\n", 2); break;
      case '\f': xalt_jbuf_put(b, "\\f", 2); break;
      case '\r': xalt_jbuf_put(b, "\\r", 2); break;
      default: xalt_jbuf_put(b, esc, 6); /* control char, or a byte that is not UTF-8 */
    }
    i++;
    run = i;
  }
  xalt_jbuf_put(b, str + run, n - run);
  xalt_jbuf_put(b, "\"", 1);
}

void xalt_json_kv_str(struct xalt_jbuf *b, int first, const char *key, const char *value) {
  if (!first) xalt_jbuf_put(b, ",", 1);
  xalt_json_str(b, key, strlen(key));
  xalt_jbuf_put(b, ":", 1);
  xalt_json_str(b, value ? value : "", value ? strlen(value) : 0);
}

size_t xalt_fmt_long(char *out, long long v) {
  char tmp[24];
  size_t n = 0, o = 0;
  unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
  do { tmp[n++] = (char)('0' + u % 10); u /= 10; } while (u);
  if (v < 0) out[o++] = '-';
  while (n) out[o++] = tmp[--n];
  out[o] = '\0';
  return o;
}

/* "%.5e" for 0 < |v| < 1e-4: mantissa d.ddddd and a two-digit negative exponent. */
static size_t fmt_exp5(char *out, double v) {
  size_t o = 0;
  if (v < 0) { out[o++] = '-'; v = -v; }
  int e = 0;
  while (v < 1.0) { v *= 10.0; e++; }
  unsigned long long m = (unsigned long long)(v * 100000.0 + 0.5);
  if (m >= 1000000ULL) { m /= 10; e--; }
  out[o++] = (char)('0' + m / 100000);
  out[o++] = '.';
  for (unsigned long long d = 10000; d; d /= 10) out[o++] = (char)('0' + (m / d) % 10);
  out[o++] = 'e';
  out[o++] = '-';
  out[o++] = (char)('0' + (e / 10) % 10);
  out[o++] = (char)('0' + e % 10);
  out[o] = '\0';
  return o;
}

size_t xalt_fmt_fixed4(char *out, double v) {
  if (v != v || v > 1e15 || v < -1e15) { memcpy(out, "0.0000", 7); return 6; }
  if (v != 0 && v < 0.0001 && v > -0.0001) return fmt_exp5(out, v);
  size_t o = 0;
  int neg = v < 0;
  double a = neg ? -v : v;
  unsigned long long scaled = (unsigned long long)(a * 10000.0 + 0.5);
  if (neg && scaled) out[o++] = '-';
  o += xalt_fmt_long(out + o, (long long)(scaled / 10000));
  out[o++] = '.';
  unsigned frac = (unsigned)(scaled % 10000);
  for (unsigned d = 1000; d; d /= 10) out[o++] = (char)('0' + (frac / d) % 10);
  out[o] = '\0';
  return o;
}

void xalt_json_kv_num(struct xalt_jbuf *b, int first, const char *key, double v) {
  char num[40];
  if (!first) xalt_jbuf_put(b, ",", 1);
  xalt_json_str(b, key, strlen(key));
  xalt_jbuf_put(b, ":", 1);
  xalt_jbuf_put(b, num, xalt_fmt_fixed4(num, v));
}

/* CRC-16/CCITT-FALSE table (poly 0x1021): a table keeps a 10 kB record's crc to ~10 µs. */
static const uint16_t CRC_TABLE[256] = {
  0x0000, 0x1021, 0x2042, 0x3063, 0x4084, 0x50A5, 0x60C6, 0x70E7,
  0x8108, 0x9129, 0xA14A, 0xB16B, 0xC18C, 0xD1AD, 0xE1CE, 0xF1EF,
  0x1231, 0x0210, 0x3273, 0x2252, 0x52B5, 0x4294, 0x72F7, 0x62D6,
  0x9339, 0x8318, 0xB37B, 0xA35A, 0xD3BD, 0xC39C, 0xF3FF, 0xE3DE,
  0x2462, 0x3443, 0x0420, 0x1401, 0x64E6, 0x74C7, 0x44A4, 0x5485,
  0xA56A, 0xB54B, 0x8528, 0x9509, 0xE5EE, 0xF5CF, 0xC5AC, 0xD58D,
  0x3653, 0x2672, 0x1611, 0x0630, 0x76D7, 0x66F6, 0x5695, 0x46B4,
  0xB75B, 0xA77A, 0x9719, 0x8738, 0xF7DF, 0xE7FE, 0xD79D, 0xC7BC,
  0x48C4, 0x58E5, 0x6886, 0x78A7, 0x0840, 0x1861, 0x2802, 0x3823,
  0xC9CC, 0xD9ED, 0xE98E, 0xF9AF, 0x8948, 0x9969, 0xA90A, 0xB92B,
  0x5AF5, 0x4AD4, 0x7AB7, 0x6A96, 0x1A71, 0x0A50, 0x3A33, 0x2A12,
  0xDBFD, 0xCBDC, 0xFBBF, 0xEB9E, 0x9B79, 0x8B58, 0xBB3B, 0xAB1A,
  0x6CA6, 0x7C87, 0x4CE4, 0x5CC5, 0x2C22, 0x3C03, 0x0C60, 0x1C41,
  0xEDAE, 0xFD8F, 0xCDEC, 0xDDCD, 0xAD2A, 0xBD0B, 0x8D68, 0x9D49,
  0x7E97, 0x6EB6, 0x5ED5, 0x4EF4, 0x3E13, 0x2E32, 0x1E51, 0x0E70,
  0xFF9F, 0xEFBE, 0xDFDD, 0xCFFC, 0xBF1B, 0xAF3A, 0x9F59, 0x8F78,
  0x9188, 0x81A9, 0xB1CA, 0xA1EB, 0xD10C, 0xC12D, 0xF14E, 0xE16F,
  0x1080, 0x00A1, 0x30C2, 0x20E3, 0x5004, 0x4025, 0x7046, 0x6067,
  0x83B9, 0x9398, 0xA3FB, 0xB3DA, 0xC33D, 0xD31C, 0xE37F, 0xF35E,
  0x02B1, 0x1290, 0x22F3, 0x32D2, 0x4235, 0x5214, 0x6277, 0x7256,
  0xB5EA, 0xA5CB, 0x95A8, 0x8589, 0xF56E, 0xE54F, 0xD52C, 0xC50D,
  0x34E2, 0x24C3, 0x14A0, 0x0481, 0x7466, 0x6447, 0x5424, 0x4405,
  0xA7DB, 0xB7FA, 0x8799, 0x97B8, 0xE75F, 0xF77E, 0xC71D, 0xD73C,
  0x26D3, 0x36F2, 0x0691, 0x16B0, 0x6657, 0x7676, 0x4615, 0x5634,
  0xD94C, 0xC96D, 0xF90E, 0xE92F, 0x99C8, 0x89E9, 0xB98A, 0xA9AB,
  0x5844, 0x4865, 0x7806, 0x6827, 0x18C0, 0x08E1, 0x3882, 0x28A3,
  0xCB7D, 0xDB5C, 0xEB3F, 0xFB1E, 0x8BF9, 0x9BD8, 0xABBB, 0xBB9A,
  0x4A75, 0x5A54, 0x6A37, 0x7A16, 0x0AF1, 0x1AD0, 0x2AB3, 0x3A92,
  0xFD2E, 0xED0F, 0xDD6C, 0xCD4D, 0xBDAA, 0xAD8B, 0x9DE8, 0x8DC9,
  0x7C26, 0x6C07, 0x5C64, 0x4C45, 0x3CA2, 0x2C83, 0x1CE0, 0x0CC1,
  0xEF1F, 0xFF3E, 0xCF5D, 0xDF7C, 0xAF9B, 0xBFBA, 0x8FD9, 0x9FF8,
  0x6E17, 0x7E36, 0x4E55, 0x5E74, 0x2E93, 0x3EB2, 0x0ED1, 0x1EF0};

unsigned xalt_crc16(const char *s, size_t n) {
  unsigned crc = 0xFFFF;
  for (size_t i = 0; i < n; i++) crc = ((crc << 8) & 0xFFFF) ^ CRC_TABLE[((crc >> 8) ^ (unsigned char)s[i]) & 0xFF];
  return crc;
}

void xalt_json_seal_crc(struct xalt_jbuf *b) {
  static const char UHEX[] = "0123456789ABCDEF";
  if (b->failed || b->len < 14 || memcmp(b->p, "{\"crc\":\"0xFFFF\"", 15) != 0) return;
  size_t body = b->len;
  while (body && b->p[body - 1] == '\n') body--; /* the crc covers the record without its newline */
  unsigned crc = xalt_crc16(b->p, body);
  for (int i = 0; i < 4; i++) b->p[10 + i] = UHEX[(crc >> (12 - 4 * i)) & 15];
}
