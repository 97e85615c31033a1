import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { LATEST_SCHEMA_VERSION } from '../../src/db/index.js';
import { serializeRecord } from '../../src/schema/index.js';
import { linkRecord, pkgRecord, runPair, runRecord, spoolDir, syslogLines, writeRecord } from '../fixtures/records.js';
import { testEachStore } from '../helpers/test-stores.js';
import { count, xalt } from './helpers.js';

type Obj = Record<string, unknown>;
const uuidOf = (r: Obj) => (r['userT'] as Obj)['run_uuid'] as string;

testEachStore('xalt ingest prints a one-line summary and exits 0; --json gives the same as JSON', async ({ url, store }) => {
  const root = spoolDir();
  const { start, end } = runPair();
  writeRecord(root, 'month/hash', start);
  writeRecord(root, 'month/hash', end);
  writeRecord(root, 'month/hash', linkRecord());
  writeRecord(root, 'month/hash', pkgRecord(uuidOf(end)));
  const r = await xalt('ingest', '--db', url, root);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^ingest: 4 files \(4 read, 0 already loaded\), 2 run records, 1 links, 1 packages, 0 duplicates, 0 quarantined, \d+\.\d\d s, \d+ records\/s\n$/);
  const again = await xalt('ingest', '--db', url, root, '--json');
  assert.equal(again.code, 0);
  const j = JSON.parse(again.stdout) as Obj;
  assert.deepEqual([j['files'], j['already_loaded'], j['read'], j['runs'], j['quarantined']], [4, 4, 0, 0, 0]);
  assert.equal(await count(store, 'xalt_run'), 1);
});

testEachStore('xalt ingest exits 1 and names the reasons when files were quarantined', async ({ url }) => {
  const root = spoolDir();
  writeRecord(root, 'flat', runRecord());
  writeRecord(root, 'flat', runRecord(), '{"crc":"0x1234","cmdlineA":[');
  const qdir = spoolDir({}, 'xalt-quarantine-');
  const r = await xalt('ingest', '--db', url, root, '--quarantine', qdir);
  assert.equal(r.code, 1);
  assert.equal(readdirSync(qdir).length, 1, 'the copy went to --quarantine');
  assert.match(r.stdout, /1 run records, .* 1 quarantined \(truncated: 1\)/);
});

testEachStore('xalt ingest --syslog reassembles XALT syslog records and loads each once', async ({ url, store }) => {
  const { start, end } = runPair();
  const link = linkRecord();
  const lines = [
    ...syslogLines(serializeRecord(start).trimEnd(), 'run', `run_strt_${uuidOf(start)}`, 300),
    ...syslogLines(serializeRecord(link).trimEnd(), 'link', `link_${(link['resultT'] as Obj)['uuid'] as string}`, 300),
    ...syslogLines(serializeRecord(end).trimEnd(), 'run', `run_fini_${uuidOf(end)}`, 300),
    ...syslogLines(serializeRecord(pkgRecord(uuidOf(end))).trimEnd(), 'pkg', `pkg_${uuidOf(end)}_0123456789ab`, 300),
    'Nov 23 10:00:01 c001 sshd[1]: unrelated',
  ];
  const dir = spoolDir();
  const log = join(dir, 'xalt.log');
  writeFileSync(log, `${lines.join('\n')}\n`);
  const r = await xalt('ingest', '--db', url, '--syslog', log, '--json');
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(((x: Obj) => [x['runs'], x['links'], x['packages']])(JSON.parse(r.stdout) as Obj), [2, 1, 1]);
  assert.equal(await count(store, 'xalt_run', 'has_start = 1 AND has_end = 1'), 1);
  const again = await xalt('ingest', '--db', url, '--syslog', log, '--json');
  assert.deepEqual(((x: Obj) => [x['runs'], x['duplicates'], x['taken_by_other_ingester']])(JSON.parse(again.stdout) as Obj), [0, 0, 4], 'already in the ledger');
});

