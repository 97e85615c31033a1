/**
 * Commands that only read (find, report, quarantine list), and those that change an existing
 * store (purge, db rebuild-rollups), never create one: a typo in a server URL must be an
 * error, not an empty new database (SQLite: no new file).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runXalt } from '../helpers/run-xalt.js';
import { databaseExists, dropDatabase, storeKinds } from '../helpers/test-stores.js';

const SERVER_URL = { mysql: 'XALT_TEST_MYSQL_URL', postgres: 'XALT_TEST_PG_URL' } as const;
const READERS = [['find', '--user', 'alice'], ['report', 'overview'], ['quarantine', 'list'], ['purge', '--before', '2026-01-01', '--yes'], ['db', 'rebuild-rollups']];

for (const kind of storeKinds()) {
  test(`a command given a store that does not exist (not ingest, not db migrate) fails and creates nothing [${kind}]`, async (t) => {
    if (kind === 'sqlite') {
      const dir = mkdtempSync(join(tmpdir(), 'xalt-ro-'));
      t.after(() => rmSync(dir, { recursive: true, force: true }));
      const file = join(dir, 'typo.db');
      for (const argv of READERS) {
        const r = runXalt([...argv, '--db', file]);
        assert.notEqual(r.status, 0, `${argv.join(' ')}: ${r.stdout}`);
        assert.match(r.stderr, /typo\.db: no such file/);
      }
      assert.equal(existsSync(file), false, 'no SQLite file created');
      return;
    }
    const base = process.env[SERVER_URL[kind]]!;
    const name = `xalt_test_typo_${process.pid}_${Date.now().toString(36)}`;
    t.after(() => dropDatabase(kind, base, name));
    const url = new URL(base);
    url.pathname = `/${name}`;
    for (const argv of READERS) {
      const r = runXalt([...argv, '--db', url.toString()]);
      assert.notEqual(r.status, 0, `${argv.join(' ')}: ${r.stdout}`);
      assert.match(r.stderr, new RegExp(`${name}`), `${argv.join(' ')} names the store`);
    }
    assert.equal(await databaseExists(kind, base, name), false, 'no database created on the server');
  });
}
