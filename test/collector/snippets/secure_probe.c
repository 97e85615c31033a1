/* Says whether the collector is mapped into it and whether the kernel started it in
 * secure-execution mode (setuid, setgid, capabilities): "mapped=N secure=N". */
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
int main(void) {
  FILE *f = fopen("/proc/self/maps", "r");
  char line[4096];
  int mapped = 0;
  while (f && fgets(line, sizeof line, f)) mapped |= strstr(line, "libxalt") != NULL;
  printf("mapped=%d secure=%lu\n", mapped, getauxval(AT_SECURE));
  return 0;
}
