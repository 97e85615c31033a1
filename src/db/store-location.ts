/**
 * Which store a command uses: `--db`, else `$XALT_DB`, else the site configuration's
 * `[store] url` (by default `xalt.db` in the current directory). Every command that opens a
 * store — ingest, find, report, serve, quarantine, db migrate, db info, doctor — asks this one
 * function, so an admin's ingest and reports can never silently use different stores.
 */
import { UserError } from '../errors.js';

type Env = Readonly<Record<string, string | undefined>>;

/** True when neither `--db` nor `$XALT_DB` names the store: only then is the config's needed. */
export function storeFromConfig(option: string | undefined, env: Env = process.env): boolean {
  return !option && !env['XALT_DB'];
}

/**
 * The store URL or path to open, or a usage error saying how to name one.
 * @example storeLocation(undefined, 'mysql://xalt@db/xalt', { XALT_DB: '/var/lib/xalt/xalt.db' }) // '/var/lib/xalt/xalt.db'
 */
export function storeLocation(option: string | undefined, configUrl: string | undefined, env: Env = process.env): string {
  const url = [option, env['XALT_DB'], configUrl].find((x) => x !== undefined && x !== '');
  if (url === undefined) {
    throw new UserError('XALT_NO_STORE', 'no store given', 'pass --db FILE.db (or mysql://user@host/db, postgresql://user@host/db), set $XALT_DB, or set [store] url in the config');
  }
  return url;
}
