/* dlopens the library named in argv[1] (a stand-in CUDA runtime), as a GPU program would. */
#include <dlfcn.h>
#include <stdio.h>
int main(int argc, char **argv) {
  void *h = argc > 1 ? dlopen(argv[1], RTLD_NOW) : NULL;
  printf("loaded %d\n", h != NULL);
  return 0;
}
