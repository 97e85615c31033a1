/**
 * Versions for pkg records a killed Python left without one (the hook fills them in only at
 * a normal exit). The epilog runs as root on paths a user wrote, so it uses only what the
 * user could see themselves and what cannot leak a file's content: the names of the
 * `*.dist-info`/`*.egg-info` directories beside the package (a wheel's directory name holds
 * its version) and, for packages whose distribution has another name (`PIL` from
 * `Pillow`), whether its `top_level.txt` (else its `RECORD`) lists the package.
 */
import { closeSync, constants, fstatSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

interface SiteIndex {
  /** normalised distribution name → [metadata directory, version from its name] */
  readonly byName: Map<string, [string, string]>;
  /** top-level module → version, built on first need */
  topLevel?: Map<string, string>;
}

const META_DIR = /^([^-]+)-([^-]+?)(?:-[^-]*)*\.(?:dist-info|egg-info)$/;
const norm = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '_');

/** The sys.path entry a package or module was imported from. */
function installDir(path: string): string {
  const base = basename(path);
  return base.startsWith('__init__.') ? dirname(dirname(path)) : dirname(path);
}

/** Read a file of at most `max` bytes without following a symlink; undefined otherwise. */
function readSmall(path: string, max: number): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || st.size > max) return undefined;
    const buf = Buffer.alloc(st.size);
    return buf.subarray(0, readSync(fd, buf, 0, st.size, 0)).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** The top-level module a RECORD path belongs to, or undefined (metadata, scripts, caches). */
function recordModule(path: string): string | undefined {
  const slash = path.indexOf('/');
  if (slash < 0) return /\.(py|so|pyd)$/.test(path) ? path.split('.')[0] : undefined;
  const first = path.slice(0, slash);
  return /\.(dist-info|egg-info|data)$/.test(first) || first === '..' || first === '__pycache__' ? undefined : first;
}

/** Top-level modules of a distribution: top_level.txt, else RECORD (as the hook does). */
function topLevelNames(meta: string): Set<string> {
  const top = readSmall(join(meta, 'top_level.txt'), 65536);
  if (top !== undefined) return new Set(top.split('\n').map((l) => l.trim().split('/')[0]!).filter(Boolean));
  const record = readSmall(join(meta, 'RECORD'), 8 * 1024 * 1024) ?? '';
  return new Set(record.split('\n').map((l) => recordModule(l.split(',')[0]!.trim())).filter((m): m is string => !!m));
}

/** Finds versions for one job's records, caching what it learns per directory. */
export class PackageVersions {
  private readonly sites = new Map<string, SiteIndex | undefined>();

  /** @param uid the job's user: only directories they may list are looked at */
  constructor(private readonly uid: number) {}

  /** Version of top-level package `name` imported from `path`, or '' when unknown. */
  lookup(name: string, path: string): string {
    if (!path.startsWith('/')) return '';
    const site = this.site(installDir(path));
    if (!site) return '';
    const hit = site.byName.get(norm(name));
    if (hit) return hit[1];
    return this.topLevel(installDir(path), site).get(name) ?? '';
  }

  private site(dir: string): SiteIndex | undefined {
    if (!this.sites.has(dir)) this.sites.set(dir, this.index(dir));
    return this.sites.get(dir);
  }

  private index(dir: string): SiteIndex | undefined {
    try {
      const st = statSync(dir);
      if (!st.isDirectory() || (st.uid !== this.uid && (st.mode & 0o005) !== 0o005)) return undefined;
      const byName = new Map<string, [string, string]>();
      for (const entry of readdirSync(dir)) {
        const m = META_DIR.exec(entry);
        if (m && !byName.has(norm(m[1]!))) byName.set(norm(m[1]!), [entry, m[2]!]);
      }
      return { byName };
    } catch {
      return undefined;
    }
  }

  private topLevel(dir: string, site: SiteIndex): Map<string, string> {
    if (!site.topLevel) {
      site.topLevel = new Map();
      for (const [entry, version] of site.byName.values()) {
        for (const mod of topLevelNames(join(dir, entry))) if (!site.topLevel.has(mod)) site.topLevel.set(mod, version);
      }
    }
    return site.topLevel;
  }
}
