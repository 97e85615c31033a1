/**
 * Build an `xalt_rmapT.json`: with Lmod's own spider when
 * `$LMOD_DIR/spider` exists (it knows every module, hierarchy included), otherwise by reading
 * the modulefiles under each MODULEPATH directory. Like Lmod, only directories that exist are
 * kept, symlinked directories are also listed under their real path, a module reached only
 * through a hierarchy parent (a MODULEPATH its parent prepends) is named `name(parent)`, and
 * `xlibmap` lists the library files in the `lib` directories.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseReverseMap } from '../reverse-map.js';
import { modulePaths } from './modulefile-paths.js';

export interface ReverseMapFile {
  readonly reverseMapT: Record<string, string>;
  readonly xlibmap: string[];
}

const LIB_FILE = /\.(a|so|dylib)(\.[0-9][0-9.]*)?$/;

const isDir = (p: string): boolean => { try { return statSync(p).isDirectory(); } catch { return false; } };

/** Modulefiles under `root`: [full module name, path, isLua]. Hidden files (.version, .modulerc) skipped. */
function modulefiles(root: string): [string, string, boolean][] {
  const out: [string, string, boolean][] = [];
  const walk = (rel: string): void => {
    let entries;
    try { entries = readdirSync(join(root, rel), { withFileTypes: true }); } catch { return; }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.name.startsWith('.') || e.name.endsWith('~')) continue;
      const r = rel ? `${rel}/${e.name}` : e.name;
      const p = join(root, r);
      if (e.isDirectory()) walk(r);
      else if (e.name.endsWith('.lua')) out.push([r.slice(0, -4), p, true]);
      else if (e.isFile() && readFileSync(p, 'utf8').slice(0, 8) === '#%Module') out.push([r, p, false]);
    }
  };
  walk('');
  return out;
}

class MapBuilder {
  readonly dirs = new Map<string, string>();
  readonly libs = new Set<string>();

  add(dir: string, name: string, isLib: boolean): void {
    if (!isDir(dir)) return;
    const clean = dir.length > 1 ? dir.replace(/\/+$/, '') : dir;
    for (const d of new Set([clean, realpathSync(clean)])) {
      const had = this.dirs.get(d);
      // a module reachable without a hierarchy parent wins over one that needs it
      if (had === undefined || (had.includes('(') && !name.includes('('))) this.dirs.set(d, name);
    }
    if (isLib) for (const f of readdirSync(clean)) if (LIB_FILE.test(f)) this.libs.add(f);
  }

  result(): ReverseMapFile {
    const keys = [...this.dirs.keys()].sort();
    return { reverseMapT: Object.fromEntries(keys.map((k) => [k, this.dirs.get(k)!])), xlibmap: [...this.libs].sort() };
  }
}

/** Build the map by reading modulefiles under `modulepath` (in priority order). */
export function scanModuleTrees(modulepath: readonly string[]): ReverseMapFile {
  const b = new MapBuilder();
  const queue = modulepath.map((dir) => ({ dir, parents: [] as string[] }));
  const seen = new Set<string>();
  while (queue.length > 0) {
    const { dir, parents } = queue.shift()!;
    if (seen.has(dir) || !isDir(dir)) continue;
    seen.add(dir);
    for (const [fullName, path, isLua] of modulefiles(dir)) {
      const name = parents.length ? `${fullName}(${parents.join(':')})` : fullName;
      let text: string;
      try { text = readFileSync(path, 'utf8'); } catch { continue; }
      for (const p of modulePaths(text, { fullName }, isLua)) {
        if (p.variable === 'MODULEPATH') queue.push({ dir: p.dir, parents: [...parents, fullName] });
        else b.add(p.dir, name, p.variable === 'LD_LIBRARY_PATH');
      }
    }
  }
  return b.result();
}

/** Lmod's spider, if `$LMOD_DIR/spider` exists; its output checked to be a reverse map. */
export function spiderReverseMap(lmodDir: string | undefined, modulepath: readonly string[]): string | undefined {
  if (!lmodDir) return undefined;
  const spider = join(lmodDir, 'spider');
  if (!existsSync(spider)) return undefined;
  const out = execFileSync(spider, ['-o', 'xalt_rmapT', modulepath.join(':')], { encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] });
  parseReverseMap(out, `${spider} -o xalt_rmapT`);
  return out;
}
