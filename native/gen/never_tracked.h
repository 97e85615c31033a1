/*
 * never_tracked.h — GENERATED from src/config/builtin-rules.ts (SHELLS, HELPERS) by
 * src/config/emit-c-never-tracked.ts; do not edit. Regenerate:
 *   node -e "import('./dist/src/config/write-generated.js').then((m) => m.writeCommitted())"
 *
 * Basenames never tracked, besides those starting "xalt_" or "xalt-".
 */
#ifndef XALT_NEVER_TRACKED_H
#define XALT_NEVER_TRACKED_H

#define XALT_NEVER_TRACKED_NAMES "sh", "dash", "bash", "zsh", "csh", "tcsh", "fish", "ksh", "ksh93", "mksh", "pdksh", "ash", "busybox", "nu", "rc", "xalt", "my_uuidgen", "logger"

#endif
