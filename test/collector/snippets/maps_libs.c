/*
 * Loads the libraries named on the command line with dlopen (a "-" before a name: delete
 * the file once loaded), prints the paths /proc/self/maps shows, then exits normally
 * (first argument "exit") or dies by SIGTERM ("term").
 */
#include <dlfcn.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
int main(int argc, char **argv) {
  for (int i = 2; i < argc; i++) {
    int remove = argv[i][0] == '-';
    const char *name = argv[i] + remove;
    if (!dlopen(name, RTLD_NOW)) { fprintf(stderr, "dlopen %s: %s\n", name, dlerror()); return 2; }
    if (remove) unlink(name);
  }
  FILE *maps = fopen("/proc/self/maps", "r");
  char line[8192];
  while (maps && fgets(line, sizeof line, maps)) {
    char *path = strchr(line, '/');
    if (path) fputs(path, stdout);
  }
  fflush(stdout);
  if (!strcmp(argv[1], "term")) raise(SIGTERM);
  return 0;
}
