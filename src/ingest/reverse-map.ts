/**
 * The reverse map: directory → module name, as Lmod writes it for XALT. Two formats are read:
 *
 *   xalt_rmapT.json      {"reverseMapT": {"/dir": "pkg/1.0(flavor)"}, "xlibmap": [...]}
 *   jsonReverseMapT.json {"reverseMapT": {"/dir": {"pkg": "pkg/1.0", "flavor": ["default", ...]}}, ...}
 *
 * Lookup is XALT's: the object's directory, then each ancestor, longest match wins.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The map as plain data (serialisable, so parser workers can receive it). */
export interface ReverseMapData {
  readonly dirs: Readonly<Record<string, string>>;
  /** library file names found in module lib directories (XALT's function tracking) */
  readonly xlibmap: readonly string[];
  /** the file it came from */
  readonly source: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Convert a jsonReverseMapT entry to XALT's `pkg` or `pkg(flavor)` string. */
function entryName(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (!isObject(v) || typeof v['pkg'] !== 'string') return undefined;
  const flavor = Array.isArray(v['flavor']) ? v['flavor'].find((f): f is string => typeof f === 'string' && f !== 'default') : undefined;
  return flavor ? `${v['pkg']}(${flavor.replace(/^default:/, '')})` : v['pkg'];
}

/**
 * Parse either reverse-map format. Throws an Error naming what is wrong.
 * @example parseReverseMap('{"reverseMapT":{"/opt/gcc/bin":"gcc/12"}}', 'x.json').dirs['/opt/gcc/bin'] === 'gcc/12'
 */
export function parseReverseMap(text: string, source: string): ReverseMapData {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`${source}: not JSON (${(err as Error).message})`);
  }
  if (!isObject(json) || !isObject(json['reverseMapT'])) throw new Error(`${source}: no "reverseMapT" object`);
  const dirs: Record<string, string> = {};
  for (const [dir, v] of Object.entries(json['reverseMapT'])) {
    const name = entryName(v);
    if (name !== undefined) dirs[stripSlash(dir)] = name;
  }
  const xlibmap = Array.isArray(json['xlibmap']) ? json['xlibmap'].filter((x): x is string => typeof x === 'string') : [];
  return { dirs, xlibmap, source };
}

function stripSlash(p: string): string {
  return p.length > 1 ? p.replace(/\/+$/, '') : p;
}

/** Files looked for in a reverse-map directory, in XALT's order. */
export const REVERSE_MAP_FILES = ['xalt_rmapT.json', 'xalt_rmapT.old.json', 'jsonReverseMapT.json', 'jsonReverseMapT.old.json'];

/** Read a reverse map from a file, or from the first of REVERSE_MAP_FILES in a directory. */
export function readReverseMap(fileOrDir: string): ReverseMapData {
  let file = fileOrDir;
  if (statSync(fileOrDir).isDirectory()) {
    const found = REVERSE_MAP_FILES.map((n) => join(fileOrDir, n)).find((p) => existsSync(p));
    if (!found) throw new Error(`${fileOrDir}: no ${REVERSE_MAP_FILES.join(', ')} in this directory`);
    file = found;
  }
  return parseReverseMap(readFileSync(file, 'utf8'), file);
}

/** Looks paths up in a reverse map; caches per directory because libraries repeat a lot. */
export class ModuleLookup {
  private readonly cache = new Map<string, string | null>();
  constructor(private readonly data: ReverseMapData | undefined) {}

  /** Module of the file at `path` (its directory or nearest ancestor), or null. */
  moduleOf(path: string): string | null {
    if (!this.data || !path.startsWith('/')) return null;
    const dir = path.slice(0, Math.max(1, path.lastIndexOf('/')));
    return this.moduleOfDir(dir);
  }

  /** Module of directory `dir` or its nearest ancestor below the root, or null. */
  moduleOfDir(dir: string): string | null {
    const hit = this.cache.get(dir);
    if (hit !== undefined) return hit;
    let d = stripSlash(dir);
    let found: string | null = null;
    while (d.length > 1) {
      const m = this.data?.dirs[d];
      if (m !== undefined) { found = m; break; }
      d = d.slice(0, d.lastIndexOf('/')) || '/';
    }
    if (this.cache.size > 100_000) this.cache.clear();
    this.cache.set(dir, found);
    return found;
  }
}
