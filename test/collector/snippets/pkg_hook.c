/* Plays the Python hook: prints the variables a PKGS run gets and appends three pkg lines to
 * the staging file, as sitecustomize.py would (one write(2) per package). With argv[1] =
 * a path, it plants a symlink to that file at the staging path instead, with "fifo" a FIFO
 * (attacks). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
int main(int argc, char **argv) {
  const char *u = getenv("XALT_RUN_UUID"), *d = getenv("XALT_DATE_TIME"), *s = getenv("XALT_PKG_STAGING");
  printf("uuid=%s\ndate=%s\nstaging=%s\n", u ? u : "", d ? d : "", s ? s : "");
  if (!s || !u) return 0;
  if (argc > 1 && !strcmp(argv[1], "fifo")) return mkfifo(s, 0600) == 0 ? 0 : 1;
  if (argc > 1) return symlink(argv[1], s) == 0 ? 0 : 1;
  int fd = open(s, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW, 0600);
  if (fd < 0) return 1;
  /* package names as JSON string contents: the third has escapes (naïve"x) */
  const char *pkgs[] = {"numpy", "scipy", "na\\u00efve\\\"x"};
  for (int i = 0; i < 3; i++) {
    char line[512];
    int n = snprintf(line, sizeof line, "{\"crc\":\"0x0000\",\"program\":\"python\",\"xalt_run_uuid\":\"%s\",\"package_name\":\"%s\"}\n", u, pkgs[i]);
    if (write(fd, line, (size_t)n) != n) return 1;
  }
  close(fd);
  return 0;
}
