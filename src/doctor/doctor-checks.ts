/**
 * `xalt doctor`'s checks: does this node record runs, links and packages into a spool the
 * ingest host can read, and can this host reach the store? Each check does the real thing
 * (runs a probe program under the collector, imports through the hook) rather than only
 * looking for files.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SiteConfig } from '../config/site-config.js';
import { PACKAGE_ROOT } from '../config/load-site-config.js';
import { isMysqlUrl, openStore } from '../db/open-store.js';
import { schemaVersion, LATEST_SCHEMA_VERSION } from '../db/migrations/migrations.js';
import { validateRun } from '../schema/validate.js';
import { verifyRecordCrc } from '../schema/crc16.js';

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface CheckResult {
  readonly check: string;
  readonly status: CheckStatus;
  readonly detail: string;
}

/** Where xalt's parts are on this node: the installed tree ($XALT_DIR) or this checkout's build. */
export interface Layout {
  readonly lib: string;
  readonly wrapper: string;
  readonly python: string;
}

export function findLayout(env: NodeJS.ProcessEnv): Layout {
  const dir = env['XALT_DIR'];
  if (dir && existsSync(join(dir, 'lib', 'libxalt.so'))) {
    return { lib: join(dir, 'lib', 'libxalt.so'), wrapper: join(dir, 'bin', 'ld'), python: join(dir, 'python') };
  }
  return { lib: join(PACKAGE_ROOT, 'native/build/libxalt.so'), wrapper: join(PACKAGE_ROOT, 'native/wrapper/ld'), python: join(PACKAGE_ROOT, 'python/xalt_hook') };
}

const result = (check: string, status: CheckStatus, detail: string): CheckResult => ({ check, status, detail });

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => join(d.parentPath ?? (d as unknown as { path: string }).path, d.name));
}

