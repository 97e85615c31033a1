/**
 * `npm test`: runs every compiled `*.test.js` under dist/ with Node's test runner, so the
 * whole suite (unit, C collector, Python hook, databases, browser) ends in one summary.
 * Type checking already happened in `npm run build`.
 *
 * Arguments narrow the run: `npm test -- schema ingest` runs test files whose path contains
 * "schema" or "ingest".
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dist = join(root, 'dist');

function findTests(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) findTests(p, out);
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

/** tsc leaves the output of a deleted source behind: a test whose .ts is gone is not run. */
const hasSource = (f: string) => existsSync(join(root, relative(dist, f)).replace(/\.js$/, '.ts'));

const filters = process.argv.slice(2);
const files = findTests(dist)
  .filter(hasSource)
  .filter((f) => filters.length === 0 || filters.some((s) => relative(dist, f).includes(s)))
  .sort();
if (files.length === 0) {
  console.error(`no test files matched ${filters.join(' ')}`);
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--test', '--test-concurrency=2', ...files], { stdio: 'inherit', cwd: root });
process.exit(result.status ?? 1);
