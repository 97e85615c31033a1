/* A forked child that exits normally must not write a record; the parent does. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
int main(void) {
  fflush(stdout);
  pid_t p = fork();
  if (p == 0) { printf("child\n"); exit(4); }
  int st;
  waitpid(p, &st, 0);
  printf("parent saw %d\n", WEXITSTATUS(st));
  return 0;
}
