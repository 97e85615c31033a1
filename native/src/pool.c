/*
 * pool.c — the run's pool (internal.h): everything of variable size a tracked run keeps, and
 * the record being written, packed one after another in the run state so that a run touches
 * two or three pages of it. Paths are committed with room for a whole path; a jbuf may
 * write at the tail (all the room left) until it is kept or released; a mark taken before
 * temporary data gives the space back.
 * signal-safe: yes. allocates: no (a jbuf that outgrows the pool moves to mmap, json.c).
 */
#define _GNU_SOURCE
#include <string.h>

#include "internal.h"

/* The pool's last XALT_PATH_MAX bytes: where a path goes that cannot be kept (the pool is
 * full or a jbuf is writing at its tail, neither of which happens in practice). */
static char *pool_scratch(struct xalt_run_state *r) { return r->pool + sizeof r->pool - XALT_PATH_MAX; }

static int pool_has_room(const struct xalt_run_state *r) {
  return !r->pool_open && r->pool_used + 2 * XALT_PATH_MAX <= sizeof r->pool;
}

char *xalt_pool_tail(void) {
  struct xalt_run_state *r = &xalt_run;
  char *p = pool_has_room(r) ? r->pool + r->pool_used : pool_scratch(r);
  p[0] = '\0';
  return p;
}

char *xalt_pool_commit(void) {
  struct xalt_run_state *r = &xalt_run;
  if (!pool_has_room(r)) return r->pool; /* the scratch: "" */
  char *p = r->pool + r->pool_used;
  size_t n = strnlen(p, XALT_PATH_MAX); /* (no write at the far end: that would touch a page) */
  if (n == XALT_PATH_MAX) p[--n] = '\0';
  r->pool_used += n + 1;
  return p;
}

char *xalt_pool_copy(const char *s, const char *dflt) {
  xalt_copy(xalt_pool_tail(), XALT_PATH_MAX, s, dflt);
  return xalt_pool_commit();
}

void xalt_pool_jbuf(struct xalt_jbuf *b) {
  struct xalt_run_state *r = &xalt_run;
  if (r->pool_open) { xalt_jbuf_init(b); return; } /* (a second writer gets mmap'd storage) */
  xalt_jbuf_init_mem(b, r->pool + r->pool_used, sizeof r->pool - XALT_PATH_MAX - r->pool_used);
  r->pool_open = 1;
}

struct xalt_slice xalt_pool_keep(struct xalt_jbuf *b) {
  struct xalt_run_state *r = &xalt_run;
  struct xalt_slice s = {b->p, b->len};
  if (!b->mapped) r->pool_used += b->len + 1; /* (else it moved to mmap'd memory, kept as is) */
  r->pool_open = 0;
  return s;
}

size_t xalt_pool_mark(void) { return xalt_run.pool_used; }

void xalt_pool_release(size_t mark, struct xalt_jbuf *b) {
  struct xalt_run_state *r = &xalt_run;
  if (b) xalt_jbuf_free(b);
  r->pool_open = 0;
  if (mark <= r->pool_used) r->pool_used = mark;
}
