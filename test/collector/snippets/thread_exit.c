/* exit() from a thread other than main: the status must reach the record. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
static void *worker(void *arg) { (void)arg; printf("worker exits\n"); fflush(stdout); exit(7); }
int main(void) {
  pthread_t t;
  pthread_create(&t, NULL, worker, NULL);
  for (;;) pause();
}
