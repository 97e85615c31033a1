/*
 * records.c — one staged file into the records it ships (contracts.md "xalt-ship" steps 2-3):
 *   run file  -> its record with hash_id filled; in job mode a start record also gets its
 *                synthesised end record (end_reason job_end, end_time now, run_time,
 *                exit_status -1, job_state);
 *   pkg file  -> one pkg record per line, named pkg.<syshost>.<stamp>.<user>.<run_uuid>.<12 hex>;
 *   link file -> its record.
 * Every record is named with the owner's login name (the owner is the truth) and flagged
 * owner_mismatch when its own user field names someone else. Record bytes are kept exactly
 * as written unless a value had to change, and then only that value and the crc change.
 */
#define _GNU_SOURCE
#include <string.h>

#include "record_fields.h"
#include "ship.h"

struct one_line {
  const char *s;
  size_t len;                   /* without the trailing newline */
  struct jobject top;
};

/* A run or link file must be one record on one line: {"crc":"0xHHHH",...} and "\n". */
static int scan_one_line(const struct staged *f, struct one_line *r) {
  r->s = f->data;
  r->len = f->len;
  if (r->len && r->s[r->len - 1] == '\n') r->len--;
  if (r->len < 16 || memchr(r->s, '\n', r->len) || memcmp(r->s, "{\"crc\":\"0x", 10) != 0 || r->s[14] != '"') return -1;
  if (jscan_check(r->s, r->len) != 0 || jscan_object(r->s, r->len, 0, &r->top) != 0 || r->top.close + 1 != r->len) return -1;
  return 0;
}

/* The string member `key` of `o` into out ("" when missing or not a string). A NUL inside
 * the value (\u0000) becomes \x01: as a C string it must not compare equal to its prefix. */
static void get_str(const char *s, const struct jobject *o, const char *key, char *out, size_t n) {
  const struct jmember *m = o ? jscan_find(s, o, key) : NULL;
  long len = m ? jscan_string(s, m->val, m->val_end, out, n) : -1;
  if (len < 0) out[0] = '\0';
  for (long i = 0; i < len; i++)
    if (!out[i]) out[i] = '\x01';
}

static double get_num(const char *s, const struct jobject *o, const char *key) {
  const struct jmember *m = jscan_find(s, o, key);
  double v;
  return m && jscan_number(s, m->val, m->val_end, &v) == 0 ? v : 0;
}

/* The object member `key` of `top` into `o`; 0 when it is one. */
static int get_obj(const char *s, size_t n, const struct jobject *top, const char *key, struct jobject *o) {
  const struct jmember *m = jscan_find(s, top, key);
  return m && s[m->val] == '{' ? jscan_object(s, n, m->val, o) : -1;
}

/* YYYY_MM_DD_HH_MM_SS_ffff of `t`, or of `fallback` when t is not a plausible time. */
static void stamp_of(char *out, double t, double fallback) {
  if (!(t > 0 && t < 1e11)) t = fallback;
  xalt_fmt_stamp(out, XALT_STAMP_MAX, t);
}

static int emit(struct ship_sink *sink, const char *name, const struct owner *ow, const char *flags, const char *bytes, size_t len,
                const char *kind, const char *key) {
  struct ship_entry e = {name, ow->uid, flags, bytes, len, kind, key};
  return sink_add(sink, &e);
}

/* Emit the one-line record `r`, with `ed` applied when it has edits. */
static int emit_record(struct ship_sink *sink, const struct one_line *r, const struct record_edit *ed, const char *name,
                       const struct owner *ow, const char *flags, const char *kind, const char *key) {
  static char mem[SHIP_RECORD_BUF];
  struct xalt_jbuf b;
  xalt_jbuf_init_mem(&b, mem, sizeof mem);
  if (ed->count) edit_apply(ed, r->s, r->len, &b);
  else {
    xalt_jbuf_put(&b, r->s, r->len);
    xalt_jbuf_put(&b, "\n", 1);
  }
  int rc = b.failed ? -1 : emit(sink, name, ow, flags, b.p, b.len, kind, key);
  xalt_jbuf_free(&b);
  return rc;
}

