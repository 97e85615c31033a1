import assert from 'node:assert/strict';
import { test } from 'node:test';
import { serializeRecord, validateRecord, type RecordKind } from '../schema/index.js';
import { linkRecord, pkgRecord, runPair, runRecord, withStringNumbers, xaltFlatLinkRecord, xaltPkgRecord, xaltRunRecord } from '../../test/fixtures/records.js';
import { validateExact } from './validate-exact.js';

type Obj = Record<string, unknown>;

/** Every path to a value in `v` (objects and arrays), down to `depth` levels. */
function paths(v: unknown, depth = 3, prefix: (string | number)[] = []): (string | number)[][] {
  if (depth === 0 || v === null || typeof v !== 'object') return [];
  const keys: (string | number)[] = Array.isArray(v) ? v.map((_, i) => i) : Object.keys(v);
  return keys.flatMap((k) => [[...prefix, k], ...paths((v as Obj)[k as string], depth - 1, [...prefix, k])]);
}

const REPLACEMENTS: unknown[] = [undefined, null, true, 0, -1, 1.5, Infinity, '', '12.5000', 'x', 'not-a-uuid', [], ['a'], [['/p', '0']], [1], {}, { k: 'v' }, { k: 1 }];

/** A deep copy of `rec` with the value at `path` replaced (undefined deletes it). */
function mutate(rec: Obj, path: (string | number)[], value: unknown): Obj {
  const copy = structuredClone(rec);
  let at = copy as Obj;
  for (const k of path.slice(0, -1)) at = at[k as string] as Obj;
  const last = path[path.length - 1]!;
  if (value === undefined && !Array.isArray(at)) delete at[last as string];
  else at[last as string] = structuredClone(value);
  return copy;
}

/** validateExact either declines or returns exactly what validateRecord returns. */
function agrees(kind: RecordKind, rec: unknown, what: string): 'exact' | 'declined' {
  const fast = validateExact(kind, rec);
  if (fast === undefined) return 'declined';
  const full = validateRecord(kind, rec);
  assert.deepEqual(full.issues, [], `${what}: the fast path accepted what validateRecord rejects`);
  assert.deepEqual(fast, full.record, `${what}: the fast path differs from validateRecord`);
  return 'exact';
}

const samples = (): [RecordKind, Obj, string][] => {
  const { start, end } = runPair();
  const uuid = (end['userT'] as Obj)['run_uuid'] as string;
  return [
    ['run', start, 'start record'], ['run', end, 'end record'],
    ['run', runRecord({ xaltLinkT: { Build_UUID: '018bcff6-9b52-719c-b3e6-a25bab49db1b' }, extra: { a: 1 } }), 'watermarked run'],
    ['run', xaltRunRecord({}, { dotted: true }), 'XALT run, dotted watermark'], ['run', xaltRunRecord(), 'XALT run'],
    ['link', linkRecord(), 'link'], ['link', xaltFlatLinkRecord(), 'XALT flat link'],
    ['pkg', pkgRecord(uuid), 'pkg'], ['pkg', xaltPkgRecord(uuid), 'XALT pkg'],
  ];
};

test("the fast path accepts the real writer's records as validateRecord returns them", () => {
  for (const [kind, rec, what] of samples()) {
    const parsed = JSON.parse(serializeRecord(rec)) as unknown;
    const expected = what.includes('dotted') || what.includes('flat') ? 'declined' : 'exact';
    assert.equal(agrees(kind, parsed, what), expected, what);
  }
});

test('the fast path declines what validateRecord coerces or rejects: %.4f strings, wrong kinds, non-objects', () => {
  const run = runRecord();
  assert.equal(validateExact('run', JSON.parse(withStringNumbers(run))), undefined, 'numbers written as strings are coerced by validateRecord');
  assert.ok(validateRecord('run', JSON.parse(withStringNumbers(run))).record);
  for (const v of [null, 3, 'x', [], [run]]) assert.equal(validateExact('run', v), undefined);
  assert.equal(validateExact('link', run), undefined, 'a run is not a link');
  assert.equal(validateExact('pkg', run), undefined, 'a run is not a pkg');
});

test('on every mutation of every field, the fast path declines or agrees exactly with validateRecord', () => {
  let exact = 0;
  let declined = 0;
  for (const [kind, rec, what] of samples()) {
    const parsed = JSON.parse(serializeRecord(rec)) as Obj;
    for (const p of paths(parsed)) {
      for (const value of REPLACEMENTS) {
        const r = agrees(kind, mutate(parsed, p, value), `${what} ${p.join('.')} = ${JSON.stringify(value)}`);
        if (r === 'exact') exact++;
        else declined++;
      }
    }
  }
  // both branches were exercised many times (the mutations include harmless ones)
  assert.ok(exact > 500 && declined > 500, `exact ${exact}, declined ${declined}`);
});