/** Run a copy of /bin/true under the collector into a scratch spool and check the record. */
export function checkCollector(layout: Layout): CheckResult {
  if (!existsSync(layout.lib)) return result('collector', 'fail', `${layout.lib} does not exist (run "xalt build", then "xalt install")`);
  const scratch = mkdtempSync(join(tmpdir(), 'xalt-doctor-'));
  try {
    const probe = join(scratch, 'probe'); // not named xalt*: xalt's own programs are never tracked
    copyFileSync('/bin/true', probe);
    const spool = join(scratch, 'spool');
    spawnSync('mkdir', ['-p', spool]);
    const r = spawnSync(probe, ['--doctor'], {
      encoding: 'utf8', timeout: 20_000,
      env: { ...process.env, LD_PRELOAD: layout.lib, XALT_EXECUTABLE_TRACKING: 'yes', XALT_FILE_PREFIX: spool, XALT_SAMPLING: 'no', XALT_TRACING: 'yes' },
    });
    if (r.status !== 0) return result('collector', 'fail', `a probe program under the collector exited ${r.status ?? r.signal}: ${r.stderr.trim().split('\n')[0] ?? ''}`);
    const files = filesUnder(spool).filter((f) => f.endsWith('.json'));
    if (files.length === 0) {
      const why = r.stderr.split('\n').find((l) => l.startsWith('xalt:')) ?? 'no trace';
      return result('collector', 'fail', `loaded, but wrote no record for a probe in ${scratch} (${why})`);
    }
    const text = readFileSync(files[0]!, 'utf8');
    const v = validateRun(JSON.parse(text));
    if (!v.record || verifyRecordCrc(text) !== true) return result('collector', 'fail', `wrote an invalid record: ${v.issues.join('; ') || 'bad crc'}`);
    return result('collector', 'ok', `${layout.lib} records runs (probe: syshost ${v.record.userT.syshost}, user ${v.record.userT.user})`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The spool must exist, be a directory everyone can write into, and be sticky. */
export function checkSpool(cfg: SiteConfig, env: NodeJS.ProcessEnv): CheckResult {
  const prefix = env['XALT_FILE_PREFIX'] ?? cfg.spool.prefix;
  if (!prefix || prefix === 'USE_HOME') return result('spool', 'warn', 'records go to each user\'s ~/.xalt.d (USE_HOME): slow to ingest on a large site; set [spool] prefix');
  let st;
  try {
    st = statSync(prefix);
  } catch {
    return result('spool', 'fail', `${prefix} does not exist (xalt install creates it; the collector never does)`);
  }
  if (!st.isDirectory()) return result('spool', 'fail', `${prefix} is not a directory`);
  const mode = st.mode & 0o7777;
  if ((mode & 0o1777) !== 0o1777) return result('spool', 'warn', `${prefix} has mode ${mode.toString(8)}: users can write records only if it is 1777 (sticky, world-writable)`);
  return result('spool', 'ok', `${prefix} (mode ${mode.toString(8)}, layout ${cfg.spool.layout})`);
}

export function checkTmpdir(cfg: SiteConfig, env: NodeJS.ProcessEnv): CheckResult {
  const dir = env['XALT_TMPDIR'] ?? cfg.spool.tmpdir;
  try {
    accessSync(dir, constants.W_OK);
    return result('tmpdir', 'ok', `${dir} is writable (package staging, staged start records)`);
  } catch {
    return result('tmpdir', 'fail', `${dir} is not writable: Python package staging and staged start records will be lost`);
  }
}

/** Python finds our sitecustomize first on PYTHONPATH. */
export function checkPythonHook(layout: Layout): CheckResult {
  const r = spawnSync('python3', ['-c', 'import sitecustomize, sys; print(sitecustomize.__file__)'], {
    encoding: 'utf8', timeout: 20_000, env: { ...process.env, PYTHONPATH: layout.python, LD_PRELOAD: '', XALT_EXECUTABLE_TRACKING: 'no' },
  });
  if (r.error) return result('python hook', 'warn', 'python3 not found: Python packages will not be tracked here');
  const file = r.stdout.trim();
  if (r.status !== 0 || !file.startsWith(layout.python)) return result('python hook', 'fail', `python3 imports ${file || 'no sitecustomize'} instead of ${layout.python}/sitecustomize.py`);
  return result('python hook', 'ok', `python3 loads ${file}`);
}

/** The `ld` gcc would run is xalt's wrapper (when the module puts it first). */
export function checkLinkWrapper(layout: Layout, env: NodeJS.ProcessEnv): CheckResult {
  if (!existsSync(layout.wrapper)) return result('link wrapper', 'fail', `${layout.wrapper} does not exist`);
  const r = spawnSync('sh', ['-c', 'command -v ld'], { encoding: 'utf8', env });
  const found = r.stdout.trim();
  if (found === layout.wrapper) return result('link wrapper', 'ok', `ld on PATH is xalt's wrapper (${found})`);
  return result('link wrapper', 'warn', `ld on PATH is ${found || 'missing'}, not ${layout.wrapper}: links are recorded only by the collector's bypass detection (is the xalt module loaded?)`);
}

export async function checkStore(url: string): Promise<CheckResult> {
  if (!isMysqlUrl(url) && !existsSync(url)) return result('store', 'warn', `${url} does not exist yet ("xalt ingest" or "xalt db migrate" creates it)`);
  try {
    const store = await openStore(url, { migrate: false });
    try {
      const v = await schemaVersion(store);
      if (v === 0) return result('store', 'warn', `${store.location} is reachable but empty (run "xalt db migrate")`);
      if (v < LATEST_SCHEMA_VERSION) return result('store', 'warn', `${store.location} has schema ${v}, latest is ${LATEST_SCHEMA_VERSION} (run "xalt db migrate")`);
      return result('store', 'ok', `${store.location} (schema ${v})`);
    } finally {
      await store.close();
    }
  } catch (err) {
    return result('store', 'fail', (err as Error).message);
  }
}
