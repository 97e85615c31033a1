/**
 * Real child processes against real databases: two ingesters at once on one spool, and a
 * MariaDB connection that dies mid-run (a TCP proxy in this process is cut after some traffic).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer, connect, type Socket } from 'node:net';
import { test } from 'node:test';
import type { Store } from '../../src/db/store.js';
import { linkRecord, pkgRecord, runPair, runRecord, spoolDir, writeRecord } from '../fixtures/records.js';
import { assertLibsetsMatchObjects, assertUsageMatchesRuns } from '../helpers/rollup-check.js';
import { createTestStore, storeKinds } from '../helpers/test-stores.js';
import { count, tableCounts, xaltChild } from './helpers.js';

type Obj = Record<string, unknown>;
const uuidOf = (r: Obj) => (r['userT'] as Obj)['run_uuid'] as string;

/** A spool with start/end pairs, lone starts and ends, links, packages, duplicates and bad files. */
function mixedSpool(pairs: number): string {
  const root = spoolDir();
  for (let i = 0; i < pairs; i++) {
    const { start, end } = runPair();
    if (i % 7 !== 0) writeRecord(root, 'month/hash', start);
    if (i % 11 !== 0) writeRecord(root, 'month/hash', end);
    if (i % 3 === 0) writeRecord(root, 'month/hash', pkgRecord(uuidOf(end)));
    if (i % 5 === 0) writeRecord(root, 'hash', end); // the same record in a second place
    if (i % 9 === 0) writeRecord(root, 'month/hash', linkRecord());
  }
  for (let i = 0; i < 4; i++) writeRecord(root, 'month/hash', runRecord(), '{"crc":"0x0000","cmd');
  return root;
}

async function runDigest(store: Store): Promise<string> {
  const rows = await store.all<Obj>(`SELECT run_uuid, has_start, has_end, end_time, exit_status FROM xalt_run ORDER BY run_uuid`);
  return rows.map((r) => `${String(r['run_uuid'])}:${Number(r['has_start'])}:${Number(r['has_end'])}:${Number(r['end_time'])}:${String(r['exit_status'])}`).join('\n');
}

for (const kind of storeKinds()) {
  test(`two ingesters at once produce exactly what one produces [${kind}]`, async () => {
    const root = mixedSpool(240);
    const one = await createTestStore(kind);
    const two = await createTestStore(kind);
    try {
      const single = await xaltChild(['ingest', '--db', one.url, '--json', '--jobs', '0', root]);
      assert.equal(single.code, 1, 'bad files were quarantined');
      const [a, b] = await Promise.all([
        xaltChild(['ingest', '--db', two.url, '--json', '--jobs', '0', '--batch-size', '25', root]),
        xaltChild(['ingest', '--db', two.url, '--json', '--jobs', '0', '--batch-size', '25', root]),
      ]);
      assert.ok(a.stdout && b.stdout, `${a.stderr}${b.stderr}`);
      const sa = JSON.parse(a.stdout) as Obj;
      const sb = JSON.parse(b.stdout) as Obj;
      const s1 = JSON.parse(single.stdout) as Obj;
      for (const k of ['runs', 'links', 'packages', 'duplicates', 'quarantined']) {
        assert.equal(Number(sa[k]) + Number(sb[k]), Number(s1[k]), `${k} split between the two ingesters adds up`);
      }
      assert.deepEqual(await tableCounts(two.store), await tableCounts(one.store));
      assert.equal(await runDigest(two.store), await runDigest(one.store));
      // what ingest derives for reports stays exact when two ingesters complete runs at once
      await assertLibsetsMatchObjects(two.store);
      await assertUsageMatchesRuns(two.store);
    } finally {
      await one.drop();
      await two.drop();
    }
  });
}

/** A TCP proxy to MariaDB that drops every connection once `limit` bytes went to the server. */
function cuttingProxy(limit: number): Promise<{ port: number; cut: Promise<void>; close(): void }> {
  return new Promise((resolve) => {
    const sockets = new Set<Socket>();
    let sent = 0;
    let onCut: () => void = () => undefined;
    const cut = new Promise<void>((r) => { onCut = r; });
    const server = createServer((client) => {
      const upstream = connect(3306, '127.0.0.1');
      sockets.add(client).add(upstream);
      client.on('data', (d: Buffer) => {
        sent += d.length;
        if (sent > limit) {
          server.close();
          for (const s of sockets) s.destroy();
          onCut();
          return;
        }
        upstream.write(d);
      });
      upstream.on('data', (d: Buffer) => client.write(d));
      for (const s of [client, upstream]) s.on('error', () => undefined).on('close', () => { client.destroy(); upstream.destroy(); });
    });
    server.listen(0, '127.0.0.1', () => resolve({ port: (server.address() as { port: number }).port, cut, close: () => { server.close(); for (const s of sockets) s.destroy(); } }));
  });
}

test('MariaDB lost mid-run: a clear error, nothing deleted uncommitted, a re-run completes exactly', { skip: !process.env['XALT_TEST_MYSQL_URL'] && 'XALT_TEST_MYSQL_URL not set' }, async () => {
  const db = await createTestStore('mysql');
  const root = spoolDir();
  const ends = Array.from({ length: 200 }, () => runRecord());
  const paths = ends.map((r) => writeRecord(root, 'month/hash', r));
  const proxy = await cuttingProxy(150_000);
  try {
    const url = new URL(db.url);
    url.port = String(proxy.port);
    const first = await xaltChild(['ingest', '--db', url.toString(), '--jobs', '0', '--batch-size', '10', '--delete', root]);
    assert.equal(first.code, 1);
    assert.match(first.stderr, new RegExp(`^xalt: error: store mysql://root@127\\.0\\.0\\.1:${proxy.port}/xalt_test_\\w+: .+\\n  hint: .+\\n$`));
    const loaded = await count(db.store, 'xalt_run');
    assert.ok(loaded > 0 && loaded < 200, `the connection died mid-run (${loaded} of 200 loaded)`);
    const present = new Set((await db.store.all<{ run_uuid: string }>(`SELECT run_uuid FROM xalt_run`)).map((r) => r.run_uuid));
    paths.forEach((p, i) => { if (!existsSync(p)) assert.ok(present.has(uuidOf(ends[i]!)), `${p} deleted but not in the store`); });

    const second = await xaltChild(['ingest', '--db', db.url, '--jobs', '0', '--delete', root]);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(await count(db.store, 'xalt_run'), 200);
    assert.equal(await count(db.store, 'join_run_object'), 600);
    assert.equal(await count(db.store, 'xalt_ingested_file'), 200);
    assert.ok(paths.every((p) => !existsSync(p)));
    await assertUsageMatchesRuns(db.store); // the batch cut off left no half-counted totals
  } finally {
    proxy.close();
    await db.drop();
  }
});
