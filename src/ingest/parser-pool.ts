/**
 * Reading, parsing and validating record files, either on the calling thread or spread over
 * worker threads (JSON.parse and validation are the CPU-heavy part of ingest; the main thread
 * meanwhile loads the previous batch into the store).
 */
import { Worker } from 'node:worker_threads';
import { ResultDecoder } from './compact-results.js';
import { CompiledRules, type IngestRules } from './ingest-rules.js';
import { unpackRawFiles, type PackedFiles } from './raw-file-packing.js';
import { interpretRawFile, readRecordFile, type FileResult } from './read-record-file.js';
import { ModuleLookup, type ReverseMapData } from './reverse-map.js';
import type { SpoolFile } from './spool-walk.js';
import { UserNames } from './user-names.js';

/** Everything a parser needs, as plain data (it is sent to workers). */
export interface ParserSetup {
  readonly rules: IngestRules;
  readonly reverseMap?: ReverseMapData;
  readonly maxFileSize: number;
  readonly now: number;
}

export interface Parser {
  parse(files: readonly SpoolFile[]): Promise<FileResult[]>;
  close(): Promise<void>;
}

/** Build the per-thread reading context from plain data. */
export function readContext(setup: ParserSetup) {
  const modules = new ModuleLookup(setup.reverseMap);
  return {
    rules: new CompiledRules(setup.rules),
    moduleOf: (path: string) => modules.moduleOf(path),
    users: new UserNames(),
    maxFileSize: setup.maxFileSize,
    now: setup.now,
  };
}

/** Parse on the calling thread. */
export function inlineParser(setup: ParserSetup): Parser {
  const ctx = readContext(setup);
  return {
    parse: async (files) => files.map((f) => readRecordFile(f, ctx)),
    close: async () => undefined,
  };
}

interface Pending {
  readonly files: readonly SpoolFile[];
  resolve(r: FileResult[]): void;
  reject(e: Error): void;
}

/** Files per message to a worker: small, so the main thread decodes while workers read on. */
const CHUNK = 250;

/** Parse on `jobs` worker threads; each call deals its files out to them in chunks. */
export function workerParser(setup: ParserSetup, jobs: number): Parser {
  const url = new URL('./parser-worker.js', import.meta.url);
  const workers = Array.from({ length: jobs }, () => new Worker(url, { workerData: setup }));
  const pending = new Map<number, Pending>();
  let nextId = 0;
  let turn = 0;
  for (const w of workers) {
    const decoder = new ResultDecoder(); // messages of one worker arrive in the order sent
    w.on('message', (m: { id: number; batch: string }) => {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      try {
        p.resolve(decoder.decode(m.batch, p.files));
      } catch (err) {
        p.reject(err as Error);
      }
    });
    w.on('error', (err) => {
      for (const p of pending.values()) p.reject(err);
      pending.clear();
    });
  }
  const send = (w: Worker, files: readonly SpoolFile[]) =>
    new Promise<FileResult[]>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { files, resolve, reject });
      w.postMessage({ id, files });
    });
  return {
    async parse(files) {
      const parts: Promise<FileResult[]>[] = [];
      for (let i = 0; i < files.length; i += CHUNK) parts.push(send(workers[turn++ % workers.length]!, files.slice(i, i + CHUNK)));
      return (await Promise.all(parts)).flat();
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

/** Files per message to the reader thread: small, so interpreting starts while it reads on. */
const READ_CHUNK = 250;

/**
 * Read on one worker thread, interpret on the calling thread. On two cores this is the split
 * that pays: the system calls (open, fstat, read, close: a third of the per-file work) move to
 * the other core, while parsing stays where the store loader uses its results, and the files'
 * bytes cross over as one transferred buffer per chunk instead of a structured clone.
 */
export function readerParser(setup: ParserSetup): Parser {
  const ctx = readContext(setup);
  const worker = new Worker(new URL('./reader-worker.js', import.meta.url));
  const pending = new Map<number, { files: readonly SpoolFile[]; resolve(r: FileResult[]): void; reject(e: Error): void }>();
  let nextId = 0;
  const failAll = (err: Error) => {
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  worker.on('message', (m: { id: number; packed: PackedFiles }) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    try {
      const raws = unpackRawFiles(m.packed);
      p.resolve(raws.map((raw, i) => interpretRawFile(p.files[i]!, raw, ctx)));
    } catch (err) {
      p.reject(err as Error);
    }
  });
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`the file reader thread exited (${code})`)));
  const read = (files: readonly SpoolFile[]) =>
    new Promise<FileResult[]>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { files, resolve, reject });
      worker.postMessage({ id, paths: files.map((f) => f.abs), maxFileSize: setup.maxFileSize });
    });
  return {
    async parse(files) {
      const parts: Promise<FileResult[]>[] = [];
      for (let i = 0; i < files.length; i += READ_CHUNK) parts.push(read(files.slice(i, i + READ_CHUNK)));
      return (await Promise.all(parts)).flat();
    },
    async close() {
      worker.removeAllListeners('exit');
      await worker.terminate();
    },
  };
}
