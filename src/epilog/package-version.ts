/**
 * Versions for pkg records a killed Python left without one (the hook fills them in only at
 * a normal exit). The epilog runs as root on paths a user wrote, so it uses only what the
 * user could see themselves and what cannot leak a file's content: the names of the
 * `*.dist-info`/`*.egg-info` directories beside the package (a wheel's directory name holds
 * its version) and, for packages whose distribution has another name (`PIL` from
 * `Pillow`), whether a `top_level.txt` lists the package.
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

/** Read a small file without following a symlink; '' if it is not a small regular file. */
function readSmall(path: string): string {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return '';
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || st.size > 65536) return '';
    const buf = Buffer.alloc(st.size);
    return buf.subarray(0, readSync(fd, buf, 0, st.size, 0)).toString('utf8');
  } finally {
    closeSync(fd);
  }
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
        for (const line of readSmall(join(dir, entry, 'top_level.txt')).split('\n')) {
          const mod = line.trim().split('/')[0];
          if (mod && !site.topLevel.has(mod)) site.topLevel.set(mod, version);
        }
      }
    }
    return site.topLevel;
  }
}
