/**
 * The IO edge of the compiler: write the generated collector config and Python rules, and
 * regenerate the committed copies (native/gen/site_config.c, python/xalt_hook/xalt_site_rules.py)
 * from etc/xalt.example.toml, and the config-independent files: native/gen/record_fields.h and
 * python/xalt_hook/_xalt_pkg_fields.py from src/schema/, native/gen/never_tracked.h from the
 * built-in rules.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { emitRecordFieldsH } from '../schema/emit-c-fields.js';
import { emitSiteConfigC } from './emit-c.js';
import { emitNeverTrackedH } from './emit-c-never-tracked.js';
import { emitPythonRules } from './emit-python.js';
import { emitPythonFields } from './emit-python-fields.js';
import { EXAMPLE_CONFIG, PACKAGE_ROOT } from './load-site-config.js';
import { parseSiteConfig } from './parse-site-config.js';
import type { SiteConfig } from './site-config.js';

/** The contract header the generated C includes. */
export const SITE_CONFIG_HEADER = join(PACKAGE_ROOT, 'native', 'src', 'site_config.h');

/** Paths of what `writeGenerated` wrote. */
export interface GeneratedFiles {
  readonly siteConfigC: string;
  readonly pythonRules: string;
}

/** Write site_config.c and xalt_site_rules.py into `outDir` (created if needed). */
export function writeGenerated(cfg: SiteConfig, outDir: string): GeneratedFiles {
  mkdirSync(outDir, { recursive: true });
  const siteConfigC = join(outDir, 'site_config.c');
  const pythonRules = join(outDir, 'xalt_site_rules.py');
  writeFileSync(siteConfigC, emitSiteConfigC(cfg, { includePath: relative(outDir, SITE_CONFIG_HEADER) }));
  writeFileSync(pythonRules, emitPythonRules(cfg));
  return { siteConfigC, pythonRules };
}

/** The committed generated files and the bytes they must hold (checked by a drift test). */
export function committedGenerated(): { path: string; text: string }[] {
  const cfg = parseSiteConfig(readFileSync(EXAMPLE_CONFIG, 'utf8'), 'etc/xalt.example.toml').config;
  if (!cfg) throw new Error('etc/xalt.example.toml does not validate; run "xalt config check etc/xalt.example.toml"');
  return [
    { path: join(PACKAGE_ROOT, 'native', 'gen', 'site_config.c'), text: emitSiteConfigC(cfg) },
    { path: join(PACKAGE_ROOT, 'python', 'xalt_hook', 'xalt_site_rules.py'), text: emitPythonRules(cfg) },
    { path: join(PACKAGE_ROOT, 'native', 'gen', 'record_fields.h'), text: emitRecordFieldsH() },
    { path: join(PACKAGE_ROOT, 'native', 'gen', 'never_tracked.h'), text: emitNeverTrackedH() },
    { path: join(PACKAGE_ROOT, 'python', 'xalt_hook', '_xalt_pkg_fields.py'), text: emitPythonFields() },
  ];
}

/**
 * Rewrite the committed generated files after changing the example config or the compiler.
 * @example node -e "import('./dist/src/config/write-generated.js').then((m) => m.writeCommitted())"
 */
export function writeCommitted(): void {
  for (const f of committedGenerated()) {
    mkdirSync(join(f.path, '..'), { recursive: true });
    writeFileSync(f.path, f.text);
  }
}
