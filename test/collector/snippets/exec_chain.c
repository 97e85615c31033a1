/* Replaces itself (same pid) with argv[1]: each program is its own run. */
#include <stdio.h>
#include <unistd.h>
int main(int argc, char **argv) {
  if (argc < 2) return 2;
  printf("before exec\n");
  fflush(stdout);
  char *next[] = {argv[1], "0", NULL};
  execv(argv[1], next);
  return 1;
}
