import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deflateSync } from 'node:zlib';
import { serializeRecord } from '../../schema/index.js';
import { SyslogAssembler } from './syslog-reassemble.js';
import { runRecord, syslogLines } from '../../../test/fixtures/records.js';

test('V:4 chunks are reassembled in any order, with trimmed spaces restored', () => {
  const rec = runRecord({ cmdlineA: ['prog', ' '.repeat(600), 'end'] });
  const json = serializeRecord(rec).trimEnd();
  const lines = syslogLines(json, 'run', `run_fini_${(rec['userT'] as Record<string, string>)['run_uuid']}`);
  assert.ok(lines.length >= 3);
  const asm = new SyslogAssembler();
  for (const l of [...lines].reverse()) asm.add(l);
  asm.add('Nov 23 10:00:00 c001 kernel: unrelated line');
  const out = asm.take();
  assert.equal(out.length, 1);
  assert.equal(out[0]!.kind, 'run');
  assert.deepEqual(JSON.parse(out[0]!.json), JSON.parse(json));
  assert.equal(asm.incomplete, 0);
});

test('a record missing a chunk stays incomplete; V:2 base64+zlib values decode', () => {
  const asm = new SyslogAssembler();
  const json = serializeRecord(runRecord()).trimEnd();
  const lines = syslogLines(json, 'run', 'run_fini_x', 200);
  for (const l of lines.slice(1)) asm.add(l);
  assert.equal(asm.take().length, 0);
  assert.equal(asm.incomplete, 1);
  const v2 = deflateSync(Buffer.from('{"a":1}')).toString('base64');
  asm.add(`XALT_LOGGING_h: V:2 kind:link syshost:h key:link_y nb:01 idx:01 value:${v2}`);
  assert.deepEqual(asm.take().map((r) => [r.kind, r.json]), [['link', '{"a":1}']]);
});
