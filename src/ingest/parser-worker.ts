/** Worker thread body for `workerParser`: read and interpret the files it is sent. */
import { parentPort, workerData } from 'node:worker_threads';
import { ResultEncoder } from './compact-results.js';
import { readContext, type ParserSetup } from './parser-pool.js';
import { readRecordFile } from './read-record-file.js';
import type { SpoolFile } from './spool-walk.js';

const ctx = readContext(workerData as ParserSetup);
const encoder = new ResultEncoder();
parentPort?.on('message', (m: { id: number; files: SpoolFile[] }) => {
  parentPort?.postMessage({ id: m.id, batch: encoder.encode(m.files.map((f) => readRecordFile(f, ctx))) }); // a JSON string
});
