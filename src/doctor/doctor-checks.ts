/**
 * `xalt doctor`'s checks: is tracking on here, does this node record runs, links and packages
 * into its staging directory, can xalt-ship (root's) move them into a spool only root can
 * write, is the ingest quarantine safe, and can this host reach the store? Each check does the
 * real thing (runs a probe program under the collector, imports a package through the hook)
 * rather than only looking for files.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SiteConfig } from '../config/site-config.js';
import { PACKAGE_ROOT } from '../config/load-site-config.js';
import { isSqlitePath, openStore } from '../db/open-store.js';
import { schemaVersion, LATEST_SCHEMA_VERSION } from '../db/migrations/migrations.js';
import { validateRun } from '../schema/validate.js';
import { verifyRecordCrc } from '../schema/crc16.js';
import { monthOf } from '../install/spool-dirs.js';
import { explainPath } from '../config/explain.js';

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface CheckResult {
  readonly check: string;
  readonly status: CheckStatus;
  readonly detail: string;
}

/** Where xalt's parts are on this node: the installed tree ($XALT_DIR) or this checkout's build. */
export interface Layout {
  readonly lib: string;
  readonly ship: string;
  readonly wrapper: string;
  readonly python: string;
}

export function findLayout(env: NodeJS.ProcessEnv): Layout {
  const dir = env['XALT_DIR'];
  if (dir && existsSync(join(dir, 'lib', 'libxalt.so'))) {
    return { lib: join(dir, 'lib', 'libxalt.so'), ship: join(dir, 'sbin', 'xalt-ship'), wrapper: join(dir, 'bin', 'ld'), python: join(dir, 'python') };
  }
  const build = join(PACKAGE_ROOT, 'native/build');
  return { lib: join(build, 'libxalt.so'), ship: join(build, 'xalt-ship'), wrapper: join(PACKAGE_ROOT, 'native/wrapper/ld'), python: join(PACKAGE_ROOT, 'python/xalt_hook') };
}

const result = (check: string, status: CheckStatus, detail: string): CheckResult => ({ check, status, detail });

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => join(d.parentPath ?? (d as unknown as { path: string }).path, d.name));
}

/**
 * Tracking is on in this environment, as `module load xalt` leaves it: the collector in
 * LD_PRELOAD and XALT_EXECUTABLE_TRACKING=yes. Everything else can be fine while nothing is
 * recorded because the module is not loaded here.
 */
export function checkTrackingOn(layout: Layout, env: NodeJS.ProcessEnv): CheckResult {
  const preload = (env['LD_PRELOAD'] ?? '').split(/[\s:]+/).filter((p) => p !== '');
  const ours = preload.find((p) => p === layout.lib || p.endsWith('/libxalt.so'));
  const tracking = env['XALT_EXECUTABLE_TRACKING'];
  if (!ours) return result('tracking', 'fail', `LD_PRELOAD ${preload.length ? `is ${preload.join(' ')}, without` : 'is empty: no'} collector: programs started from this environment are not tracked (module load xalt)`);
  if (tracking !== 'yes') return result('tracking', 'fail', `XALT_EXECUTABLE_TRACKING is ${tracking === undefined ? 'unset' : `"${tracking}"`}, not "yes": the collector records nothing here (module load xalt)`);
  return result('tracking', 'ok', `on: LD_PRELOAD has ${ours}, XALT_EXECUTABLE_TRACKING=yes`);
}

/** A scratch area for probes: a staging directory and a spool, whichever the collector writes to. */
function probeDirs(): { dir: string; staging: string; spool: string } {
  const dir = mkdtempSync(join(tmpdir(), 'xalt-doctor-'));
  const staging = join(dir, 'staging');
  const spool = join(dir, 'spool');
  mkdirSync(staging);
  mkdirSync(spool);
  return { dir, staging, spool };
}