static int ship_run(struct ship_ctx *c, struct staged *f, int close, struct ship_sink *sink) {
  struct one_line r;
  struct jobject ut, dt;
  if (scan_one_line(f, &r) != 0 || get_obj(r.s, r.len, &r.top, XALT_KEY(run, userT), &ut) != 0 || get_obj(r.s, r.len, &r.top, XALT_KEY(run, userDT), &dt) != 0) {
    f->refused = REFUSE_MALFORMED;
    return 0;
  }
  char user[XALT_FIELD_MAX], uuid[64], path[XALT_PATH_MAX], identity[128], hash[64], sha[41];
  get_str(r.s, &ut, XALT_KEY(run_userT, user), user, sizeof user);
  get_str(r.s, &ut, XALT_KEY(run_userT, run_uuid), uuid, sizeof uuid);
  get_str(r.s, &ut, XALT_KEY(run_userT, exec_path), path, sizeof path);
  get_str(r.s, &ut, XALT_KEY(run_userT, exec_identity), identity, sizeof identity);
  get_str(r.s, &r.top, XALT_KEY(run, hash_id), hash, sizeof hash);
  double start = get_num(r.s, &dt, XALT_KEY(run_userDT, start_time)), end = get_num(r.s, &dt, XALT_KEY(run_userDT, end_time));
  if (!ship_is_uuid(uuid, strlen(uuid))) memcpy(uuid, f->n.uuid, sizeof f->n.uuid);

  const struct owner *ow = owner_of(f->st.st_uid);
  const char *flags = owner_matches(ow, user) ? "-" : "owner_mismatch";
  struct record_edit ed = {0};
  if (identity[0] && hash_executable(path, identity, ow, c->cache_fd, sha) == 0 && strcmp(sha, hash) != 0) {
    char v[48];
    snprintf(v, sizeof v, "\"%s\"", sha);
    edit_set(&ed, r.s, &r.top, XALT_KEY(run, hash_id), v);
  }

  char stamp[XALT_STAMP_MAX], name[SHIP_NAME_MAX], key[96];
  stamp_of(stamp, start, (double)f->st.st_mtim.tv_sec);
  int is_start = !(end > 0);
  snprintf(name, sizeof name, "run.%s.%s.%s.%s.%s.json", c->syshost, stamp, ow->name, is_start ? "aaa" : "zzz", uuid);
  snprintf(key, sizeof key, "run_%s_%s", is_start ? "strt" : "fini", uuid);
  if (emit_record(sink, &r, &ed, name, ow, flags, "run", key) != 0) return -1;
  if (!(close && is_start)) return 0;

  /* The job ended with this run still going (or killed without a word): close it. */
  char num[48], v[SHIP_STATE_MAX + 8];
  double run_time = c->now - start;
  if (!(run_time > 0)) run_time = 0;
  edit_set(&ed, r.s, &ut, XALT_KEY(run_userT, end_reason), "\"job_end\"");
  snprintf(v, sizeof v, "\"%s\"", c->o->job_state);
  edit_set(&ed, r.s, &ut, XALT_KEY(run_userT, job_state), v);
  xalt_fmt_fixed4(num, c->now);
  edit_set(&ed, r.s, &dt, XALT_KEY(run_userDT, end_time), num);
  xalt_fmt_fixed4(num, run_time);
  edit_set(&ed, r.s, &dt, XALT_KEY(run_userDT, run_time), num);
  xalt_fmt_fixed4(num, -1);
  edit_set(&ed, r.s, &dt, XALT_KEY(run_userDT, exit_status), num);
  snprintf(name, sizeof name, "run.%s.%s.%s.zzz.%s.json", c->syshost, stamp, ow->name, uuid);
  snprintf(key, sizeof key, "run_fini_%s", uuid);
  if (emit_record(sink, &r, &ed, name, ow, flags, "run", key) != 0) return -1;
  c->runs_closed++;
  return 0;
}

