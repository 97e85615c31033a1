/**
 * `npm test`: runs every compiled `*.test.js` under dist/ with Node's test runner, so the
 * whole suite (unit, C collector, Python hook, databases, browser) ends in one summary.
 * Type checking already happened in `npm run build`.
 *
 * Arguments narrow the run: `npm test -- schema ingest` runs test files whose path contains
 * "schema" or "ingest".
 *
 * `--quick` (`npm run test:quick`) runs only the unit tests: by convention the `*.test.ts`
 * files beside the modules in src/, which build no C, open no database and start no browser
 * or other program (the end-to-end tests live in test/). A unit test that imports a process,
 * database or browser module breaks the convention and fails the quick run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
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

/** Modules a unit test must not import: they start programs, open databases or a browser. */
const NOT_QUICK = /from\s+['"](node:child_process|child_process|better-sqlite3|mysql2[^'"]*|pg|playwright-core)['"]/;

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const filters = args.filter((a) => a !== '--quick');
const files = findTests(quick ? join(dist, 'src') : dist)
  .filter(hasSource)
  .filter((f) => filters.length === 0 || filters.some((s) => relative(dist, f).includes(s)))
  .sort();
if (files.length === 0) {
  console.error(`no test files matched ${filters.join(' ')}`);
  process.exit(1);
}
if (quick) {
  const offenders = files.map((f) => join(root, relative(dist, f)).replace(/\.js$/, '.ts')).filter((ts) => NOT_QUICK.test(readFileSync(ts, 'utf8')));
  if (offenders.length) {
    console.error(`test:quick: unit tests must not start programs, databases or browsers; move these to test/: ${offenders.map((f) => relative(root, f)).join(', ')}`);
    process.exit(1);
  }
}
const result = spawnSync(process.execPath, ['--test', '--test-concurrency=2', ...files], { stdio: 'inherit', cwd: root });
process.exit(result.status ?? 1);
