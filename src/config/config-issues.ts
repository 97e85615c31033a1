/**
 * Collects validation findings as one-line messages `FILE:LINE: key.path: what is wrong
 * (valid: …)`, so a check reports every problem at once instead of stopping at the first.
 * Also typed readers for TOML values that record an issue instead of throwing.
 */
import { lineOf, type LineMap } from './toml-locator.js';

export type TomlObject = Readonly<Record<string, unknown>>;

export class ConfigIssues {
  readonly errors: string[] = [];
  readonly warnings: string[] = [];
  constructor(readonly file: string, private readonly lines: LineMap) {}

  /** 1-based line of a key path (its nearest located parent when unknown). */
  line(path: string): number {
    return lineOf(this.lines, path);
  }

  private format(path: string, message: string, valid?: string): string {
    const line = this.line(path);
    return `${this.file}:${line || 1}: ${path}: ${message}${valid ? ` (valid: ${valid})` : ''}`;
  }

  error(path: string, message: string, valid?: string): void {
    this.errors.push(this.format(path, message, valid));
  }

  warn(path: string, message: string): void {
    this.warnings.push(this.format(path, message));
  }

  /** Report keys of `table` not in `known`. */
  unknownKeys(table: TomlObject, prefix: string, known: readonly string[]): void {
    for (const key of Object.keys(table)) {
      if (!known.includes(key)) this.error(join(prefix, key), 'unknown key', known.join(', '));
    }
  }

  /** A sub-table (missing → empty). */
  table(parent: TomlObject, key: string, prefix: string): TomlObject {
    const v = parent[key];
    if (v === undefined) return {};
    if (isTable(v)) return v;
    this.error(join(prefix, key), `expected a table, got ${describe(v)}`);
    return {};
  }

  string(t: TomlObject, key: string, prefix: string, fallback: string): string {
    const v = t[key];
    if (v === undefined) return fallback;
    if (typeof v === 'string') return v;
    this.error(join(prefix, key), `expected a string, got ${describe(v)}`);
    return fallback;
  }

  boolean(t: TomlObject, key: string, prefix: string, fallback: boolean): boolean {
    const v = t[key];
    if (v === undefined) return fallback;
    if (typeof v === 'boolean') return v;
    this.error(join(prefix, key), `expected true or false, got ${describe(v)}`);
    return fallback;
  }

  integer(t: TomlObject, key: string, prefix: string, fallback: number, min: number): number {
    const v = t[key];
    if (v === undefined) return fallback;
    const n = typeof v === 'bigint' ? Number(v) : v;
    if (typeof n === 'number' && Number.isInteger(n) && n >= min) return n;
    this.error(join(prefix, key), `expected an integer >= ${min}, got ${describe(v)}`);
    return fallback;
  }

  oneOf<T extends string>(t: TomlObject, key: string, prefix: string, fallback: T, valid: readonly T[]): T {
    const v = this.string(t, key, prefix, fallback);
    if ((valid as readonly string[]).includes(v)) return v as T;
    this.error(join(prefix, key), `${JSON.stringify(v)} is not allowed`, valid.join(', '));
    return fallback;
  }

  array(t: TomlObject, key: string, prefix: string): unknown[] | undefined {
    const v = t[key];
    if (v === undefined) return undefined;
    if (Array.isArray(v)) return v;
    this.error(join(prefix, key), `expected an array, got ${describe(v)}`);
    return undefined;
  }
}

export function join(prefix: string, key: string): string {
  return prefix ? `${prefix}.${key}` : key;
}

export function isTable(v: unknown): v is TomlObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

/** A short description of a TOML value for messages. */
export function describe(v: unknown): string {
  if (Array.isArray(v)) return 'an array';
  if (isTable(v)) return 'a table';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  return String(v);
}
