/**
 * Which store a read-only command (find, report, serve) opens: `--db`, else `$XALT_DB`, else
 * the site configuration's `[store] url`.
 */
import { UserError } from '../errors.js';

/** The store URL or path to open, or a usage error saying how to name one. */
export function storeLocation(option: string | undefined, env: Readonly<Record<string, string | undefined>>, configUrl?: string): string {
  const url = option ?? env['XALT_DB'] ?? configUrl;
  if (url === undefined || url === '') {
    throw new UserError('XALT_NO_STORE', 'no store given', 'pass --db FILE.db (or mysql://user@host/db), set $XALT_DB, or set [store] url in the config');
  }
  return url;
}