/** The environment of a probe run: tracking on, records into the scratch area. */
function probeEnv(layout: Layout, p: { staging: string; spool: string }, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, LD_PRELOAD: layout.lib, XALT_EXECUTABLE_TRACKING: 'yes', XALT_TMPDIR: p.staging, XALT_FILE_PREFIX: p.spool, XALT_SAMPLING: 'no', XALT_TRACING: 'yes', ...extra };
}

/** Run a copy of /bin/true under the collector into a scratch area and check the record it stages. */
export function checkCollector(layout: Layout): CheckResult {
  if (!existsSync(layout.lib)) return result('collector', 'fail', `${layout.lib} does not exist (run "xalt build", then "xalt install")`);
  const p = probeDirs();
  try {
    const probe = join(p.dir, 'probe'); // not named xalt*: xalt's own programs are never tracked
    copyFileSync('/bin/true', probe);
    const r = spawnSync(probe, ['--doctor'], { encoding: 'utf8', timeout: 20_000, env: probeEnv(layout, p) });
    if (r.status !== 0) return result('collector', 'fail', `a probe program under the collector exited ${r.status ?? r.signal}: ${r.stderr.trim().split('\n')[0] ?? ''}`);
    const files = [...filesUnder(p.staging), ...filesUnder(p.spool)].filter((f) => /(^|\/)(xalt_)?run[._]/.test(f.slice(p.dir.length)) && f.endsWith('.json'));
    if (files.length === 0) {
      const why = r.stderr.split('\n').find((l) => l.startsWith('xalt:')) ?? 'no trace';
      return result('collector', 'fail', `loaded, but wrote no record for a probe in ${p.dir} (${why})`);
    }
    const text = readFileSync(files[0]!, 'utf8');
    const v = validateRun(JSON.parse(text));
    if (!v.record || verifyRecordCrc(text) !== true) return result('collector', 'fail', `wrote an invalid record: ${v.issues.join('; ') || 'bad crc'}`);
    const where = files[0]!.startsWith(p.staging) ? 'staged node-locally' : 'written to the spool';
    return result('collector', 'ok', `${layout.lib} records runs (probe ${where}: syshost ${v.record.userT.syshost}, user ${v.record.userT.user})`);
  } finally {
    rmSync(p.dir, { recursive: true, force: true });
  }
}

/** xalt-ship is there, root's, writable only by root, not setuid, and runs. */
export function checkShip(layout: Layout, cfg: SiteConfig): CheckResult {
  if (cfg.spool.transport === 'direct' || cfg.spool.transport === 'none') return result('xalt-ship', 'ok', `not used (transport ${cfg.spool.transport})`);
  let st;
  try {
    st = lstatSync(layout.ship);
  } catch {
    return result('xalt-ship', 'fail', `${layout.ship} does not exist: staged records never leave this node (run "xalt build" and "xalt install")`);
  }
  const mode = st.mode & 0o7777;
  if (!st.isFile()) return result('xalt-ship', 'fail', `${layout.ship} is not a regular file`);
  if (st.uid !== 0) return result('xalt-ship', 'fail', `${layout.ship} is owned by uid ${st.uid}, not root: whoever owns it runs code as root in every epilog (install as root)`);
  if ((mode & 0o022) !== 0 || (mode & 0o6000) !== 0) return result('xalt-ship', 'fail', `${layout.ship} has mode ${mode.toString(8).padStart(4, '0')}: it must be 0755, never writable by others, never setuid`);
  const r = spawnSync(layout.ship, ['--help'], { encoding: 'utf8', timeout: 10_000, env: { PATH: '/usr/bin:/bin' } });
  if (r.status !== 0) return result('xalt-ship', 'fail', `${layout.ship} --help exited ${r.status ?? r.signal}: ${(r.stderr || r.error?.message || '').trim().split('\n')[0]}`);
  return result('xalt-ship', 'ok', `${layout.ship} (root's, mode ${mode.toString(8).padStart(4, '0')})`);
}

