/* Prints errno as main sees it and what a failing call leaves; the collector must not change either. */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
int main(void) {
  int at_start = errno;
  close(-1);
  printf("errno at main %d, after close(-1) %d\n", at_start, errno);
  return 0;
}
