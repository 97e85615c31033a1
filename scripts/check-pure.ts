/**
 * Repository rule (STYLE.md): the pure core — src/schema, src/config (except its IO edge),
 * src/query, src/report and src/ingest/normalise* — never imports node:fs,
 * node:child_process, node:net or database drivers. IO lives at thin edges so the core can
 * be tested without a machine. Run by `npm test` through test/repo/pure.test.ts.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const PURE_DIRS = ['src/schema', 'src/config', 'src/query', 'src/report'];
const PURE_FILE = /^src\/ingest\/normalise[^/]*\.ts$/;
/** files in pure dirs allowed to do IO: named as edges */
const EDGE_FILE = /(^|\/)(load|emit|read|write|io)[-.][^/]*\.ts$|-io\.ts$|\.test\.ts$/;
const FORBIDDEN = /from\s+['"](node:fs|node:fs\/promises|fs|node:child_process|child_process|node:net|net|better-sqlite3|mysql2[^'"]*)['"]/;

function walk(dir: string, out: string[] = []): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const n of names) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** Violations as `file: import` lines, relative to `root`. */
export function findImpureImports(root: string): string[] {
  const files = [...PURE_DIRS.flatMap((d) => walk(join(root, d))), ...walk(join(root, 'src/ingest')).filter((f) => PURE_FILE.test(relative(root, f)))];
  const problems: string[] = [];
  for (const f of files) {
    const rel = relative(root, f);
    if (EDGE_FILE.test(rel)) continue;
    const m = FORBIDDEN.exec(readFileSync(f, 'utf8'));
    if (m) problems.push(`${rel}: imports ${m[1]}`);
  }
  return problems;
}
