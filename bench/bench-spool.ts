/** The record spool the ingest benchmarks load, written by the test fixtures' record writer. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { writeBundle, type EntrySpec } from '../test/fixtures/bundles.js';
import { pkgRecord, runPair, writePkgRecord, writeRecord } from '../test/fixtures/records.js';

/** 300 library paths in 40 module-like trees: runs share most of their libraries, as on a cluster. */
export const LIB_POOL = Array.from({ length: 300 }, (_, i) => `/opt/apps/pkg${i % 40}/${i}/lib/libthing${i}.so.${i % 7}`);

/** A spool of `pairs` runs (start and end records; the end with 20 libraries, 8 environment values) plus a package record per second run. */
export function makeBenchSpool(pairs: number): { root: string; records: number } {
  const root = mkdtempSync(join(tmpdir(), 'xalt-bench-spool-'));
  let records = 0;
  for (let i = 0; i < pairs; i++) {
    const libA = Array.from({ length: 20 }, (_, k) => [LIB_POOL[(i * 7 + k * 13) % LIB_POOL.length]!, '0']);
    const envT = Object.fromEntries(Array.from({ length: 8 }, (_, k) => [`VAR_${k}`, `value-${i % 50}-${k}`]));
    const { start, end } = runPair({ libA, envT, userT: { user: `user${i % 100}`, exec_path: `/opt/apps/pkg${i % 40}/bin/prog${i % 200}` } });
    writeRecord(root, 'month/hash', start);
    writeRecord(root, 'month/hash', end);
    records += 2;
    if (i % 2 === 0) { writePkgRecord(root, 'month/hash', pkgRecord((end['userT'] as Record<string, unknown>)['run_uuid'] as string), `user${i % 100}`); records++; }
  }
  return { root, records };
}

/**
 * The same records twice: as record files, and as bundles of a job's worth (`perJob` runs) the
 * way xalt-ship writes them — every run root's, so the bundle's owner lines and the files'
 * owner agree (this machine has no other users to own them).
 */
export function makeFilesAndBundles(pairs: number, perJob: number): { files: string; bundles: string; records: number } {
  const files = mkdtempSync(join(tmpdir(), 'xalt-bench-files-'));
  const bundles = mkdtempSync(join(tmpdir(), 'xalt-bench-bundles-'));
  let records = 0;
  let job: EntrySpec[] = [];
  const flush = () => {
    if (job.length) writeBundle(bundles, job, { job: String(records) });
    job = [];
  };
  for (let i = 0; i < pairs; i++) {
    const libA = Array.from({ length: 20 }, (_, k) => [LIB_POOL[(i * 7 + k * 13) % LIB_POOL.length]!, '0']);
    const envT = Object.fromEntries(Array.from({ length: 8 }, (_, k) => [`VAR_${k}`, `value-${i % 50}-${k}`]));
    const { start, end } = runPair({ libA, envT, userT: { user: 'root', exec_path: `/opt/apps/pkg${i % 40}/bin/prog${i % 200}` } });
    const pkg = pkgRecord((end['userT'] as Record<string, unknown>)['run_uuid'] as string);
    const pkgPath = i % 2 === 0 ? writePkgRecord(files, 'month/hash', pkg, 'root') : undefined;
    writeRecord(files, 'month/hash', start);
    writeRecord(files, 'month/hash', end);
    job.push({ record: start, owner: 0 }, { record: end, owner: 0 });
    records += 2;
    if (pkgPath) { job.push({ record: pkg, name: basename(pkgPath), owner: 0 }); records++; }
    if ((i + 1) % perJob === 0) flush();
  }
  flush();
  return { files, bundles, records };
}
