/* Changes HOME, USER and cwd, then clears the whole environment before exiting. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
int main(void) {
  setenv("HOME", "/nonexistent", 1);
  setenv("USER", "somebody-else", 1);
  if (chdir("/") != 0) return 1;
  clearenv();
  printf("env cleared\n");
  return 0;
}
