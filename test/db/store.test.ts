import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LATEST_SCHEMA_VERSION, migrate, schemaVersion, tables } from '../../src/db/index.js';
import { openStore } from '../../src/db/open-store.js';
import { testEachStore } from '../helpers/test-stores.js';

testEachStore('a new store is migrated to the latest schema with every table', async ({ store }) => {
  assert.equal(await schemaVersion(store), LATEST_SCHEMA_VERSION);
  for (const t of tables.filter((x) => x.name !== 'xalt_meta')) {
    const rows = await store.all<{ n: number }>(`SELECT COUNT(*) AS n FROM ${t.name}`);
    assert.equal(Number(rows[0]?.n), 0, t.name);
  }
  assert.deepEqual(await migrate(store), [], 'migrating again applies nothing');
});

testEachStore('run_uuid is unique and transactions roll back on error', async ({ store }) => {
  const insert = `INSERT INTO xalt_run (run_uuid, syshost, user, exec_path, exec_name, app_name, start_time, ingested_at) VALUES (?, 's', 'u', '/a', 'a', 'a', 1, 1)`;
  await store.run(insert.replace(' user,', ` ${store.dialect.quote('user')},`), ['00000000-0000-7000-8000-000000000001']);
  await assert.rejects(store.transaction(async (tx) => {
    await tx.run(`INSERT INTO xalt_env_name (env_name) VALUES ('PATH')`);
    await tx.run(insert, ['00000000-0000-7000-8000-000000000001']);
  }));
  const envs = await store.all(`SELECT * FROM xalt_env_name`);
  assert.equal(envs.length, 0, 'the transaction was rolled back');
});

for (const scheme of ['mysql', 'postgresql']) {
  test(`an unreachable ${scheme} server gives a one-line error naming it, without the password`, async () => {
    await assert.rejects(openStore(`${scheme}://root:secret@127.0.0.1:1/xalt`), (err: Error) => {
      assert.match(err.message, new RegExp(`^store ${scheme}://root@127\\.0\\.0\\.1:1/xalt: connection refused$`));
      assert.doesNotMatch(err.message, /secret/);
      return true;
    });
  });
}

testEachStore('a batch of statements stores the same values as one statement at a time', async ({ store }) => {
  const tricky = ["it's", 'back\\slash \\x41 \\\\', 'dollar $1 and ? mark', 'naïve ñandú 😀', 'nul\u0000byte', '', "E'x'", "'); DROP TABLE xalt_env_name; --", "\\'); DROP TABLE xalt_env_name; --", '$$; DROP TABLE xalt_env_name; $$'];
  const batch = tricky.map((name, i): [string, (string | number | bigint | null)[]] => [`INSERT INTO xalt_env_name (env_name) VALUES (?)`, [`b${i} ${name}`]]);
  await store.transaction(async (tx) => {
    for (const [sql, params] of batch) await tx.run(sql, [String(params[0]).replace(/^b/, 's')]);
    if (tx.runBatch) {
      const results = await tx.runBatch(batch);
      assert.equal(results.length, batch.length);
      for (const r of results) assert.equal(r.changes, 1);
    } else for (const [sql, params] of batch) await tx.run(sql, params);
  });
  const rows = await store.all<{ env_name: string }>(`SELECT env_name FROM xalt_env_name`);
  const stored = (prefix: string) => rows.map((r) => r.env_name).filter((n) => n.startsWith(prefix)).map((n) => n.slice(prefix.length)).sort();
  assert.equal(stored('b').length, tricky.length);
  assert.deepEqual(stored('b'), stored('s'), 'batched and single statements agree');
  assert.ok(stored('b').some((n) => n.endsWith("it's")) && stored('b').some((n) => n.includes('back\\slash \\x41 \\\\')));
});
