/**
 * The shared spool's directories (docs/internals/contracts.md "Spool"), made by `xalt install`
 * and `xalt spool prepare`, root-owned:
 *
 * - `ship` (the default): the prefix 0755 — only xalt-ship, as root, writes in it — and the
 *   ingest quarantine `<prefix>/.quarantine` 0700;
 * - `direct`: users' own processes write record files, so the directories they write in are
 *   made for them ahead of time, sticky and world-writable (01777), while everything above
 *   stays 0755: `<prefix>/<YYYYMM>/<NNN>/` for the `month/hash` layout (each month made by
 *   `xalt spool prepare`, this month and next by default), `<prefix>/<NNN>/` for `hash`, the
 *   prefix itself for `flat`. The collector writes only into directories that exist and are
 *   root's and sticky; it never makes one.
 * - `syslog` and `none` write nothing into a spool.
 */
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { HASH_PRIME, type SpoolLayout } from '../schema/spool-layout.js';
import type { Transport } from '../config/site-config.js';
import { putDir, type InstallLog } from './install-files.js';

/** The hash directory names, 000 … 996. */
export function hashDirs(prime = HASH_PRIME): string[] {
  return Array.from({ length: prime }, (_, i) => String(i).padStart(String(prime).length, '0'));
}

/** `YYYYMM` of the month `offset` months after the one holding `date` (local time, as records name months). */
export function monthOf(date: Date, offset = 0): string {
  const d = new Date(date.getFullYear(), date.getMonth() + offset, 1);
  return `${d.getFullYear()}${String(d.getMonth() + 1).padStart(2, '0')}`;
}

/** Make `dir/000` … `dir/996`, 01777. */
function hashTree(log: InstallLog, dir: string): void {
  const before = log.written.length;
  for (const h of hashDirs()) putDir(log, join(dir, h), 0o1777);
  const made = log.written.length - before;
  if (made > 0) log.written.splice(before, made, `${dir}/{000..996}/ (${made} made or fixed, mode 1777)`);
}

/**
 * Directories users write into under a `direct` spool, for `months` (YYYYMM; used by the
 * month/hash layout only).
 */
export function prepareDirectSpool(log: InstallLog, prefix: string, layout: SpoolLayout, months: readonly string[]): void {
  if (layout === 'flat') {
    putDir(log, prefix, 0o1777);
    return;
  }
  putDir(log, prefix, 0o755);
  if (layout === 'hash') {
    hashTree(log, prefix);
    return;
  }
  for (const m of months) hashTree(log, putDir(log, join(prefix, m), 0o755));
}

/** The spool `xalt install` makes for `transport` (see the top of this file). */
export function prepareSharedSpool(log: InstallLog, prefix: string, transport: Transport, layout: SpoolLayout, now = new Date()): void {
  if (transport === 'syslog' || transport === 'none') return;
  if (transport === 'direct') prepareDirectSpool(log, prefix, layout, [monthOf(now), monthOf(now, 1)]);
  else putDir(log, prefix, 0o755);
  putDir(log, join(prefix, '.quarantine'), 0o700, true);
  warnForeignEntries(log, prefix);
}

/**
 * A spool that users once wrote into directly (xalt before the shipper, XALT) may hold
 * directories they own; xalt-ship will not write below those. Say so once.
 */
function warnForeignEntries(log: InstallLog, prefix: string): void {
  const foreign = readdirSync(prefix).filter((name) => lstatSync(join(prefix, name)).uid !== 0);
  if (foreign.length === 0 || process.geteuid?.() !== 0) return;
  log.warnings.push(`${prefix} holds ${foreign.length} entries not owned by root (${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', …' : ''}): left by users writing the spool directly; xalt-ship will not write below them. Move them to another directory, ingest them from there ("xalt ingest DIR"), and remove them`);
}
