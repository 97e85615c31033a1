/*
 * uuid.c — UUIDv7 and random numbers from the kernel (getrandom), in process: no libuuid,
 * no rand() (a program's own srand/rand sequence must not be disturbed).
 * signal-safe: yes. allocates: no.
 */
#define _GNU_SOURCE
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

void xalt_random(void *out, size_t n) {
  unsigned char *p = out;
  size_t got = 0;
  while (got < n) {
    long r = XALT_SC(SYS_getrandom, p + got, n - got, GRND_NONBLOCK);
    if (r <= 0) break;
    got += (size_t)r;
  }
  if (got == n) return;
  /* No entropy (very early boot, seccomp): a splitmix of time and pid is still unique enough. */
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  uint64_t x = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 32) ^ ((uint64_t)xalt_getpid() << 16);
  for (size_t i = got; i < n; i++) {
    x += 0x9E3779B97F4A7C15ULL;
    uint64_t z = x;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    p[i] = (unsigned char)(z ^ (z >> 31));
  }
}

void xalt_uuid7(char out[XALT_UUID_LEN + 1], double now) {
  unsigned char b[16];
  xalt_random(b, sizeof b);
  uint64_t ms = (uint64_t)(now * 1000.0);
  for (int i = 0; i < 6; i++) b[i] = (unsigned char)(ms >> (8 * (5 - i)));
  b[6] = (unsigned char)((b[6] & 0x0F) | 0x70);
  b[8] = (unsigned char)((b[8] & 0x3F) | 0x80);
  /* 8-4-4-4-12 hex digits: bytes 0-3, 4-5, 6-7, 8-9, 10-15 */
  char *o = out + xalt_hex(b, 4, out, 9);
  for (int i = 4; i < 10; i += 2) {
    *o++ = '-';
    o += xalt_hex(b + i, 2, o, 5);
  }
  *o++ = '-';
  xalt_hex(b + 10, 6, o, 13);
}

double xalt_random_unit(void) {
  uint64_t r;
  xalt_random(&r, sizeof r);
  return (double)(r >> 11) / 9007199254740992.0; /* 53 random bits in [0, 1) */
}
