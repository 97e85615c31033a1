/**
 * Walk a record tree and list record files by name, whatever the layout: xalt's
 * `<YYYYMM>/<NNN>/`, XALT's `<NNN>/` and `<kind>/<NNN>/`, flat directories, `~/.xalt.d`, and
 * NCSA Delta's `<YYYYMM>/<NNN>/` tree all reduce to "recurse and look at names".
 *
 * Hidden entries are skipped: `.<name>.new` files are records (and bundles) still being
 * written, and `.quarantine` is ours. Only names ending in `.json` (record files) and `.bundle`
 * (xalt-ship's bundles) are candidates; the rest is not ours.
 */
import { readdirSync, type Dirent } from 'node:fs';
import { parseRecordFileName, type RecordKind } from '../schema/index.js';
import { sha1Hex } from './sha1-hex.js';

/** A candidate record file. */
export interface SpoolFile {
  /** absolute path */
  readonly abs: string;
  /** path relative to the spool root, with `/` */
  readonly rel: string;
  /** sha1 of `rel`: the key in xalt_ingested_file */
  readonly hash: string;
  /** kind from the name; undefined for a `.json` file whose name is not a record name */
  readonly kind: RecordKind | undefined;
  /** user field of the name ('' when unknown) */
  readonly nameUser: string;
  /** a bundle of records (`*.bundle`), not a record file */
  readonly bundle?: true;
}

/** sha1 hex of a spool-relative path. */
export function pathHash(rel: string): string {
  return sha1Hex(rel);
}

function readDir(dir: string, onError: (dir: string, err: Error) => void): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    onError(dir, err as Error);
    return [];
  }
}

/**
 * Visit every candidate record file under `root` (depth first, names sorted so that a run's
 * `aaa` comes before its `zzz` within a directory, as XALT's loader does). `skip(hash, bundle)`
 * returning true drops a file before anything else is done with it.
 */
export function* walkSpool(root: string, skip: (hash: string, bundle: boolean) => boolean, onError: (dir: string, err: Error) => void): Generator<SpoolFile> {
  // paths are built by concatenation (path.join normalises every one, a visible cost per file)
  const base = root.endsWith('/') ? root : `${root}/`;
  const stack: string[] = [''];
  while (stack.length > 0) {
    const relDir = stack.pop()!;
    const entries = readDir(relDir ? base + relDir : root, onError).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const subdirs: string[] = [];
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const rel = relDir ? `${relDir}/${e.name}` : e.name;
      if (e.isDirectory()) { subdirs.push(rel); continue; }
      const bundle = e.name.endsWith('.bundle');
      if (!bundle && !e.name.endsWith('.json')) continue;
      const hash = pathHash(rel);
      if (skip(hash, bundle)) continue;
      if (bundle) { yield { abs: base + rel, rel, hash, kind: undefined, nameUser: '', bundle: true }; continue; }
      const parsed = parseRecordFileName(e.name);
      yield { abs: base + rel, rel, hash, kind: parsed?.kind, nameUser: parsed?.user ?? '' };
    }
    for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i]!);
  }
}
