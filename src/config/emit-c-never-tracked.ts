/**
 * The basenames the collector never tracks, as a C header (pure): the shells and helpers of
 * builtin-rules.ts, which the compiled path rules also skip. native/src/decide.c checks them
 * a second time, independently of any rule table, so that a collector built from a table
 * that lacks the built-in head rules still never tracks a shell or xalt itself.
 */
import { HELPERS, SHELLS } from './builtin-rules.js';
import { cString } from './emit-c.js';

/**
 * The text of native/gen/never_tracked.h.
 * @example writeFileSync('native/gen/never_tracked.h', emitNeverTrackedH())
 */
export function emitNeverTrackedH(): string {
  const names = [...SHELLS, 'xalt', ...HELPERS];
  return `/*
 * never_tracked.h — GENERATED from src/config/builtin-rules.ts (SHELLS, HELPERS) by
 * src/config/emit-c-never-tracked.ts; do not edit. Regenerate:
 *   node -e "import('./dist/src/config/write-generated.js').then((m) => m.writeCommitted())"
 *
 * Basenames never tracked, besides those starting "xalt_" or "xalt-".
 */
#ifndef XALT_NEVER_TRACKED_H
#define XALT_NEVER_TRACKED_H

#define XALT_NEVER_TRACKED_NAMES ${names.map(cString).join(', ')}

#endif
`;
}
