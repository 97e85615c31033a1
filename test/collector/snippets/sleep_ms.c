/* Sleeps argv[1] milliseconds (a program that runs until a signal arrives). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
int main(int argc, char **argv) {
  long ms = argc > 1 ? atol(argv[1]) : 1000;
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  printf("sleeping\n");
  fflush(stdout);
  nanosleep(&ts, NULL);
  return 0;
}
