/**
 * Which store a read-only command (find, report, serve) opens: `--db`, else `$XALT_DB`.
 * (When the site configuration loader lands, its `[store] url` becomes the next fallback.)
 */
import { UserError } from '../cli/errors.js';

/** The store URL or path to open, or a usage error saying how to name one. */
export function storeLocation(option: string | undefined, env: Readonly<Record<string, string | undefined>>): string {
  const url = option ?? env['XALT_DB'];
  if (url === undefined || url === '') {
    throw new UserError('XALT_NO_STORE', 'no store given', 'pass --db FILE.db (or mysql://user@host/db), or set $XALT_DB');
  }
  return url;
}
