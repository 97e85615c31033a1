/**
 * Ingest's fast path through validation (pure). `validateRecord` copies every table of a record
 * while it checks and coerces it — a third of ingest's parsing time for records that need no
 * coercion at all, which is every record xalt's own writers produce. `validateExact` accepts a
 * parsed record only when `validateRecord` would accept it *unchanged*: every field of the
 * schema's tables present where required and already of its exact type (nothing to coerce), no
 * legacy shape (link without `resultT`, dotted watermark keys). It returns the parsed object
 * itself, without copying, or undefined — and then the caller runs `validateRecord`, which
 * coerces what older XALTs wrote and explains what is wrong. A differential test
 * (validate-exact.test.ts) checks the two agree on every mutation of real-writer records.
 */
import {
  linkFields, linkResultT, pkgFields, runFields, runUserDT, runUserT, UUID_RE,
  type FieldSpec, type FieldTable, type FieldType, type LinkRecord, type PkgRecord, type RecordKind, type RunRecord,
} from '../schema/index.js';

type Json = unknown;
type Obj = Record<string, Json>;

const isObject = (v: Json): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

function allStrings(a: readonly Json[]): boolean {
  for (let i = 0; i < a.length; i++) if (typeof a[i] !== 'string') return false;
  return true;
}

function valuesAre(o: Obj, ok: (x: Json) => boolean): boolean {
  for (const k in o) if (!ok(o[k])) return false;
  return true;
}

/** True when `checkField` would accept `v` and return it as it is. */
function exact(type: FieldType, v: Json): boolean {
  switch (type) {
    case 'string': return typeof v === 'string';
    case 'number':
    case 'integer': return typeof v === 'number' && Number.isFinite(v);
    case 'stringArray': return Array.isArray(v) && allStrings(v);
    case 'pairArray': return Array.isArray(v) && v.every((x) => Array.isArray(x) && typeof x[0] === 'string');
    case 'stringTable': return isObject(v) && valuesAre(v, (x) => typeof x === 'string');
    // checkField turns string values into numbers and leaves every other value as it is
    case 'numberTable': return isObject(v) && valuesAre(v, (x) => typeof x !== 'string');
    case 'processArray': return Array.isArray(v) && v.every(isObject);
  }
}

type Fields = readonly (readonly [string, FieldSpec])[];
const fieldsOf = (t: FieldTable): Fields => Object.entries(t);
const RUN = fieldsOf(runFields);
const RUN_USER = fieldsOf(runUserT);
const RUN_USER_D = fieldsOf(runUserDT);
const LINK = fieldsOf(linkFields);
const LINK_RESULT = fieldsOf(linkResultT);
const PKG = fieldsOf(pkgFields);

/** True when `checkTable` would report nothing and change nothing. */
function tableExact(fields: Fields, obj: Obj): boolean {
  for (let i = 0; i < fields.length; i++) {
    const [name, spec] = fields[i]!;
    const v = obj[name];
    if (v === undefined) {
      if (spec.required && name !== 'crc') return false; // checkTable does not insist on crc
      continue;
    }
    if (!exact(spec.type, v)) return false;
  }
  return true;
}

/** Watermarks from old XALTs use `Build.UUID`; validateRun renames those keys. */
function hasDottedKeys(t: Obj): boolean {
  for (const k in t) if (k.startsWith('Build.') || k.startsWith('XALT.')) return true;
  return false;
}

function runExact(v: Obj): RunRecord | undefined {
  if (!tableExact(RUN, v)) return undefined;
  const u = v['userT'] as Obj;
  const d = v['userDT'] as Obj;
  if (!tableExact(RUN_USER, u) || !tableExact(RUN_USER_D, d)) return undefined;
  if (isObject(v['xaltLinkT']) && hasDottedKeys(v['xaltLinkT'])) return undefined;
  if (!UUID_RE.test(u['run_uuid'] as string) || (d['start_time'] as number) < 1) return undefined;
  return v as unknown as RunRecord;
}

function linkExact(v: Obj): LinkRecord | undefined {
  if (!isObject(v['resultT']) || !tableExact(LINK, v)) return undefined;
  const t = v['resultT'];
  if (!tableExact(LINK_RESULT, t) || !UUID_RE.test(t['uuid'] as string)) return undefined;
  return v as unknown as LinkRecord;
}

function pkgExact(v: Obj): PkgRecord | undefined {
  if (!tableExact(PKG, v) || !UUID_RE.test(v['xalt_run_uuid'] as string)) return undefined;
  return v as unknown as PkgRecord;
}

/**
 * The parsed record itself when `validateRecord(kind, v)` would accept it unchanged, else
 * undefined (then call `validateRecord`).
 * @example const rec = validateExact('pkg', JSON.parse(text)) ?? validateRecord('pkg', JSON.parse(text)).record
 */
export function validateExact(kind: RecordKind, v: Json): RunRecord | LinkRecord | PkgRecord | undefined {
  if (!isObject(v)) return undefined;
  return kind === 'run' ? runExact(v) : kind === 'link' ? linkExact(v) : pkgExact(v);
}
