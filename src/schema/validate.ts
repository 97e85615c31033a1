/**
 * Validation of parsed records against the schema — the one validator every reader uses
 * (ingest, find --spool, doctor, the tests of every writer). Returns every problem as
 * `path: message` rather than stopping at the first, and normalises the variants older XALT
 * versions wrote (numbers as strings, dotted watermark keys, link records without the
 * `resultT` wrapper) so the rest of xalt sees one shape. Copy on write: a record that needs no
 * coercion — every record xalt's own writers produce — is returned as parsed, not copied
 * (copying every table was a third of ingest's parsing time); the input is never changed.
 */
import type { FieldSpec, FieldTable } from './field-types.js';
import { linkFields, linkResultT, type LinkRecord } from './link-record.js';
import { pkgFields, type PkgRecord } from './pkg-record.js';
import { runFields, runUserDT, runUserT, type RunRecord } from './run-record.js';
import { UUID_RE } from './uuid7.js';

export type RecordKind = 'run' | 'link' | 'pkg';
export const RECORD_KINDS: readonly RecordKind[] = ['run', 'link', 'pkg'];

export interface Validated<T> {
  /** present when there are no issues */
  readonly record?: T;
  /** problems that make the record unusable, as `path: message` */
  readonly issues: readonly string[];
}

type Json = unknown;
const isObject = (v: Json): v is Record<string, Json> => v !== null && typeof v === 'object' && !Array.isArray(v);

function describe(v: Json): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'string' ? `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}` : `a ${typeof v}`;
}

const isNumericText = (x: Json): x is string => typeof x === 'string' && x.trim() !== '' && Number.isFinite(Number(x));
const isNotNumericText = (x: Json) => !isNumericText(x);
const isString = (x: Json) => typeof x === 'string';
const isPair = (x: Json) => Array.isArray(x) && typeof x[0] === 'string';

/** Every value of `o` passes `ok`. */
function valuesAre(o: Record<string, Json>, ok: (x: Json) => boolean): boolean {
  for (const k in o) if (!ok(o[k])) return false;
  return true;
}

/** A member's path for an issue (spelled out only then: most records have none). */
const pathOf = (prefix: string, name: string) => (prefix ? `${prefix}.${name}` : name);

/**
 * Check (and lightly coerce) one value; returns the value to keep — `v` itself when it is
 * already of its exact type, so a record xalt's writers produced is kept as parsed.
 */
function checkField(spec: FieldSpec, v: Json, prefix: string, name: string, issues: string[]): Json {
  switch (spec.type) {
    case 'string':
      if (typeof v === 'number') return String(v);
      if (typeof v !== 'string') issues.push(`${pathOf(prefix, name)}: expected a string, got ${describe(v)}`);
      return v;
    case 'number':
    case 'integer': {
      if (typeof v === 'number' && Number.isFinite(v)) return v;
      const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
      if (typeof n !== 'number' || !Number.isFinite(n)) issues.push(`${pathOf(prefix, name)}: expected a number, got ${describe(v)}`);
      return n;
    }
    case 'stringArray':
      if (!Array.isArray(v) || !v.every(isString)) issues.push(`${pathOf(prefix, name)}: expected an array of strings, got ${describe(v)}`);
      return v;
    case 'pairArray':
      if (!Array.isArray(v) || !v.every(isPair)) issues.push(`${pathOf(prefix, name)}: expected an array of [path, hash] pairs`);
      return v;
    case 'stringTable':
      if (!isObject(v)) { issues.push(`${pathOf(prefix, name)}: expected an object, got ${describe(v)}`); return v; }
      if (valuesAre(v, isString)) return v;
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, typeof x === 'string' ? x : x === null || x === undefined ? '' : String(x)]));
    case 'numberTable':
      if (!isObject(v)) { issues.push(`${pathOf(prefix, name)}: expected an object, got ${describe(v)}`); return v; }
      // numeric text becomes a number (older writers); other text stays, so an issue can quote it
      if (valuesAre(v, isNotNumericText)) return v;
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, isNumericText(x) ? Number(x) : x]));
    case 'processArray':
      if (!Array.isArray(v) || !v.every(isObject)) issues.push(`${pathOf(prefix, name)}: expected an array of process objects`);
      return v;
  }
}

/** A table's fields as a list, made once per table (validation runs for every record ingested). */
const fieldLists = new WeakMap<FieldTable, readonly (readonly [string, FieldSpec])[]>();
function fieldsOf(table: FieldTable): readonly (readonly [string, FieldSpec])[] {
  let list = fieldLists.get(table);
  if (!list) fieldLists.set(table, (list = Object.entries(table)));
  return list;
}

