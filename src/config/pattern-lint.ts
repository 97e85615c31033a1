/**
 * Heuristics for patterns that probably do not mean what their author thought, shared by
 * `config check` (warnings) and `config import`.
 */

/** `gcc*`, `/u/*`: a `*` right after a word character or `/` reads like a shell glob. */
export function looksLikeGlob(pattern: string): boolean {
  return /(^|[^\\])[A-Za-z0-9_+/-]\*/.test(pattern.replace(/\[[^\]]*\]/g, '#'));
}

/** The likely intended regex of a glob-looking pattern: `X*` → `X.*`. */
export function globHint(pattern: string): string {
  return pattern.replace(/([A-Za-z0-9_+/-])\*/g, '$1.*');
}
