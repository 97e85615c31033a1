/** Worker thread body for `readerParser`: read the files it is sent (the system calls only). */
import { parentPort } from 'node:worker_threads';
import { packRawFiles } from './raw-file-packing.js';
import { readRawFile } from './read-record-file.js';

parentPort?.on('message', (m: { id: number; paths: string[]; maxFileSize: number }) => {
  const packed = packRawFiles(m.paths.map((p) => readRawFile(p, m.maxFileSize)));
  parentPort?.postMessage({ id: m.id, packed }, [packed.data, packed.meta.buffer as ArrayBuffer]);
});
