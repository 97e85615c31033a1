/*
 * edit.c — a record with a few values replaced (hash_id; the job_end members of a closed
 * run) and its crc resealed, everything else byte for byte as the collector wrote it.
 * contracts.md "Record bytes": CRC-16/CCITT-FALSE over the record with "0xFFFF" in the slot,
 * without its trailing newline.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "ship.h"

int edit_set(struct record_edit *ed, const char *s, const struct jobject *o, const char *key, const char *value) {
  if (ed->count == EDIT_MAX) return -1;
  const struct jmember *m = jscan_find(s, o, key);
  int k = ed->count;
  if (m) {
    ed->e[k].from = m->val;
    ed->e[k].to = m->val_end;
    snprintf(ed->e[k].text, sizeof ed->e[k].text, "%s", value);
  } else { /* a member the writer left out: added last (xalt's writers always write these) */
    ed->e[k].from = ed->e[k].to = o->close;
    snprintf(ed->e[k].text, sizeof ed->e[k].text, "%s\"%s\":%s", o->count ? "," : "", key, value);
  }
  /* keep the list ordered by position, insertions at one place in the order they came */
  while (k > 0 && ed->e[k - 1].from > ed->e[k].from) {
    __typeof__(ed->e[0]) t = ed->e[k - 1];
    ed->e[k - 1] = ed->e[k];
    ed->e[k] = t;
    k--;
  }
  ed->count++;
  return 0;
}

/* The record without trailing white space (what the crc covers). */
static size_t body_len(const char *s, size_t n) {
  while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
  return n;
}

int record_crc_ok(const char *s, size_t n) {
  size_t body = body_len(s, n);
  if (body < 15 || memcmp(s, "{\"crc\":\"0x", 10) != 0 || s[14] != '"') return 0;
  char want[4];
  for (int i = 0; i < 4; i++) {
    char c = s[10 + i];
    want[i] = c >= 'a' && c <= 'f' ? (char)(c - 'a' + 'A') : c;
  }
  /* crc over the body with the placeholder: the first 14 bytes differ, so feed them apart */
  char head[14];
  memcpy(head, "{\"crc\":\"0xFFFF", 14);
  static char mem[SHIP_RECORD_BUF]; /* reused: most records fit, larger ones are mapped */
  struct xalt_jbuf b;
  xalt_jbuf_init_mem(&b, mem, sizeof mem);
  xalt_jbuf_put(&b, head, 14);
  xalt_jbuf_put(&b, s + 14, body - 14);
  int failed = b.failed;
  char got[4];
  xalt_crc_hex(failed ? 0 : xalt_crc16(b.p, b.len), got);
  xalt_jbuf_free(&b);
  return !failed && memcmp(got, want, 4) == 0;
}

void edit_apply(const struct record_edit *ed, const char *s, size_t n, struct xalt_jbuf *out) {
  int reseal = record_crc_ok(s, n);
  size_t body = body_len(s, n), at = 0;
  for (int k = 0; k < ed->count; k++) {
    xalt_jbuf_put(out, s + at, ed->e[k].from - at);
    xalt_jbuf_puts(out, ed->e[k].text);
    at = ed->e[k].to;
  }
  xalt_jbuf_put(out, s + at, body - at);
  xalt_jbuf_put(out, "\n", 1);
  if (!reseal || out->failed || out->len < 15) return; /* a crc that did not match stays wrong */
  memcpy(out->p + 10, "FFFF", 4);
  xalt_json_seal_crc(out);
}
