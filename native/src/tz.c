/*
 * tz.c — local time without libc's tz machinery. glibc's first localtime_r() costs ~30 µs
 * per process (fopen + malloc + parse of the zone file) and is not async-signal-safe; the
 * collector only needs the UTC offset at a few instants, so it reads the TZif file itself
 * (open/read into a static buffer) and falls back to localtime_r() only for what it does
 * not handle: POSIX TZ rule strings and instants past the file's last transition when the
 * zone still has DST rules (the footer's rule would apply).
 * signal-safe: yes on the TZif path. allocates: no (libc may, on the fallback path).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

/* State lives in xalt_run (tz_data in the pool, tz_len, tz_state: 0 not loaded, 1 TZif,
 * 2 UTC, -1 libc). */
#define tzbuf xalt_run.tz_data
#define tzlen xalt_run.tz_len
#define tz_state xalt_run.tz_state

static uint32_t be32(const unsigned char *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }
static int64_t be64(const unsigned char *p) { return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4)); }

/* Read the zone file into the pool (kept for the run's later dates). */
static int load_file(const char *path) {
  int fd = xalt_open(path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0) return -1;
  struct xalt_jbuf b;
  xalt_pool_jbuf(&b);
  size_t room = b.cap > XALT_TZ_FILE_MAX ? XALT_TZ_FILE_MAX : b.cap;
  long r;
  while (b.len < room && (r = xalt_read(fd, b.p + b.len, room - b.len)) > 0) {
    b.len += (size_t)r;
    if (b.len < room) break; /* regular file: a short read is the end */
  }
  xalt_close(fd);
  if (b.len < 44 || b.len >= room || memcmp(b.p, "TZif", 4)) { xalt_pool_release(xalt_pool_mark(), &b); return -1; }
  tzbuf = (const unsigned char *)xalt_pool_keep(&b).p;
  tzlen = b.len;
  return 0;
}

/* A zone named relative to $TZDIR (out of line: its path buffer would otherwise deepen the
 * stack of every tracked process by a page, which the usual /etc/localtime never needs). */
__attribute__((noinline)) XALT_COLD static int load_named(const char *tz) {
  char path[XALT_PATH_MAX];
  const char *dir = xalt_getenv("TZDIR");
  if (!dir || !*dir) dir = "/usr/share/zoneinfo";
  size_t dl = strlen(dir), tl = strlen(tz);
  if (strstr(tz, "..") || dl + tl + 2 > sizeof path) return -1;
  memcpy(path, dir, dl);
  path[dl] = '/';
  memcpy(path + dl + 1, tz, tl + 1);
  return load_file(path);
}

/* Decide where the zone comes from ($TZ as at the collector's start, else /etc/localtime). */
static void tz_load(void) {
  const char *tz = xalt_getenv("TZ");
  tz_state = -1;
  if (!tz) { if (load_file("/etc/localtime") == 0) tz_state = 1; return; }
  if (*tz == ':') tz++;
  if (!*tz || !strcmp(tz, "UTC") || !strcmp(tz, "UTC0") || !strcmp(tz, "GMT") || !strcmp(tz, "GMT0")) { tz_state = 2; return; }
  if (*tz == '/') { if (load_file(tz) == 0) tz_state = 1; return; }
  if (load_named(tz) == 0) tz_state = 1; /* else a POSIX rule string: libc */
}

/* UTC offset (seconds) at epoch t from the loaded TZif data; 0 on success, -1 to fall back. */
static int tzif_offset(int64_t t, long *off) {
  const unsigned char *h = tzbuf, *end = tzbuf + tzlen;
  int v2 = h[4] >= '2';
  uint32_t isut = be32(h + 20), isstd = be32(h + 24), leap = be32(h + 28), tcnt = be32(h + 32), typ = be32(h + 36), chr = be32(h + 40);
  size_t tsz = 4;
  const unsigned char *d = h + 44;
  if (v2) { /* skip the 32-bit block: the 64-bit one follows with its own header */
    d += tcnt * 5 + typ * 6 + chr + leap * 8 + isstd + isut;
    if (d + 44 > end || memcmp(d, "TZif", 4)) return -1;
    isut = be32(d + 20); isstd = be32(d + 24); leap = be32(d + 28); tcnt = be32(d + 32); typ = be32(d + 36); chr = be32(d + 40);
    d += 44;
    tsz = 8;
  }
  const unsigned char *times = d, *idx = d + tcnt * tsz, *types = idx + tcnt;
  const unsigned char *after = types + typ * 6 + chr + leap * (tsz + 4) + isstd + isut;
  if (typ == 0 || after > end) return -1;
  size_t ti = 0;
  if (tcnt && t >= (tsz == 8 ? be64(times) : (int32_t)be32(times))) {
    size_t lo = 0, hi = tcnt; /* last transition <= t */
    while (hi - lo > 1) {
      size_t mid = (lo + hi) / 2;
      int64_t tm = tsz == 8 ? be64(times + mid * 8) : (int32_t)be32(times + mid * 4);
      if (tm <= t) lo = mid; else hi = mid;
    }
    ti = idx[lo];
    /* Past the last transition a footer rule with DST changes would decide: let libc do it. */
    if (lo == tcnt - 1 && v2 && after < end && memchr(after, ',', (size_t)(end - after))) return -1;
  } else if (!tcnt && v2 && after < end && memchr(after, ',', (size_t)(end - after))) {
    return -1;
  }
  if (ti >= typ) return -1;
  *off = (long)(int32_t)be32(types + ti * 6);
  return 0;
}

/* Civil date from days since 1970-01-01 (Howard Hinnant's algorithm). */
static void civil(int64_t days, struct tm *tm) {
  days += 719468;
  int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  int64_t doe = days - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int64_t m = mp < 10 ? mp + 3 : mp - 9;
  tm->tm_mday = (int)(doy - (153 * mp + 2) / 5 + 1);
  tm->tm_mon = (int)m - 1;
  tm->tm_year = (int)(yoe + era * 400 + (m <= 2)) - 1900;
}

int xalt_localtime(double t, struct tm *tm) {
  time_t s = (time_t)t;
  if (t < 0) return -1;
  if (!tz_state && xalt_run.pool_open) return localtime_r(&s, tm) ? 0 : -1; /* (cannot happen) */
  if (!tz_state) tz_load();
  long off = 0;
  if (tz_state == -1 || (tz_state == 1 && tzif_offset((int64_t)s, &off) != 0)) return localtime_r(&s, tm) ? 0 : -1;
  int64_t local = (int64_t)s + off;
  int64_t days = local / 86400, secs = local % 86400;
  if (secs < 0) { secs += 86400; days--; }
  memset(tm, 0, sizeof *tm);
  civil(days, tm);
  tm->tm_hour = (int)(secs / 3600);
  tm->tm_min = (int)(secs / 60 % 60);
  tm->tm_sec = (int)(secs % 60);
  tm->tm_wday = (int)((days % 7 + 11) % 7); /* 1970-01-01 was a Thursday */
  return 0;
}
