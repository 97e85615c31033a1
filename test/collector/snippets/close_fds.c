/* Closes stdin/stdout/stderr (argv[1] = "std") or every descriptor (argv[1] = "all"). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
int main(int argc, char **argv) {
  printf("closing\n");
  fflush(stdout);
  int all = argc > 1 && !strcmp(argv[1], "all");
  for (int fd = 0; fd < (all ? 4096 : 3); fd++) close(fd);
  return 6;
}
