import assert from 'node:assert/strict';
import { test } from 'node:test';
import { serializeRecord, validateRecord, validateRun, type RecordKind } from './index.js';
import { linkRecord, pkgRecord, runPair, runRecord, withStringNumbers, xaltFlatLinkRecord, xaltPkgRecord, xaltRunRecord } from '../../test/fixtures/records.js';

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

test("records as xalt's writers produce them are accepted as parsed, not copied", () => {
  for (const [kind, rec, what] of samples()) {
    const parsed = JSON.parse(serializeRecord(rec)) as unknown;
    const v = validateRecord(kind, parsed);
    assert.deepEqual(v.issues, [], what);
    const reshaped = what.includes('dotted') || what.includes('flat'); // older shapes are rewritten
    assert.equal(v.record === parsed, !reshaped, what);
  }
});

test('what older writers wrote is coerced into a copy; the parsed input is left as it was', () => {
  const text = withStringNumbers(runRecord());
  const parsed = JSON.parse(text) as Obj;
  const v = validateRun(parsed);
  assert.ok(v.record && v.record !== (parsed as unknown));
  assert.equal(typeof v.record.userDT.start_time, 'number');
  assert.deepEqual(parsed, JSON.parse(text), 'the input is unchanged');
  const dotted = JSON.parse(serializeRecord(xaltRunRecord({}, { dotted: true }))) as Obj;
  const before = structuredClone(dotted);
  assert.ok(Object.keys(validateRun(dotted).record!.xaltLinkT ?? {}).some((k) => k.startsWith('Build_')));
  assert.deepEqual(dotted, before);
  for (const bad of [null, 3, 'x', [], [runRecord()]]) assert.notEqual(validateRecord('run', bad).issues.length, 0);
  assert.notEqual(validateRecord('pkg', runRecord()).issues.length, 0, 'a run is not a pkg');
});

test('on every mutation of every field: the input is never changed, and what is accepted is canonical (accepted again as it is)', () => {
  let accepted = 0;
  let rejected = 0;
  for (const [kind, rec, what] of samples()) {
    const parsed = JSON.parse(serializeRecord(rec)) as Obj;
    for (const p of paths(parsed)) {
      for (const value of REPLACEMENTS) {
        const input = mutate(parsed, p, value);
        const before = structuredClone(input);
        const label = `${what} ${p.join('.')} = ${JSON.stringify(value)}`;
        const v = validateRecord(kind, input);
        assert.deepEqual(input, before, `${label}: the input was changed`);
        if (!v.record) { rejected++; continue; }
        accepted++;
        const again = validateRecord(kind, v.record);
        assert.deepEqual(again.issues, [], label);
        assert.equal(again.record, v.record, `${label}: an accepted record needed coercion again`);
      }
    }
  }
  assert.ok(accepted > 500 && rejected > 500, `accepted ${accepted}, rejected ${rejected}`);
});
