/* A library whose constructor runs before main: it forks a child that exits, then (with
 * CTOR_EXIT set) ends the whole program from inside the constructor with exit(9). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
__attribute__((constructor)) static void early(void) {
  pid_t p = fork();
  if (p == 0) _exit(0);
  waitpid(p, NULL, 0);
  printf("library constructor ran\n");
  if (getenv("CTOR_EXIT")) { fflush(stdout); exit(9); }
}
