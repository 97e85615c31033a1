/* Prints its arguments to stdout, a line to stderr, and exits with argv[1] if numeric. */
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv) {
  printf("hello argc=%d\n", argc);
  for (int i = 1; i < argc && i < 4; i++) printf("arg %s\n", argv[i]);
  fprintf(stderr, "to stderr\n");
  return argc > 1 ? atoi(argv[1]) : 0;
}