const modeOf = (st: { mode: number }) => (st.mode & 0o7777).toString(8).padStart(4, '0');

/** The spool: root's and closed to users (ship), or root's with sticky month directories (direct). */
export function checkSpool(cfg: SiteConfig, env: NodeJS.ProcessEnv): CheckResult {
  const t = cfg.spool.transport;
  if (t === 'syslog' || t === 'none') return result('spool', 'ok', `not used (transport ${t})`);
  const prefix = t === 'direct' ? (env['XALT_FILE_PREFIX'] ?? cfg.spool.prefix) : cfg.spool.prefix;
  if (!prefix || prefix === 'USE_HOME' || cfg.spool.layout === 'home') return result('spool', 'warn', "records go to each user's ~/.xalt.d (USE_HOME): slow to ingest on a large site; set [spool] prefix");
  let st;
  try {
    st = lstatSync(prefix);
  } catch {
    return result('spool', 'fail', `${prefix} does not exist (xalt install creates it)`);
  }
  if (!st.isDirectory()) return result('spool', 'fail', `${prefix} is not a directory`);
  if (st.uid !== 0) return result('spool', 'fail', `${prefix} is owned by uid ${st.uid}, not root: xalt-ship refuses it, and its owner can hide or change everyone's records`);
  if (t === 'ship') {
    if ((st.mode & 0o022) !== 0) return result('spool', 'fail', `${prefix} has mode ${modeOf(st)}: users can write it; with transport ship only root may (chmod 0755)`);
    return result('spool', 'ok', `${prefix} (root's, mode ${modeOf(st)}, layout ${cfg.spool.layout}; only xalt-ship writes it)`);
  }
  const month = join(prefix, monthOf(new Date()));
  const target = cfg.spool.layout === 'month/hash' ? join(month, '000') : cfg.spool.layout === 'hash' ? join(prefix, '000') : prefix;
  try {
    const t2 = lstatSync(target);
    if (!t2.isDirectory() || t2.uid !== 0 || (t2.mode & 0o1777) !== 0o1777) return result('spool', 'fail', `${target} (mode ${modeOf(t2)}, uid ${t2.uid}) is not root's 01777: the collector writes no records there`);
  } catch {
    return result('spool', 'fail', `${target} does not exist: records of this month are dropped (run "xalt spool prepare")`);
  }
  return result('spool', 'ok', `${prefix} (transport direct, layout ${cfg.spool.layout}; this month prepared)`);
}

