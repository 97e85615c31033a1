/** The record spool the ingest benchmarks load, written by the test fixtures' record writer. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