static int ship_pkg(struct ship_ctx *c, struct staged *f, struct ship_sink *sink) {
  const struct owner *ow = owner_of(f->st.st_uid);
  const char *flags = owner_matches(ow, f->n.user) ? "-" : "owner_mismatch";
  static char mem[SHIP_RECORD_BUF];
  struct xalt_jbuf line;
  xalt_jbuf_init_mem(&line, mem, sizeof mem);
  int rc = 0;
  for (size_t at = 0; at < f->len && rc == 0;) {
    const char *s = f->data + at, *nl = memchr(s, '\n', f->len - at);
    size_t len = nl ? (size_t)(nl - s) : f->len - at; /* a last line without its newline still counts */
    at += len + 1;
    if (!len) continue;
    char uuid[64], pkg[1024], u12[13], name[SHIP_NAME_MAX], key[96];
    struct jobject o;
    int ok = s[0] == '{' && jscan_check(s, len) == 0 && jscan_object(s, len, 0, &o) == 0;
    get_str(s, ok ? &o : NULL, XALT_KEY(pkg, xalt_run_uuid), uuid, sizeof uuid);
    if (!ship_is_uuid(uuid, strlen(uuid))) memcpy(uuid, f->n.uuid, sizeof f->n.uuid);
    get_str(s, ok ? &o : NULL, XALT_KEY(pkg, package_name), pkg, sizeof pkg);
    if (ok && pkg[0]) xalt_pkg_unique(uuid, pkg, strlen(pkg), u12);
    else xalt_pkg_unique(uuid, s, len, u12); /* not a record we can read: ingest quarantines it, under a name of its own */
    snprintf(name, sizeof name, "pkg.%s.%s.%s.%s.%s.json", c->syshost, f->n.stamp, ow->name, uuid, u12);
    snprintf(key, sizeof key, "pkg_%s_%s", uuid, u12);
    line.len = 0;
    xalt_jbuf_put(&line, s, len);
    xalt_jbuf_put(&line, "\n", 1);
    rc = line.failed ? -1 : emit(sink, name, ow, flags, line.p, line.len, "pkg", key);
  }
  xalt_jbuf_free(&line);
  return rc;
}

static int ship_link(struct ship_ctx *c, struct staged *f, struct ship_sink *sink) {
  struct one_line r;
  struct jobject rt;
  if (scan_one_line(f, &r) != 0) {
    f->refused = REFUSE_MALFORMED;
    return 0;
  }
  const struct jobject *t = get_obj(r.s, r.len, &r.top, XALT_KEY(link, resultT), &rt) == 0 ? &rt : &r.top; /* XALT 2: flat */
  char user[XALT_FIELD_MAX], uuid[64], name[SHIP_NAME_MAX], key[96], stamp[XALT_STAMP_MAX];
  get_str(r.s, t, XALT_KEY(link_resultT, build_user), user, sizeof user);
  get_str(r.s, t, XALT_KEY(link_resultT, uuid), uuid, sizeof uuid);
  if (!ship_is_uuid(uuid, strlen(uuid))) memcpy(uuid, f->n.uuid, sizeof f->n.uuid);
  const struct owner *ow = owner_of(f->st.st_uid);
  const char *flags = owner_matches(ow, user) ? "-" : "owner_mismatch";
  stamp_of(stamp, get_num(r.s, t, XALT_KEY(link_resultT, build_epoch)), (double)f->st.st_mtim.tv_sec);
  snprintf(name, sizeof name, "link.%s.%s.%s.%s.json", c->syshost, stamp, ow->name, uuid);
  snprintf(key, sizeof key, "link_%s", uuid);
  struct record_edit none = {0};
  return emit_record(sink, &r, &none, name, ow, flags, "link", key);
}

int records_ship(struct ship_ctx *c, struct staged *f, int close, struct ship_sink *sink) {
  switch (f->n.kind) {
    case STAGED_RUN: return ship_run(c, f, close, sink);
    case STAGED_PKG: return ship_pkg(c, f, sink);
    default: return ship_link(c, f, sink);
  }
}

int records_run_ended(const struct staged *f) {
  struct one_line r;
  struct jobject dt;
  if (scan_one_line(f, &r) != 0 || get_obj(r.s, r.len, &r.top, XALT_KEY(run, userDT), &dt) != 0) return 0;
  return get_num(r.s, &dt, XALT_KEY(run_userDT, end_time)) > 0;
}
