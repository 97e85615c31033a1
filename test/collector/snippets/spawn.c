/* Starts argv[2] with vfork+exec ("vfork") or posix_spawn ("spawn") and reports its status. */
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
extern char **environ;
int main(int argc, char **argv) {
  if (argc < 3) return 2;
  pid_t p;
  char *child[] = {argv[2], "5", NULL};
  if (!strcmp(argv[1], "vfork")) {
    p = vfork();
    if (p == 0) { execve(argv[2], child, environ); _exit(127); }
  } else if (posix_spawn(&p, argv[2], NULL, NULL, child, environ) != 0) return 3;
  int st;
  waitpid(p, &st, 0);
  printf("child status %d\n", WEXITSTATUS(st));
  return 0;
}
