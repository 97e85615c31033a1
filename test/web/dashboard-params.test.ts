/**
 * The dashboard's own parameters over HTTP: a report without a period opens on the last 30
 * days of data (an empty store keeps the default), and each kind of bad `page`, `view` or
 * `compare` input is a 400 naming it, never a 500.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startDashboard } from '../../src/web/dashboard-server.js';
import { FIXTURE_EPOCH, storeRows } from '../fixtures/store-rows.js';
import { createTestStore } from '../helpers/test-stores.js';

const TOKEN = 'test-token-params-0123456789';
const auth = { authorization: `Bearer ${TOKEN}` };

test('a report without a period opens on the last 30 days of data; bad page and view are 400s', async () => {
  const s = await createTestStore('sqlite');
  const { server, port } = await startDashboard({ store: s.store, host: '127.0.0.1', port: 0, token: TOKEN, now: () => FIXTURE_EPOCH + 400 * 86400 });
  const base = `http://127.0.0.1:${port}`;
  try {
    const empty = await fetch(`${base}/report/users`, { headers: auth, redirect: 'manual' });
    assert.equal(empty.status, 200, 'an empty store: no data to open on, the usual 30 days before now');
    assert.match(await empty.text(), /The store holds no runs yet/);

    await storeRows(s.store).run({ user: 'alice', start_time: FIXTURE_EPOCH + 3600 });
    const opened = await fetch(`${base}/report/users?syshost=testhost`, { headers: auth, redirect: 'manual' });
    assert.equal(opened.status, 302);
    assert.equal(opened.headers.get('location'), '/report/users?syshost=testhost&since=2026-10-04&until=2026-11-03');
    const csv = await fetch(`${base}/report/users?format=csv`, { headers: auth, redirect: 'manual' });
    assert.equal(csv.status, 200, 'machine formats keep the command line\'s default period');

    for (const [url, message] of [
      ['/find?user=alice&page=0', 'page &quot;0&quot;: expected a whole number ≥ 1'],
      ['/find?user=alice&page=two', 'page &quot;two&quot;: expected a whole number ≥ 1'],
      ['/find?user=alice&view=jobs', 'view &quot;jobs&quot;: expected runs or users'],
    ] as const) {
      const r = await fetch(`${base}${url}`, { headers: auth });
      assert.equal(r.status, 400, url);
      assert.ok((await r.text()).includes(message), `${url}: ${message}`);
    }
    const beyond = await fetch(`${base}/find?user=alice&page=9`, { headers: auth });
    assert.equal(beyond.status, 404);
    assert.match(await beyond.text(), /No runs matched on this page/);
    const users = await fetch(`${base}/find?user=alice&view=users&format=json`, { headers: auth });
    assert.equal(users.status, 200);
    assert.deepEqual((JSON.parse(await users.text()) as { tables: { users: { user: string; runs: number }[] } }).tables.users.map((u) => [u.user, u.runs]), [['alice', 1]]);
    const compared = await fetch(`${base}/report/overview?since=2026-11-02&until=2026-11-03&compare=1&format=json`, { headers: auth });
    const summary = (JSON.parse(await compared.text()) as { tables: { summary: { measure: string; value: number; value_previous: number | null; value_change: number | null }[] } }).tables.summary;
    assert.deepEqual(summary.find((r) => r.measure === 'Runs'), { measure: 'Runs', value: 1, value_previous: 0, value_change: null }, 'nothing the day before: no change in percent');
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await s.drop();
  }
});