/** Node-local staging: a directory this user can create files in, sticky when others can too. */
export function checkTmpdir(cfg: SiteConfig, env: NodeJS.ProcessEnv): CheckResult {
  const dir = env['XALT_TMPDIR'] ?? cfg.spool.tmpdir;
  let st;
  try {
    st = statSync(dir);
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch {
    return result('staging', 'fail', `${dir} is not a directory this user can write: runs, packages and links are not recorded`);
  }
  if (!st.isDirectory()) return result('staging', 'fail', `${dir} is not a directory`);
  if ((st.mode & 0o002) !== 0 && (st.mode & 0o1000) === 0) return result('staging', 'fail', `${dir} (mode ${modeOf(st)}) is world-writable but not sticky: users could remove each other's records`);
  return result('staging', 'ok', `${dir} (mode ${modeOf(st)}): runs, packages and links are staged here`);
}

/** The ingest quarantine in the spool: root's (or this account's), 0700, not a symlink. */
export function checkQuarantine(cfg: SiteConfig): CheckResult {
  if (cfg.spool.transport === 'syslog' || cfg.spool.transport === 'none' || !cfg.spool.prefix.startsWith('/')) return result('quarantine', 'ok', 'not used');
  const q = join(cfg.spool.prefix, '.quarantine');
  let st;
  try {
    st = lstatSync(q);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EACCES') return result('quarantine', 'ok', `${q}: not visible to this user (as it should be)`);
    return result('quarantine', 'warn', `${q} does not exist (xalt install creates it; ingest creates it when it first quarantines a record)`);
  }
  if (st.isSymbolicLink()) return result('quarantine', 'fail', `${q} is a symbolic link: ingest refuses it`);
  if (!st.isDirectory() || (st.uid !== 0 && st.uid !== process.geteuid?.()) || (st.mode & 0o077) !== 0) {
    return result('quarantine', 'fail', `${q} (uid ${st.uid}, mode ${modeOf(st)}) is not a private directory of root's: ingest refuses it; remove it and run "xalt install" again`);
  }
  return result('quarantine', 'ok', `${q} (uid ${st.uid}, mode ${modeOf(st)})`);
}

/**
 * The Python hook does its job: python3 under the collector, with the hook on PYTHONPATH as the
 * module puts it, imports a probe package, and a package record for it appears. (Checking which
 * sitecustomize Python loads would fail for Debian's python3, whose own sitecustomize ours chains.)
 */
export function checkPythonHook(layout: Layout, cfg: SiteConfig): CheckResult {
  if (!existsSync(layout.lib)) return result('python hook', 'fail', `cannot probe: ${layout.lib} does not exist`);
  const exe = spawnSync('python3', ['-c', 'import os, sys; print(os.path.realpath(sys.executable))'], { encoding: 'utf8', timeout: 20_000, env: { ...process.env, LD_PRELOAD: '', XALT_EXECUTABLE_TRACKING: 'no' } });
  if (exe.error || exe.status !== 0) return result('python hook', 'warn', 'python3 not found: Python packages will not be tracked here');
  const python = exe.stdout.trim();
  const decided = explainPath(cfg, python, ['-c', 'import x'], { realpath: () => undefined });
  if (decided.result !== 'PKGS') {
    const last = decided.steps.at(-1)!;
    return result('python hook', 'warn', `${python} is ${decided.result}, not PKGS, in ${cfg.file}${last.line ? ` (line ${last.line})` : ''}: its packages are not recorded ("xalt config explain ${python}")`);
  }
  const p = probeDirs();
  try {
    const site = join(p.dir, 'site');
    mkdirSync(join(site, 'xaltdoctorprobe'), { recursive: true });
    writeFileSync(join(site, 'xaltdoctorprobe', '__init__.py'), '');
    const dist = join(site, 'xaltdoctorprobe-1.0.dist-info');
    mkdirSync(dist);
    writeFileSync(join(dist, 'METADATA'), 'Metadata-Version: 2.1\nName: xaltdoctorprobe\nVersion: 1.0\n');
    writeFileSync(join(dist, 'top_level.txt'), 'xaltdoctorprobe\n');
    const r = spawnSync(python, ['-c', 'import xaltdoctorprobe'], { encoding: 'utf8', timeout: 30_000, env: probeEnv(layout, p, { PYTHONPATH: [layout.python, site].join(':') }) });
    if (r.status !== 0) return result('python hook', 'fail', `${python} under the collector exited ${r.status ?? r.signal}: ${r.stderr.trim().split('\n').filter((l) => !l.startsWith('xalt:')).at(-1) ?? ''}`);
    const recorded = [...filesUnder(p.staging), ...filesUnder(p.spool)].some((f) => readFileSync(f, 'utf8').includes('"package_name":"xaltdoctorprobe"'));
    if (!recorded) return result('python hook', 'fail', `${python} imported a package under the collector with ${layout.python} on PYTHONPATH, and no package record appeared`);
    return result('python hook', 'ok', `${python} records imported packages (hook ${layout.python})`);
  } finally {
    rmSync(p.dir, { recursive: true, force: true });
  }
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
  if (isSqlitePath(url) && !existsSync(url)) return result('store', 'warn', `${url} does not exist yet ("xalt ingest" or "xalt db migrate" creates it)`);
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
