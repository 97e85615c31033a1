/*
 * syslog.c — the `syslog` transport: records as XALT's syslog lines (interface V:4,
 * docs/ship.md), which `xalt ingest --syslog FILE` (and XALT's xalt_syslog_to_db.py) read:
 *
 *   <14>Mmm dd hh:mm:ss XALT_LOGGING_<syshost>: V:4 kind:<run|link|pkg> syshost:<syshost>
 *       key:<key> crcStr:<0xHHHH> uid:<owner uid> flags:<flags> nb:<NN> idx:<NN> value:<chunk>
 *
 * one message per 512-byte chunk of the record (XALT's SYSLOG_MSG_SZ: readers pad a chunk
 * syslog trimmed back to that size, so every chunk but the last is exactly that long). uid
 * and flags are xalt's additions; readers take fields by name and ignore the ones they do
 * not know.
 *
 * The messages are formatted exactly as syslog(3) formats them and sent to the same socket
 * (/dev/log), but by us: syslog(3) drops a message silently when no daemon listens, and
 * xalt-ship removes a staging file only once its records were taken.
 * A record with non-ASCII characters is sent with them as \uXXXX escapes (as XALT's own
 * writer does; the crc is resealed): chunks are cut by bytes and read back line by line.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "ship.h"

struct syslog_out {
  int fd;
  int stream;                   /* SOCK_STREAM log socket: messages end in a NUL */
  char tag[XALT_FIELD_MAX + 16];
  char syshost[XALT_FIELD_MAX];
};

static int connect_to(const char *path, int type) {
  struct sockaddr_un a;
  if (strlen(path) >= sizeof a.sun_path) {
    errno = ENAMETOOLONG;
    return -1;
  }
  int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  memset(&a, 0, sizeof a);
  a.sun_family = AF_UNIX;
  memcpy(a.sun_path, path, strlen(path));
  if (connect(fd, (struct sockaddr *)&a, sizeof a) == 0) return fd;
  int e = errno;
  close(fd);
  errno = e;
  return -1;
}

struct syslog_out *syslog_open(const char *socket_path, const char *syshost, char *err, size_t n) {
  struct syslog_out *l = calloc(1, sizeof *l);
  if (!l) return NULL;
  l->fd = connect_to(socket_path, SOCK_DGRAM);
  if (l->fd < 0 && errno == EPROTOTYPE) {
    l->fd = connect_to(socket_path, SOCK_STREAM);
    l->stream = 1;
  }
  if (l->fd < 0) {
    snprintf(err, n, "syslog socket %s: %s", socket_path, strerror(errno));
    free(l);
    return NULL;
  }
  snprintf(l->tag, sizeof l->tag, "XALT_LOGGING_%s", syshost);
  snprintf(l->syshost, sizeof l->syshost, "%s", syshost);
  return l;
}

void syslog_close(struct syslog_out *l) {
  if (!l) return;
  close(l->fd);
  free(l);
}

/* `s` with every non-ASCII character as \uXXXX (surrogate pairs above U+FFFF), crc resealed
 * when it matched before. Non-ASCII bytes only occur inside strings of a valid record. */
static void ascii_only(const char *s, size_t n, struct xalt_jbuf *out) {
  int reseal = record_crc_ok(s, n);
  for (size_t i = 0; i < n;) {
    size_t used;
    unsigned cp = jscan_utf8((const unsigned char *)s + i, n - i, &used);
    if (cp < 0x80) {
      xalt_jbuf_put(out, s + i, 1);
    } else {
      unsigned u[2] = {cp, 0};
      int k = 1;
      if (cp > 0xFFFF) { u[0] = 0xD800 + ((cp - 0x10000) >> 10); u[1] = 0xDC00 + ((cp - 0x10000) & 0x3FF); k = 2; }
      for (int j = 0; j < k; j++) xalt_json_u_escape(out, u[j]);
    }
    i += used;
  }
  if (reseal && !out->failed && out->len > 15) {
    memcpy(out->p + 10, "FFFF", 4);
    xalt_json_seal_crc(out);
  }
}

/* "Mmm dd hh:mm:ss" in local time, as syslog(3) writes it ("%h %e %T" in the C locale). */
static void timestamp(char out[16]) {
  static const char MON[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
  time_t t = time(NULL);
  struct tm tm;
  localtime_r(&t, &tm);
  snprintf(out, 16, "%.3s %2d %02d:%02d:%02d", MON + 3 * tm.tm_mon, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static int send_all(struct syslog_out *l, const char *msg, size_t len) {
  for (int tries = 0; tries < 1000; tries++) {
    ssize_t r = send(l->fd, msg, len, MSG_NOSIGNAL);
    if (r == (ssize_t)len) return 0;
    if (r >= 0 && l->stream) { msg += r; len -= (size_t)r; continue; }
    if (r < 0 && errno == EINTR) continue;
    if (r < 0 && (errno == ENOBUFS || errno == EAGAIN)) { /* the daemon is behind: give it a moment */
      struct timespec ts = {0, 1000 * 1000};
      nanosleep(&ts, NULL);
      continue;
    }
    return -1;
  }
  errno = EAGAIN;
  return -1;
}

int syslog_send(struct syslog_out *l, const struct ship_entry *e, char *err, size_t n) {
  static char mem[SHIP_RECORD_BUF];
  struct xalt_jbuf rec;
  xalt_jbuf_init_mem(&rec, mem, sizeof mem);
  size_t len = e->len;
  while (len && e->bytes[len - 1] == '\n') len--;
  ascii_only(e->bytes, len, &rec);
  if (rec.failed) {
    xalt_jbuf_free(&rec);
    snprintf(err, n, "out of memory");
    return -1;
  }
  char crc[7] = "0x0000";
  if (rec.len >= 14 && !memcmp(rec.p, "{\"crc\":\"", 8)) memcpy(crc, rec.p + 8, 6);
  size_t nb = (rec.len + SHIP_SYSLOG_CHUNK - 1) / SHIP_SYSLOG_CHUNK;
  char ts[16], msg[SHIP_SYSLOG_CHUNK + 1024];
  timestamp(ts);
  int rc = 0;
  for (size_t i = 0; i < nb && rc == 0; i++) {
    size_t at = i * SHIP_SYSLOG_CHUNK, k = rec.len - at < SHIP_SYSLOG_CHUNK ? rec.len - at : SHIP_SYSLOG_CHUNK;
    int hl = snprintf(msg, sizeof msg, "<14>%s %s: V:4 kind:%s syshost:%s key:%s crcStr:%s uid:%lu flags:%s nb:%02zu idx:%02zu value:", ts, l->tag,
                      e->kind, l->syshost, e->key, crc, (unsigned long)e->owner, e->flags, nb, i + 1);
    if (hl < 0 || (size_t)hl + k + 1 > sizeof msg) { rc = -1; errno = EMSGSIZE; break; }
    memcpy(msg + hl, rec.p + at, k);
    size_t ml = (size_t)hl + k;
    if (l->stream) msg[ml++] = '\0';
    rc = send_all(l, msg, ml);
  }
  if (rc != 0) snprintf(err, n, "syslog: %s", strerror(errno));
  xalt_jbuf_free(&rec);
  return rc;
}
