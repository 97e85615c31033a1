/**
 * The vocabulary the record schemas are written in. A schema is plain data (so the C
 * header, JSON Schema and DDL can be derived from it); these helpers turn it into
 * TypeScript types and validators.
 */

/** A field's JSON type. `stringTable`/`numberTable` are objects of free keys. */
export type FieldType =
  | 'string'
  | 'number'
  | 'integer'
  | 'stringArray'
  | 'pairArray' // [[path, "0"], ...] as in libA and linkA
  | 'stringTable'
  | 'numberTable'
  | 'processArray'; // ptA

export interface FieldSpec {
  readonly type: FieldType;
  readonly description: string;
  /** false for XALT 3 members; true for xalt's additive extensions */
  readonly extension?: boolean;
  /** required in every record of this kind (older XALT versions may omit the others) */
  readonly required?: boolean;
}

/** A map of member name → spec, in emitted order. */
export type FieldTable = Readonly<Record<string, FieldSpec>>;

/** TypeScript type of a field type. */
export type TypeOf<T extends FieldType> = T extends 'string'
  ? string
  : T extends 'number' | 'integer'
    ? number
    : T extends 'stringArray'
      ? string[]
      : T extends 'pairArray'
        ? [string, string][]
        : T extends 'stringTable'
          ? Record<string, string>
          : T extends 'numberTable'
            ? Record<string, number>
            : T extends 'processArray'
              ? ProcessEntry[]
              : never;

/** One ancestor in `ptA`. */
export interface ProcessEntry {
  cmd_name: string;
  cmd_path: string;
  pid: number;
  cmdlineA: string[];
}

/** The record type a field table describes; required fields required, others optional. */
export type RecordOf<T extends FieldTable> = {
  -readonly [K in keyof T as T[K]['required'] extends true ? K : never]: TypeOf<T[K]['type']>;
} & {
  -readonly [K in keyof T as T[K]['required'] extends true ? never : K]?: TypeOf<T[K]['type']>;
};
