/*
 * timefmt.c — clocks and the three local-time formats records use (file-name stamp,
 * YYYYMM directory, C "%c"), formatted by hand so the program's locale cannot change them.
 * signal-safe: yes for zone files tz.c reads itself; callers precompute for handlers anyway.
 * allocates: no.
 */
#define _GNU_SOURCE
#include <string.h>
#include <time.h>

#include "internal.h"

double xalt_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

double xalt_mono(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void put_num(char **o, long v, int width) {
  char tmp[24];
  int n = 0;
  do { tmp[n++] = (char)('0' + v % 10); v /= 10; } while (v && n < 23);
  while (n < width) tmp[n++] = '0';
  while (n) *(*o)++ = tmp[--n];
}

static int local(double t, struct tm *tm) { return xalt_localtime(t, tm); }

void xalt_fmt_stamp(char *out, size_t n, double t) {
  struct tm tm;
  char buf[XALT_STAMP_MAX], *o = buf;
  if (n < XALT_STAMP_MAX || local(t, &tm) != 0) { if (n) out[0] = '\0'; return; }
  long frac = (long)((t - (double)(time_t)t) * 10000.0);
  if (frac > 9999) frac = 9999;
  put_num(&o, tm.tm_year + 1900, 4); *o++ = '_';
  put_num(&o, tm.tm_mon + 1, 2); *o++ = '_';
  put_num(&o, tm.tm_mday, 2); *o++ = '_';
  put_num(&o, tm.tm_hour, 2); *o++ = '_';
  put_num(&o, tm.tm_min, 2); *o++ = '_';
  put_num(&o, tm.tm_sec, 2); *o++ = '_';
  put_num(&o, frac, 4);
  *o = '\0';
  memcpy(out, buf, (size_t)(o - buf) + 1);
}

void xalt_fmt_month(char *out, size_t n, double t) {
  struct tm tm;
  char *o = out;
  if (n < 7 || local(t, &tm) != 0) { if (n) out[0] = '\0'; return; }
  put_num(&o, tm.tm_year + 1900, 4);
  put_num(&o, tm.tm_mon + 1, 2);
  *o = '\0';
}

void xalt_fmt_cdate(char *out, size_t n, double t) {
  static const char DAYS[] = "SunMonTueWedThuFriSat";
  static const char MONTHS[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
  struct tm tm;
  char *o = out;
  if (n < XALT_DATE_MAX || local(t, &tm) != 0) { if (n) out[0] = '\0'; return; }
  memcpy(o, DAYS + 3 * tm.tm_wday, 3); o += 3; *o++ = ' ';
  memcpy(o, MONTHS + 3 * tm.tm_mon, 3); o += 3; *o++ = ' ';
  if (tm.tm_mday < 10) *o++ = ' '; /* %e pads with a space */
  put_num(&o, tm.tm_mday, 1); *o++ = ' ';
  put_num(&o, tm.tm_hour, 2); *o++ = ':';
  put_num(&o, tm.tm_min, 2); *o++ = ':';
  put_num(&o, tm.tm_sec, 2); *o++ = ' ';
  put_num(&o, tm.tm_year + 1900, 4);
  *o = '\0';
}
