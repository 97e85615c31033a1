import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { uuid7 } from '../../src/schema/uuid7.js';
import { runXalt } from '../helpers/run-xalt.js';

test('ingest names each quarantined file with its reason on stderr, and exits 1', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'xalt-ingest-msg-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const hashDir = join(dir, 'spool/202611/001');
  mkdirSync(hashDir, { recursive: true });
  const truncated = `run.c.2026_11_23_10_00_00_0000.u.zzz.${uuid7()}.json`;
  const notLink = `link.c.2026_11_23_10_00_00_0000.u.${uuid7()}.json`;
  writeFileSync(join(hashDir, truncated), '{"crc":"0x0000","cmdlineA":[');
  writeFileSync(join(hashDir, notLink), '{}\n');
  const r = runXalt(['ingest', join(dir, 'spool'), '--db', join(dir, 'x.db')]);
  assert.equal(r.status, 1);
  assert.match(r.stdout, /2 quarantined \(missing_field: 1, truncated: 1\)/);
  const lines = r.stderr.trim().split('\n').sort();
  assert.equal(lines.length, 2, r.stderr);
  assert.match(lines[0]!, new RegExp(`^xalt: quarantined 202611/001/${notLink.replace(/\./g, '\\.')}: missing_field: resultT: missing`));
  assert.match(lines[1]!, new RegExp(`^xalt: quarantined 202611/001/${truncated.replace(/\./g, '\\.')}: truncated: `));
});
