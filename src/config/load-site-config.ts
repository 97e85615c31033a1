/**
 * The IO edge of the configuration: find the site config, read it, parse it.
 * Search order: explicit path, `$XALT_CONFIG`, `./xalt.toml`, `$XALT_DIR/etc/xalt.toml`
 * (the install), else the built-in defaults, which are etc/xalt.example.toml of this checkout.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RuntimeError, UserError } from '../errors.js';
import { noteConfigUsed } from './config-notice.js';
import { parseSiteConfig, type ParseResult } from './parse-site-config.js';
import type { SiteConfig } from './site-config.js';

/** The checkout (or installed package) root: dist/src/config/ is three levels down. */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The example config that doubles as xalt's built-in defaults. */
export const EXAMPLE_CONFIG = join(PACKAGE_ROOT, 'etc', 'xalt.example.toml');

/** Name shown for the built-in defaults in messages. */
export const BUILTIN_NAME = '<built-in defaults>';

/** Which file the search order picks; `undefined` means the built-in defaults. */
export function findSiteConfig(explicit?: string, env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string | undefined {
  return chooseSiteConfig(explicit, env, cwd).path;
}

/** The file the search order picks and the step that picked it (for `-v`). */
function chooseSiteConfig(explicit: string | undefined, env: NodeJS.ProcessEnv, cwd: string): { path?: string; source: string } {
  if (explicit) return { path: resolve(cwd, explicit), source: '--config' };
  if (env['XALT_CONFIG']) return { path: resolve(cwd, env['XALT_CONFIG']), source: '$XALT_CONFIG' };
  const local = join(cwd, 'xalt.toml');
  if (existsSync(local)) return { path: local, source: 'xalt.toml in the current directory' };
  if (env['XALT_DIR']) {
    const installed = join(env['XALT_DIR'], 'etc', 'xalt.toml');
    if (existsSync(installed)) return { path: installed, source: '$XALT_DIR/etc/xalt.toml' };
  }
  return { source: `no file found: the built-in defaults, ${EXAMPLE_CONFIG}` };
}

/** Read and parse without throwing on validation errors (for `xalt config check`). */
export function readSiteConfig(explicit?: string, env: NodeJS.ProcessEnv = process.env): ParseResult & { readonly text: string; readonly path?: string } {
  const { path, source } = chooseSiteConfig(explicit, env, process.cwd());
  const file = path ?? EXAMPLE_CONFIG;
  noteConfigUsed(path ?? BUILTIN_NAME, source);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new RuntimeError('XALT_CONFIG_UNREADABLE', `${file}: cannot read the site configuration: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, 'check the path given with --config or $XALT_CONFIG');
  }
  const result = parseSiteConfig(text, path ?? BUILTIN_NAME);
  return path === undefined ? { ...result, text } : { ...result, text, path };
}

/**
 * Load the site configuration by the search order and return it frozen.
 * @throws UserError XALT_CONFIG_INVALID listing every problem, one per line
 * @example const cfg = await loadSiteConfig(); cfg.store.url
 */
export async function loadSiteConfig(path?: string): Promise<SiteConfig> {
  const result = readSiteConfig(path);
  if (!result.config) {
    throw new UserError('XALT_CONFIG_INVALID', result.errors.join('\n'), `fix the file, then run "xalt config check ${result.path ?? ''}"`.trim());
  }
  return result.config;
}
