/**
 * The dashboard in headless Chromium: token required, navigation keeps the period, the
 * period form works without script, charts render, find works; and the server refuses
 * writes and refuses to bind beyond localhost without a token.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { chromium } from 'playwright-core';
import { createTestStore } from '../helpers/test-stores.js';
import { seedReportStore } from '../report/report-fixture.js';
import { FIXTURE_EPOCH, storeRows } from '../fixtures/store-rows.js';
import { startDashboard } from '../../src/web/dashboard-server.js';
import { xalt } from '../find/run-cli.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const TOKEN = 'test-token-8d1f-4c2a9e';

test('the dashboard serves reports and find to a browser holding the token', { skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} missing` }, async () => {
  const s = await createTestStore('sqlite');
  await seedReportStore(s.store);
  const { server, port } = await startDashboard({ store: s.store, host: '127.0.0.1', port: 0, token: TOKEN });
  const base = `http://127.0.0.1:${port}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  try {
    const anon = await (await browser.newContext()).newPage();
    const denied = await anon.goto(`${base}/report/overview`);
    assert.equal(denied?.status(), 401);
    assert.match(await anon.textContent('body') ?? '', /token is required/);

    const tab = await (await browser.newContext()).newPage();
    const q = 'since=2026-11-02&until=2026-11-09&syshost=testhost';
    const first = await tab.goto(`${base}/?token=${TOKEN}&${q}`);
    assert.equal(first?.status(), 200);
    assert.equal(new URL(tab.url()).pathname, '/report/overview', '/ redirects to the overview');
    assert.doesNotMatch(tab.url(), /token=/, 'the token does not stay in the address bar');
    assert.equal(await tab.locator('#chart-top_executables rect.bar').count(), 4);
    assert.equal(await tab.locator('#chart-core_hours_by_time rect.col').count(), 7);
    assert.match(await tab.locator('#table-summary').textContent() ?? '', /Core-hours172\.6/);

    // navigation keeps the period; the cookie set from ?token= authenticates the next pages
    await tab.click('nav.dash a:text-is("executables")');
    assert.equal(new URL(tab.url()).pathname, '/report/executables');
    assert.equal(new URL(tab.url()).searchParams.get('syshost'), 'testhost');
    assert.equal(await tab.locator('#table-mpi_by_core_hours tbody tr').count(), 3);
    assert.equal(await tab.locator('nav.dash a.here').textContent(), 'executables');

    // the period form narrows the report without any script: only Monday's run is left
    await tab.fill('form.period input[name=until]', '2026-11-03');
    await tab.click('form.period button');
    assert.equal(new URL(tab.url()).searchParams.get('until'), '2026-11-03');
    assert.deepEqual(await tab.locator('#table-all_by_core_hours tbody td:last-child a:first-child').allTextContents(), ['LAMMPS*']);

    // find: the page form, then the runs as the CLI prints them
    await tab.click('nav.dash a:text-is("find")');
    await tab.fill('form.period input[name=user]', 'bob');
    await tab.check('form.period input[name=failed]');
    await tab.click('form.period button');
    const runs = await tab.locator('pre.runs').textContent() ?? '';
    assert.match(runs, /^run \S+ {2}bob {2}a\.out/m);
    assert.match(runs, /exit 1 {2}\[FAILED\]/);
    assert.doesNotMatch(runs, /python3/, 'the successful python run is filtered out');

    // machine formats through the same URLs
    const csv = await tab.request.get(`${base}/report/users?${q}&format=csv`);
    assert.equal(csv.headers()['content-type'], 'text/csv; charset=utf-8');
    assert.match(await csv.text(), /^core_hours,gpu_hours,runs/);
    const post = await tab.request.post(`${base}/report/users`);
    assert.equal(post.status(), 405, 'read-only');
    const bad = await tab.request.get(`${base}/report/users?since=whenever`);
    assert.equal(bad.status(), 400);
    assert.match(await bad.text(), /since &quot;whenever&quot;: not a date/);
  } finally {
    await browser.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await s.drop();
  }
});

test('the dashboard leaves flagged runs out until "include flagged" is ticked, and marks them on the find page', { skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} missing` }, async () => {
  const s = await createTestStore('sqlite');
  const rows = storeRows(s.store);
  const T = FIXTURE_EPOCH;
  await rows.run({ user: 'bob', job_id: '42', exec_path: '/home/bob/sim', start_time: T + 3600, run_time: 3600 });
  await rows.run({ user: 'bob', job_id: '42', exec_path: '/home/bob/forged', start_time: T + 7200, run_time: 3600, flags: ['owner_mismatch'] });
  const { server, port } = await startDashboard({ store: s.store, host: '127.0.0.1', port: 0, token: TOKEN });
  const base = `http://127.0.0.1:${port}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  try {
    const tab = await (await browser.newContext({ extraHTTPHeaders: { authorization: `Bearer ${TOKEN}` } })).newPage();
    await tab.goto(`${base}/find?user=bob`);
    assert.equal(await tab.locator('pre.runs').count(), 1, 'the flagged run is left out');
    assert.match(await tab.locator('p.flagged').textContent() ?? '', /1 flagged run\(s\) also matched and are not shown/);
    await tab.check('form.period input[name=include-flagged]');
    await tab.click('form.period button');
    assert.equal(new URL(tab.url()).searchParams.get('include-flagged'), '1');
    const flagged = tab.locator('pre.runs.flagged');
    assert.equal(await flagged.count(), 1);
    assert.match(await flagged.textContent() ?? '', /forged .*\[FLAGGED owner_mismatch\]/);
    assert.equal(await flagged.evaluate((e) => (globalThis as unknown as { getComputedStyle(x: unknown): { borderLeftColor: string } }).getComputedStyle(e).borderLeftColor), 'rgb(207, 34, 46)', 'a red rule marks it');
    assert.equal(await tab.locator('pre.runs:not(.flagged)').count(), 1);

    await tab.goto(`${base}/report/overview?since=2026-11-02&until=2026-11-03`);
    assert.match(await tab.locator('#table-summary').textContent() ?? '', /Runs1Failed/);
    assert.match(await tab.locator('dl.meta').textContent() ?? '', /Flagged1 in the period, left out/);
    await tab.check('form.period input[name=include-flagged]');
    await tab.click('form.period button');
    assert.match(await tab.locator('#table-summary').textContent() ?? '', /Runs2Failed/);
    await tab.click('nav.dash a:text-is("users")');
    assert.equal(new URL(tab.url()).searchParams.get('include-flagged'), '1', 'navigation keeps the toggle');
  } finally {
    await browser.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await s.drop();
  }
});

test('the dashboard refuses a non-local bind without a token, and never starts without one', async () => {
  const s = await createTestStore('sqlite');
  try {
    assert.throws(() => startDashboard({ store: s.store, host: '127.0.0.1', port: 0, token: '' }), /the dashboard needs a token/);
    assert.throws(() => startDashboard({ store: s.store, host: '127.0.0.1', port: 0, token: 'short' }), /at least 16 characters/);
    const saved = process.env['XALT_DASHBOARD_TOKEN'];
    delete process.env['XALT_DASHBOARD_TOKEN'];
    const r = await xalt('serve', '--db', s.url, '--bind', '0.0.0.0');
    if (saved !== undefined) process.env['XALT_DASHBOARD_TOKEN'] = saved;
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^xalt: error: binding the dashboard to 0\.0\.0\.0 needs a token.*\n {2}hint: pass --token-file/);
  } finally {
    await s.drop();
  }
});
