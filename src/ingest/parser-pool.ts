/**
 * Reading, parsing and validating record files: on the calling thread (`inlineParser`), or
 * spread over worker threads (`workerParser`: machines with more than two cores). Results come
 * in chunks the store loader asks for one by one.
 */
import { Worker } from 'node:worker_threads';
import { ResultDecoder } from './compact-results.js';
import { CompiledRules, type IngestRules } from './ingest-rules.js';
import { readRecordFile, type FileResult } from './read-record-file.js';
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

/** Results of part of a batch; each call gives them (again: a retried transaction asks twice). */
export type ParseChunk = () => Promise<FileResult[]>;

export interface Parser {
  /**
   * The results of `files` as chunks, in order. Work that runs on other threads starts now;
   * interpreting on this thread waits until a chunk is asked for, so its records are loaded
   * while still young.
   */
  parse(files: readonly SpoolFile[]): ParseChunk[];
  close(): Promise<void>;
}

/** Files per chunk: small, so a chunk's records are loaded soon after they are made. */
const CHUNK = 250;

function parts<T>(xs: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += CHUNK) out.push(xs.slice(i, i + CHUNK));
  return out;
}

/** A chunk: the first call returns `first` (already under way), later calls `again()`. */
function chunkOf<T>(first: Promise<T>, again: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined = first;
  return () => {
    const p = pending ?? again();
    pending = undefined; // not kept: the chunk's results should die once loaded
    return p;
  };
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
    parse: (files) => parts(files).map((part) => async () => part.map((f) => readRecordFile(f, ctx))),
    close: async () => undefined,
  };
}

interface Pending {
  readonly files: readonly SpoolFile[];
  resolve(r: FileResult[]): void;
  reject(e: Error): void;
}

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
    parse(files) {
      return parts(files).map((part) => {
        const w = workers[turn++ % workers.length]!;
        const first = send(w, part);
        first.catch(() => undefined); // rejections surface when the chunk is asked for
        return chunkOf(first, () => send(w, part));
      });
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