/** Check a table's fields; `obj` itself when nothing was coerced, else a copy (`obj` is never changed). */
function checkTable(table: FieldTable, obj: Record<string, Json>, prefix: string, issues: string[]): Record<string, Json> {
  let out = obj;
  const fields = fieldsOf(table);
  for (let i = 0; i < fields.length; i++) {
    const [name, spec] = fields[i]!;
    const v = obj[name];
    if (v === undefined) {
      if (spec.required && name !== 'crc') issues.push(`${pathOf(prefix, name)}: missing`);
      continue;
    }
    const kept = checkField(spec, v, prefix, name, issues);
    if (kept !== v) {
      if (out === obj) out = { ...obj };
      out[name] = kept;
    }
  }
  return out;
}

/** Old watermarks used `Build.UUID`; xalt and XALT 3 use `Build_UUID`. */
function normaliseWatermarkKeys(t: Record<string, string>): Record<string, string> {
  if (!Object.keys(t).some((k) => k.startsWith('Build.') || k.startsWith('XALT.'))) return t;
  return Object.fromEntries(Object.entries(t).map(([k, v]) => [k.replace(/^Build\./, 'Build_').replace(/^XALT\./, 'XALT_'), v]));
}

/** `table` with `key` set to `value`: itself when the value is unchanged, else a copy. */
function withMember(table: Record<string, Json>, key: string, value: Json): Record<string, Json> {
  return table[key] === value ? table : { ...table, [key]: value };
}

/** Validate a parsed run record. */
export function validateRun(v: Json): Validated<RunRecord> {
  const issues: string[] = [];
  if (!isObject(v)) return { issues: [`record: expected a JSON object, got ${describe(v)}`] };
  let r = checkTable(runFields, v, '', issues);
  if (isObject(r['userT'])) r = withMember(r, 'userT', checkTable(runUserT, r['userT'], 'userT', issues));
  if (isObject(r['userDT'])) r = withMember(r, 'userDT', checkTable(runUserDT, r['userDT'], 'userDT', issues));
  if (isObject(r['xaltLinkT'])) r = withMember(r, 'xaltLinkT', normaliseWatermarkKeys(r['xaltLinkT'] as Record<string, string>));
  const uuid = isObject(r['userT']) ? r['userT']['run_uuid'] : undefined;
  if (typeof uuid === 'string' && !UUID_RE.test(uuid)) issues.push(`userT.run_uuid: ${JSON.stringify(uuid)} is not a uuid`);
  const start = isObject(r['userDT']) ? r['userDT']['start_time'] : undefined;
  if (typeof start === 'number' && start < 1) issues.push('userDT.start_time: must be a positive epoch time');
  return issues.length ? { issues } : { record: r as unknown as RunRecord, issues };
}

/** Validate a parsed link record; accepts XALT 2's records without the `resultT` wrapper. */
export function validateLink(v: Json): Validated<LinkRecord> {
  const issues: string[] = [];
  if (!isObject(v)) return { issues: [`record: expected a JSON object, got ${describe(v)}`] };
  let obj = v;
  if (!isObject(v['resultT']) && typeof v['uuid'] === 'string') {
    const resultKeys = Object.keys(linkResultT);
    const resultT = Object.fromEntries(Object.entries(v).filter(([k]) => resultKeys.includes(k)));
    obj = { crc: v['crc'], resultT, linkA: v['linkA'] ?? [], function: v['function'] ?? [], link_line: v['link_line'] ?? [] };
  }
  let r = checkTable(linkFields, obj, '', issues);
  if (isObject(r['resultT'])) r = withMember(r, 'resultT', checkTable(linkResultT, r['resultT'], 'resultT', issues));
  const uuid = isObject(r['resultT']) ? r['resultT']['uuid'] : undefined;
  if (typeof uuid === 'string' && !UUID_RE.test(uuid)) issues.push(`resultT.uuid: ${JSON.stringify(uuid)} is not a uuid`);
  return issues.length ? { issues } : { record: r as unknown as LinkRecord, issues };
}

/** Validate a parsed pkg record. */
export function validatePkg(v: Json): Validated<PkgRecord> {
  const issues: string[] = [];
  if (!isObject(v)) return { issues: [`record: expected a JSON object, got ${describe(v)}`] };
  const r = checkTable(pkgFields, v, '', issues);
  const uuid = r['xalt_run_uuid'];
  if (typeof uuid === 'string' && !UUID_RE.test(uuid)) issues.push(`xalt_run_uuid: ${JSON.stringify(uuid)} is not a uuid`);
  return issues.length ? { issues } : { record: r as unknown as PkgRecord, issues };
}

/** Validate a parsed record of the given kind. */
export function validateRecord(kind: RecordKind, v: Json): Validated<RunRecord | LinkRecord | PkgRecord> {
  return kind === 'run' ? validateRun(v) : kind === 'link' ? validateLink(v) : validatePkg(v);
}