testEachStore('xalt db info shows kind, schema version and counts', async ({ url, kind }) => {
  const root = spoolDir();
  writeRecord(root, 'flat', runRecord({}, { end: false }));
  await xalt('ingest', '--db', url, root);
  const r = await xalt('db', 'info', '--db', url);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`^kind +${kind}$`, 'm'));
  assert.match(r.stdout, new RegExp(`^schema version +${LATEST_SCHEMA_VERSION}$`, 'm'));
  assert.match(r.stdout, /^runs +1$/m);
  assert.match(r.stdout, /^runs without end +1$/m);
  assert.match(r.stdout, /^flagged runs +0$/m);
  const j = JSON.parse((await xalt('db', 'info', '--db', url, '--json')).stdout) as { counts: Obj; schema_version: number };
  assert.equal(j.counts['xalt_ingested_file'], 1);
  assert.equal(j.schema_version, LATEST_SCHEMA_VERSION);
});

test('xalt db migrate creates a new SQLite store, then reports it up to date', async () => {
  const db = join(spoolDir(), 'new.db');
  const info = await xalt('db', 'info', '--db', db);
  assert.equal(info.code, 1);
  assert.match(info.stderr, /^xalt: error: store .*new\.db: no such file\n/);
  const first = await xalt('db', 'migrate', '--db', db);
  assert.equal(first.code, 0);
  assert.match(first.stdout, new RegExp(`migrated from schema 0 to ${LATEST_SCHEMA_VERSION}`));
  const second = await xalt('db', 'migrate', '--db', db);
  assert.match(second.stdout, new RegExp(`schema ${LATEST_SCHEMA_VERSION} is up to date`));
});

test('an unreachable database and a missing spool give one-line errors and exit 1', async () => {
  const root = spoolDir();
  const down = await xalt('ingest', '--db', 'mysql://root:pw@127.0.0.1:1/xalt', root);
  assert.equal(down.code, 1);
  assert.match(down.stderr, /^xalt: error: store mysql:\/\/root@127\.0\.0\.1:1\/xalt: connection refused\n  hint: /);
  const missing = await xalt('ingest', '--db', join(root, 'x.db'), join(root, 'nope'));
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^xalt: error: spool .*nope: not a directory\n/);
  const badJobs = await xalt('ingest', '--db', join(root, 'x.db'), '--jobs', 'many', root);
  assert.equal(badJobs.code, 2);
  assert.match(badJobs.stderr, /--jobs "many" is not a whole number/);
});

test('a reverse map that cannot be read is a usage error naming the file', async () => {
  const root = spoolDir({ 'rmap.json': '{"nope":1}' });
  const r = await xalt('ingest', '--db', join(root, 'x.db'), '--rmap', join(root, 'rmap.json'), root);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /reverse map .*rmap\.json: no "reverseMapT" object/);
});

test('the site config supplies the store, the spool, pre-ingest sampling and application names', async () => {
  const dir = spoolDir({}, 'xalt-config-');
  const spool = join(dir, 'spool');
  writeRecord(spool, 'month/hash', runRecord({ userT: { exec_path: '/sw/lammps/bin/lmp_mpi' } }));
  writeRecord(spool, 'month/hash', runRecord({ userT: { exec_path: '/sw/tools/bin/chatty' } }));
  writeRecord(spool, 'month/hash', runRecord({ userT: { exec_path: '/sw/my/bin/mycode_mpi' } }));
  const db = join(dir, 'site.db');
  const config = join(dir, 'xalt.toml');
  writeFileSync(config, [
    '[spool]', `prefix = "${spool}"`,
    '[sampling]', "pre_ingest = [[0.0, '.*/chatty']]",
    '[rules]', "applications = [['MyCode', '.*/mycode(_mpi)?'], ['LAMMPS', '.*/lmp_[a-z]+']]",
    '[store]', `url = "${db}"`, '',
  ].join('\n'));
  const r = await xalt('ingest', '--config', config, '--json');
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(((x: Obj) => [x['runs'], x['filtered']])(JSON.parse(r.stdout) as Obj), [2, 1]);
  const { openStore } = await import('../../src/db/open-store.js');
  const store = await openStore(db);
  try {
    const rows = await store.all<{ app_name: string }>(`SELECT app_name FROM xalt_run ORDER BY app_name`);
    assert.deepEqual(rows.map((x) => x.app_name), ['LAMMPS', 'MyCode']);
  } finally {
    await store.close();
  }
});
