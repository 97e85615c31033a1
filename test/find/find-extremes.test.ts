/**
 * A store may hold values loaded before ingest bounded them (a start time of 1e308, a negative
 * run time, a run with 200,000 libraries). `find` in every format, a report and the dashboard
 * must still answer, showing such values as numbers, never failing on them.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { storeRows } from '../fixtures/store-rows.js';
import { createTestStore } from '../helpers/test-stores.js';
import { startDashboard } from '../../src/web/dashboard-server.js';
import { xalt } from './run-cli.js';

test('find, a report and the dashboard answer over runs with extreme stored values', async () => {
  const s = await createTestStore('sqlite');
  try {
    const rows = storeRows(s.store);
    const now = Math.floor(Date.now() / 1000);
    await rows.run({ run_uuid: '01a251e0-0000-7000-8000-000000000001', user: 'eve', job_id: '1', exec_path: '/x/huge', start_time: 1e308, run_time: 1e300, num_cores: 1e9 });
    await rows.run({ user: 'eve', job_id: '2', exec_path: '/x/negative', start_time: -1e12, run_time: -5 });
    await rows.run({ user: 'eve', job_id: '3', exec_path: '/x/libs', start_time: now - 3600, run_time: 10, libs: Array.from({ length: 200_000 }, (_, i) => ({ path: `/lib/l${i}.so` })) });
    await rows.run({ user: 'eve', job_id: '4', exec_path: '/x/ok', start_time: now - 3600, run_time: 10 });
    for (const format of [[], ['--json'], ['--format', 'csv']]) {
      const r = await xalt('find', '--db', s.url, '--user', 'eve', '-n', '10', ...format);
      assert.equal(r.code, 0, `${format.join(' ')}: ${r.stderr}`);
      for (const exe of ['huge', 'negative', 'libs', 'ok']) assert.ok(r.stdout.includes(`/x/${exe}`), `${format.join(' ')} shows /x/${exe}`);
    }
    const since = await xalt('find', '--db', s.url, '--user', 'eve', '--since', '7d');
    assert.equal(since.code, 0, since.stderr);
    const report = await xalt('report', 'overview', '--db', s.url, '--since', '2000-01-01');
    assert.equal(report.code, 0, report.stderr);
    const token = 'extreme-values-token-0123';
    const { server, port } = await startDashboard({ store: s.store, host: '127.0.0.1', port: 0, token });
    try {
      const page = await fetch(`http://127.0.0.1:${port}/find?user=eve`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(page.status, 200);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  } finally {
    await s.drop();
  }
});
