/**
 * `xalt quarantine list|show`: what ingest set aside — which file, why, when — and the bytes it
 * kept, on both stores. Bad record files are made the way they go wrong (cut short, not JSON,
 * a field of the wrong type, a name that is no record's), next to good ones from the real
 * serializer; the bytes of a hostile file are shown escaped, never sent raw to a terminal.
 */
import assert from 'node:assert/strict';
import { unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingestSpools } from '../../src/ingest/ingest.js';
import { serializeRecord } from '../../src/schema/index.js';
import { recordPath, runRecord, spoolDir, writeRecord } from '../fixtures/records.js';
import { xalt } from '../find/run-cli.js';
import { testEachStore } from '../helpers/test-stores.js';

interface Listed { id: number; path: string; reason: string; detail: string | null; stored_as: string | null; quarantined: string }

async function seed(store: Parameters<typeof ingestSpools>[0]): Promise<{ root: string; paths: { truncated: string; hostile: string; badCpus: string } }> {
  const root = spoolDir();
  writeRecord(root, 'flat', runRecord());
  const cut = serializeRecord(runRecord());
  const paths = {
    truncated: recordPath('flat', runRecord()), hostile: recordPath('flat', runRecord()), badCpus: recordPath('flat', runRecord()),
  };
  const hostileText = 'not json \u001b[2J\u001b]0;owned\u0007 end\n';
  writeFileSync(join(root, paths.truncated), cut.slice(0, cut.length / 2));
  writeFileSync(join(root, paths.hostile), hostileText);
  writeFileSync(join(root, paths.badCpus), serializeRecord(runRecord({ userDT: { cpus_per_task: 'eight' } })));
  writeFileSync(join(root, 'notes.json'), 'hello');
  await ingestSpools(store, [root], { jobs: 0 });
  return { root, paths };
}

testEachStore('quarantine list: every file ingest set aside, with reason, detail, when and the copy it kept', async (s) => {
  const empty = await xalt('quarantine', 'list', '--db', s.url);
  assert.equal(empty.code, 3);
  assert.match(empty.stderr, /the quarantine is empty/);
  const { paths } = await seed(s.store);
  const j = await xalt('quarantine', 'list', '--db', s.url, '--json');
  assert.equal(j.code, 0, j.stderr);
  const doc = JSON.parse(j.stdout) as { schema_version: number; count: number; total: number; entries: Listed[] };
  assert.deepEqual([doc.count, doc.total], [4, 4]);
  const byPath = new Map(doc.entries.map((e) => [e.path, e]));
  assert.equal(byPath.get(paths.truncated)?.reason, 'truncated');
  assert.equal(byPath.get(paths.hostile)?.reason, 'not_json');
  assert.equal(byPath.get(paths.badCpus)?.reason, 'bad_value');
  assert.match(byPath.get(paths.badCpus)?.detail ?? '', /userDT\.cpus_per_task/, 'the detail names the field');
  assert.equal(byPath.get('notes.json')?.reason, 'unknown_name');
  for (const e of doc.entries) {
    assert.match(e.quarantined, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    assert.ok(e.stored_as?.endsWith(e.path), `a copy of ${e.path} was kept`);
  }
  const ids = doc.entries.map((e) => e.id);
  assert.deepEqual(ids, [...ids].sort((a, b) => b - a), 'newest first');

  const text = await xalt('quarantine', 'list', '--db', s.url);
  assert.match(text.stdout, /^ID +When \(UTC\) +Reason +File +Copy +Detail$/m);
  assert.match(text.stdout, /truncated +\S+ +yes/);
  assert.match(text.stderr, /in all: .*not_json 1/);
  const one = JSON.parse((await xalt('quarantine', 'list', '--db', s.url, '--reason', 'not_json', '--json')).stdout) as { entries: Listed[] };
  assert.deepEqual(one.entries.map((e) => e.path), [paths.hostile]);
  const limited = await xalt('quarantine', 'list', '--db', s.url, '--limit', '2');
  assert.match(limited.stderr, /showing the 2 most recent of 4 matching entries/);
  const csv = (await xalt('quarantine', 'list', '--db', s.url, '--csv')).stdout.split('\r\n');
  assert.equal(csv[0], 'id,quarantined_at,reason,path,kept,detail');
  const bad = await xalt('quarantine', 'list', '--db', s.url, '--limit', 'x');
  assert.equal(bad.code, 2);
});

testEachStore('quarantine show: one entry and its bytes, escaped for the terminal; JSON for scripts; a lost copy is said so', async (s) => {
  const { root, paths } = await seed(s.store);
  const entries = (JSON.parse((await xalt('quarantine', 'list', '--db', s.url, '--json')).stdout) as { entries: Listed[] }).entries;
  const hostile = entries.find((e) => e.path === paths.hostile)!;
  const shown = await xalt('quarantine', 'show', String(hostile.id), '--db', s.url);
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(shown.stdout, new RegExp(`^quarantine entry ${hostile.id}\\n {2}file {7}${paths.hostile.replace(/\./g, '\\.')}\\n {2}reason {5}not_json\\n`));
  assert.match(shown.stdout, /--- quarantined bytes ---\nnot json \\x1b\[2J\\x1b\]0;owned\\x07 end\n--- end ---\n$/);
  assert.doesNotMatch(shown.stdout, /\u001b/, 'no raw escape reaches the terminal');
  const j = JSON.parse((await xalt('quarantine', 'show', String(hostile.id), '--db', s.url, '--json')).stdout) as { entry: Listed; copy: string; content: string; size: number };
  assert.deepEqual([j.entry.reason, j.copy, j.content, j.size], ['not_json', 'read', 'not json \u001b[2J\u001b]0;owned\u0007 end\n', 28]);
  unlinkSync(join(root, '.quarantine', paths.truncated));
  const truncated = entries.find((e) => e.path === paths.truncated)!;
  const lost = await xalt('quarantine', 'show', String(truncated.id), '--db', s.url);
  assert.equal(lost.code, 0);
  assert.match(lost.stdout, /copy {7}\S+ \(no longer there\)\n$/);
  const missing = await xalt('quarantine', 'show', '999999', '--db', s.url);
  assert.equal(missing.code, 3);
  assert.match(missing.stderr, /no quarantine entry 999999/);
  for (const args of [['show'], ['show', 'abc'], ['show', '1', '2']]) {
    const r = await xalt('quarantine', ...args, '--db', s.url);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, /^xalt: error: xalt quarantine show: expected one entry ID/);
  }
});
