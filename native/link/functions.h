/* functions.h — function tracking for the ld wrapper's helper (functions.c). */
#ifndef XALT_LINK_FUNCTIONS_H
#define XALT_LINK_FUNCTIONS_H
#include "internal.h"
/*
 * When XALT_FUNCTION_TRACKING=yes and a reverse map with `xlibmap` is found in XALT_ETC_DIR:
 * link again with `real` and the linker arguments minus module libraries and -o, and append
 * the undefined symbols to `out` as a JSON array. Returns 0 when `out` was filled, -1 otherwise.
 */
int xalt_function_tracking(const char *real, int argc, char *const *argv, struct xalt_jbuf *out);
#endif
