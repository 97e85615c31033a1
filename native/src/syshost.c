/*
 * syshost.c — the cluster name ("syshost") of a node by the site config's rule
 * (docs/config.md, [syshost]): shared by the collector (init.c) and xalt-ship, so a bundle is named
 * with the same syshost as the records in it. Never a DNS lookup.
 * signal-safe: yes. allocates: no.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <string.h>

#include "internal.h"

void xalt_syshost_of(const char *host, char *s, size_t n) {
  const struct xalt_site_config *c = &xalt_site_config;
  switch (c->syshost_kind) {
    case XALT_SYSHOST_HARDCODE: xalt_copy(s, n, c->syshost_arg, host); break;
    case XALT_SYSHOST_ENV_VAR: xalt_copy(s, n, c->syshost_arg ? xalt_getenv(c->syshost_arg) : NULL, "unknown"); break;
    case XALT_SYSHOST_MAPPING: {
      int i = xalt_rule_match(XALT_RULES_SYSHOST, host, strlen(host));
      xalt_copy(s, n, i >= 0 && c->syshost_names ? c->syshost_names[i] : NULL, host);
      break;
    }
    case XALT_SYSHOST_NTH_NAME: { /* dot component N of the node name; no DNS lookup in user processes */
      const char *p = host;
      for (int k = 1; k < c->syshost_nth && p; k++) p = strchr(p, '.') ? strchr(p, '.') + 1 : NULL;
      xalt_copy(s, n, p, host);
      char *dot = strchr(s, '.');
      if (dot) *dot = '\0';
      break;
    }
    case XALT_SYSHOST_READ_FILE: {
      xalt_copy(s, n, host, NULL);
      int fd = c->syshost_arg ? xalt_open(c->syshost_arg, O_RDONLY | O_CLOEXEC, 0) : -1;
      if (fd < 0) break;
      long k = xalt_read(fd, s, n - 1);
      xalt_close(fd);
      if (k > 0) { s[k] = '\0'; s[strcspn(s, "\r\n")] = '\0'; }
      if (!s[0]) xalt_copy(s, n, host, NULL);
      break;
    }
    default: /* XALT_SYSHOST_STRIP_NUMBERS: short host name up to the first digit */
      xalt_copy(s, n, host, NULL);
      for (char *q = s; *q; q++)
        if (*q == '.' || (*q >= '0' && *q <= '9')) { *q = '\0'; break; }
      if (!s[0]) xalt_copy(s, n, host, "unknown");
  }
  for (char *p = s; *p; p++) if (*p == '/' || *p == '.') *p = '_'; /* the file name uses dots as separators */
}
