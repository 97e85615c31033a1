/**
 * A compact form of parse results for the trip from a parser worker to the main thread.
 * Structured cloning of normalised records costs about as much as parsing them; most of it is
 * the same objects (libraries), environment names and column names over and over, and the
 * files themselves, which the main thread already has. The worker therefore sends each object,
 * name and column list once, records as value arrays and indices into those tables, and no
 * file (results come back in the order the files were sent) — all as one JSON string, which
 * crosses threads as a copy and parses far faster than a structured clone of the same data.
 * One encoder per worker, one decoder per worker on the main side, messages decoded in the
 * order they were sent.
 */
import type { NormalLink, NormalPkg, NormalRecord, NormalRun, ObjectRef, Row } from './normalise.js';
import type { FileResult } from './read-record-file.js';
import type { SpoolFile } from './spool-walk.js';

type Value = string | number | null;

/** A record as values + indices. */
interface CompactRecord {
  readonly k: 'run' | 'link' | 'pkg';
  readonly start?: boolean;
  /** index of its column list */
  readonly c: number;
  readonly v: Value[];
  /** object indices */
  readonly o?: number[];
  /** env: name index, value, name index, value, … */
  readonly e?: (number | string)[];
  /** function name indices */
  readonly f?: number[];
}

type CompactResult = Omit<FileResult, 'outcome' | 'file'> & { outcome: FileResult['outcome'] | { status: 'compact'; r: CompactRecord; ownerMismatch?: string } };

/** One message: table additions, then results. */
export interface CompactBatch {
  readonly newObjects: ObjectRef[];
  readonly newNames: string[];
  readonly newColumns: string[][];
  readonly results: CompactResult[];
}

class Interner<T> {
  private readonly index = new Map<string, number>();
  fresh: T[] = [];
  idOf(key: string, value: T): number {
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.index.size;
      this.index.set(key, i);
      this.fresh.push(value);
    }
    return i;
  }
  take(): T[] {
    const f = this.fresh;
    this.fresh = [];
    return f;
  }
}

/** Worker side. */
export class ResultEncoder {
  private readonly objects = new Interner<ObjectRef>();
  private readonly names = new Interner<string>();
  private readonly columns = new Interner<string[]>();

  private record(r: NormalRecord): CompactRecord {
    const cols = Object.keys(r.row);
    const c = this.columns.idOf(cols.join(','), cols);
    const v = Object.values(r.row);
    if (r.kind === 'pkg') return { k: 'pkg', c, v };
    const o = r.objects.map((x) => this.objects.idOf(x.object_key, x));
    if (r.kind === 'link') return { k: 'link', c, v, o, f: r.functions.map((n) => this.names.idOf(n, n)) };
    const e: (number | string)[] = [];
    for (const [name, value] of r.env) e.push(this.names.idOf(name, name), value);
    return { k: 'run', start: r.isStart, c, v, o, e };
  }

  /** The results as a JSON string of a CompactBatch. */
  encode(results: readonly FileResult[]): string {
    const out = results.map(({ file: _file, ...res }): CompactResult => {
      if (res.outcome.status !== 'record') return res as CompactResult;
      const compact = { status: 'compact' as const, r: this.record(res.outcome.record) };
      return { ...res, outcome: res.outcome.ownerMismatch ? { ...compact, ownerMismatch: res.outcome.ownerMismatch } : compact };
    });
    const batch: CompactBatch = { newObjects: this.objects.take(), newNames: this.names.take(), newColumns: this.columns.take(), results: out };
    return JSON.stringify(batch);
  }
}

/** Main-thread side, one per worker. */
export class ResultDecoder {
  private readonly objects: ObjectRef[] = [];
  private readonly names: string[] = [];
  private readonly columns: string[][] = [];

  private row(c: number, v: Value[]): Row {
    const cols = this.columns[c]!;
    const row: Row = {};
    for (let i = 0; i < cols.length; i++) row[cols[i]!] = v[i]!;
    return row;
  }

  private record(r: CompactRecord): NormalRecord {
    const row = this.row(r.c, r.v);
    if (r.k === 'pkg') return { kind: 'pkg', row } satisfies NormalPkg;
    const objects = (r.o ?? []).map((i) => this.objects[i]!);
    if (r.k === 'link') return { kind: 'link', row, objects, functions: (r.f ?? []).map((i) => this.names[i]!) } satisfies NormalLink;
    const env: [string, string][] = [];
    const e = r.e ?? [];
    for (let i = 0; i < e.length; i += 2) env.push([this.names[e[i] as number]!, e[i + 1] as string]);
    return { kind: 'run', isStart: r.start === true, row, objects, env } satisfies NormalRun;
  }

  /** Decode `json` (from `ResultEncoder.encode`): the results of `files`, in order. */
  decode(json: string, files: readonly SpoolFile[]): FileResult[] {
    const b = JSON.parse(json) as CompactBatch;
    for (const o of b.newObjects) this.objects.push(Object.freeze(o));
    for (const n of b.newNames) this.names.push(n);
    for (const c of b.newColumns) this.columns.push(c);
    return b.results.map((res, i) => {
      const file = files[i]!;
      if (res.outcome.status !== 'compact') return { ...res, file } as FileResult;
      const { r, ownerMismatch } = res.outcome;
      const outcome = ownerMismatch ? { status: 'record' as const, record: this.record(r), ownerMismatch } : { status: 'record' as const, record: this.record(r) };
      return { ...res, file, outcome };
    });
  }
}
