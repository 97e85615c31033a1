import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc16, verifyRecordCrc } from './crc16.js';
import { serializeRecord, formatFixed4 } from './serialize.js';
import { hashDir, parseRecordFileName, runFileName, recordDir } from './spool-layout.js';
import { uuid7, UUID_RE } from './uuid7.js';
import { validateLink, validateRun } from './validate.js';

test('crc16 is CRC-16/CCITT-FALSE (standard check value)', () => {
  assert.equal(crc16(Buffer.from('123456789')), 0x29b1);
  // every length around the four-byte steps agrees with a byte-at-a-time crc
  const bytes = Buffer.from('{"crc":"0xFFFF","a":"ü 123456789 abcdefghij"}');
  const bitwise = (part: Uint8Array) => {
    let c = 0xffff;
    for (const b of part) {
      c ^= b << 8;
      for (let k = 0; k < 8; k++) c = c & 0x8000 ? ((c << 1) ^ 0x1021) & 0xffff : (c << 1) & 0xffff;
    }
    return c;
  };
  for (let n = 0; n <= bytes.length; n++) assert.equal(crc16(bytes.subarray(0, n)), bitwise(bytes.subarray(0, n)), `length ${n}`);
});

test('serialized records carry a crc that verifies, and a tampered one does not', () => {
  const text = serializeRecord({ program: 'python', xalt_run_uuid: uuid7(), package_name: 'numpy' });
  assert.match(text, /^\{"crc":"0x[0-9A-F]{4}","program":"python"/);
  assert.equal(verifyRecordCrc(text), true);
  assert.equal(verifyRecordCrc(text.replace('numpy', 'scipy')), false);
  // from the bytes read, as ingest checks a record file (trailing newline and all)
  assert.equal(verifyRecordCrc(`${text}\n`, Buffer.from(`${text}\n`)), true);
  const tampered = text.replace('numpy', 'scipy');
  assert.equal(verifyRecordCrc(tampered, Buffer.from(tampered)), false);
});

test('userDT numbers are written like %.4f, small probabilities keep their precision', () => {
  const text = serializeRecord({ userDT: { start_time: 1700000000.123456, probability: 1, tiny: 0.00001 }, ptA: [{ pid: 42 }] });
  assert.match(text, /"start_time":1700000000\.1235,"probability":1\.0000,"tiny":1\.00000e-05/);
  assert.match(text, /"pid":42/);
  assert.equal(formatFixed4(0), '0.0000');
});

test('uuid7 is a version 7 uuid, time ordered', () => {
  const a = uuid7(1000), b = uuid7(2000);
  assert.match(a, UUID_RE);
  assert.equal(a[14], '7');
  assert.ok(a < b);
});

test('hash directory is int(last 7 hex) mod 997, zero padded', () => {
  const u = '0190a2b3-c4d5-7e6f-8a9b-0c1d2e3f4a5b';
  assert.equal(hashDir(u), String(parseInt('e3f4a5b', 16) % 997).padStart(3, '0'));
  assert.match(recordDir('month/hash', 1700000000, u), /^\d{6}\/\d{3}$/);
});

test('record file names round-trip through the parser', () => {
  const u = uuid7();
  const name = runFileName('delta', 1700000000.5, 'alice', false, u);
  assert.deepEqual(parseRecordFileName(name), { kind: 'run', syshost: 'delta', stamp: name.split('.')[2], user: 'alice', isStart: false, uuid: u });
});

test('validation reports every problem with its path', () => {
  const r = validateRun({ cmdlineA: 'x', hash_id: 'h', libA: [], userT: { syshost: 's', run_uuid: 'nope', exec_path: '/a', user: 'u' }, userDT: { start_time: 'abc' } });
  assert.equal(r.record, undefined);
  assert.ok(r.issues.includes('cmdlineA: expected an array of strings, got the string "x"'), r.issues.join('\n'));
  assert.ok(r.issues.some((i) => i.startsWith('userT.run_uuid:')));
  assert.ok(r.issues.some((i) => i.startsWith('userDT.start_time: expected a number')));
  assert.ok(r.issues.includes('userDT.end_time: missing'));
});

test('XALT 2 link records without a resultT wrapper are accepted', () => {
  const u = uuid7();
  const r = validateLink({ crc: '0x0000', uuid: u, link_program: 'gcc', build_user: 'bob', build_epoch: '1700000000.0000', exec_path: '/x/a.out', build_syshost: 'c', linkA: [] });
  assert.deepEqual(r.issues, []);
  assert.equal(r.record?.resultT.uuid, u);
});
