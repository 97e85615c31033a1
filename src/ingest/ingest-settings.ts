/**
 * What the ingest and db commands take from the site configuration: the store URL and the
 * pre-ingest and application-naming rules. The config module is loaded lazily and only if this
 * build has it, so ingest works (with defaults) on a checkout without `src/config/`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IngestRules } from './ingest-rules.js';

export interface IngestSettings extends IngestRules {
  /** store URL from the config, if it names one (src/db/store-location.ts decides) */
  readonly storeUrl?: string;
  /** spool prefix from the config, read when no SPOOL is given */
  readonly spoolPrefix?: string;
}

/** Minimal structural view of the config module's loader (src/config). */
interface ConfigModule {
  loadSiteConfig(path?: string): Promise<{
    readonly store?: { readonly url?: string };
    readonly spool?: { readonly prefix?: string };
    readonly sampling?: { readonly preIngest?: readonly { readonly probability: number; readonly pattern: string }[] };
    readonly rules?: { readonly applications?: readonly { readonly name: string; readonly pattern: string }[] };
    readonly privacy?: { readonly redactWords?: readonly string[] };
  }>;
}

async function configModule(): Promise<ConfigModule | undefined> {
  const specifier = '../config/index.js'; // not a literal: this build may not contain it
  try {
    const mod = (await import(specifier)) as Partial<ConfigModule>;
    return typeof mod.loadSiteConfig === 'function' ? (mod as ConfigModule) : undefined;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') return undefined;
    throw err;
  }
}

/** Settings from the site config at `configPath` (or the config search order). */
export async function loadIngestSettings(configPath?: string): Promise<IngestSettings> {
  const mod = await configModule();
  if (!mod) return {};
  const cfg = await mod.loadSiteConfig(configPath);
  const url = cfg.store?.url;
  return {
    ...(url ? { storeUrl: url } : {}),
    ...(cfg.spool?.prefix ? { spoolPrefix: cfg.spool.prefix } : {}),
    preIngest: cfg.sampling?.preIngest ?? [],
    applications: cfg.rules?.applications ?? [],
    ...(cfg.privacy?.redactWords ? { redactWords: cfg.privacy.redactWords } : {}),
  };
}

/**
 * XALT's `USE_HOME` spool: every user's `~/.xalt.d` that exists, from /etc/passwd (XALT asks
 * `getent passwd`; on a large LDAP site pass the directories explicitly instead).
 */
export function homeSpools(passwdFile = '/etc/passwd'): string[] {
  let text = '';
  try { text = readFileSync(passwdFile, 'utf8'); } catch { return []; }
  const homes = new Set(text.split('\n').map((l) => l.split(':')[5]).filter((h): h is string => !!h && h.startsWith('/')));
  return [...homes].map((h) => join(h, '.xalt.d')).filter((d) => existsSync(d));
}

/** The spools to read when none are given: the config's prefix (USE_HOME: every ~/.xalt.d). */
export function configuredSpools(settings: IngestSettings): string[] {
  if (!settings.spoolPrefix) return [];
  return settings.spoolPrefix === 'USE_HOME' ? homeSpools() : [settings.spoolPrefix];
}
