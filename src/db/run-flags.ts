/**
 * Integrity flags of a run (xalt_run.flags): why its record cannot be taken at its word —
 * `owner_mismatch` (the record names a user other than the owner of its file, or of its
 * staging file as xalt-ship reports in a bundle), and whatever flag a bundle carries. Stored
 * sorted, without repeats, comma-separated; '' for none. A flagged run is kept and shown by
 * `xalt find`, and left out of reports unless they are asked to include it (pure: no IO).
 */

/** A flag name as stored: lower-case letters, digits and underscores. */
const FLAG = /^[a-z][a-z0-9_]{0,63}$/;

/**
 * The stored text of a set of flags: sorted, without repeats or malformed names.
 * @example flagsText(['zz', 'owner_mismatch', 'zz']) // 'owner_mismatch,zz'
 */
export function flagsText(flags: Iterable<string>): string {
  return [...new Set([...flags].filter((f) => FLAG.test(f)))].sort().join(',');
}

/** The flags of stored text (`''` → none). */
export function flagList(text: string | null | undefined): string[] {
  return text ? text.split(',').filter((f) => f !== '') : [];
}

/**
 * The union of two stored flag texts.
 * @example mergeFlags('owner_mismatch', '') // 'owner_mismatch'
 */
export function mergeFlags(a: string | null | undefined, b: string | null | undefined): string {
  return flagsText([...flagList(a), ...flagList(b)]);
}
