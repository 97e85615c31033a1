/* Loads libm with dlopen after start: it must appear in the end record's libA. */
#include <dlfcn.h>
#include <stdio.h>
int main(void) {
  void *h = dlopen("libm.so.6", RTLD_NOW);
  printf("loaded %d\n", h != NULL);
  return 0;
}
