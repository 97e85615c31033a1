/*
 * clock.c — time for xalt-ship. The collector's timefmt.c formats stamps and month
 * directories; its tz.c reads zone files without libc to spare user processes ~30 µs, which
 * a shipper does not need: here local time is libc's localtime_r.
 */
#define _GNU_SOURCE
#include <time.h>

#include "ship.h"

double ship_now(void) { return xalt_now(); }

int xalt_localtime(double t, struct tm *tm) {
  if (!(t >= 0)) return -1;
  time_t s = (time_t)t;
  return localtime_r(&s, tm) ? 0 : -1;
}
