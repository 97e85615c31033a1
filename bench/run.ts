/**
 * `npm run bench`: runs every benchmark module in bench/ (each exports `run()`), one after
 * another so they do not compete for the 2 cores. Arguments pick modules by name:
 * `npm run bench -- ingest collector`.
 *
 * Budgets are in docs/internals/budgets.md. Each module prints its figures and the ratio against a
 * baseline measured side by side in the same run; nothing here is a pass/fail test.
 */
import { readdirSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';

interface BenchModule {
  run?: () => Promise<void>;
}

const here = fileURLToPath(new URL('.', import.meta.url));
const wanted = process.argv.slice(2);
const modules = readdirSync(here)
  .filter((f) => f.endsWith('.js') && f !== 'run.js' && !f.endsWith('.test.js'))
  .map((f) => basename(f, '.js'))
  .filter((name) => wanted.length === 0 || wanted.some((w) => name.includes(w)))
  .sort();

const machine = `${process.platform} ${process.arch}, node ${process.version}, ${(await import('node:os')).cpus().length} cores`;
console.log(`xalt benchmarks — ${new Date().toISOString()} — ${machine}\n`);
for (const name of modules) {
  const mod = (await import(`./${name}.js`)) as BenchModule;
  if (typeof mod.run !== 'function') continue; // a helper module (data generators), not a benchmark
  console.log(`== ${name} ==`);
  const t0 = performance.now();
  await mod.run();
  console.log(`(${name}: ${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
}
