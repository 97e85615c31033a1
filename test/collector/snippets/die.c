/* Ends abnormally: argv[1] = _exit | abort | segv | kill | term. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
int main(int argc, char **argv) {
  const char *how = argc > 1 ? argv[1] : "_exit";
  printf("dying by %s\n", how);
  fflush(stdout);
  if (!strcmp(how, "_exit")) _exit(5);
  if (!strcmp(how, "abort")) abort();
  if (!strcmp(how, "segv")) { volatile int *p = NULL; *p = 1; }
  if (!strcmp(how, "kill")) raise(SIGKILL);
  if (!strcmp(how, "term")) raise(SIGTERM);
  return 1;
}
