/**
 * The dashboard as a support person uses it, in real Chromium over a store made by real
 * ingest of generated records that are months old: it opens on the last 30 days of data (not
 * on empty charts), says the store's date range, draws charts whose axis labels fit and whose
 * partial days are marked, links an executable to its runs and users and a run to its job,
 * pages through find in a stable order, and compares a period with the one before it.
 * Screenshots go to a temporary directory (kept with XALT_KEEP_SCREENSHOT=1).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { chromium, type Page } from 'playwright-core';
import { runXalt } from '../helpers/run-xalt.js';
import { serveDashboard } from '../helpers/serve-dashboard.js';
import { writeRecord } from '../fixtures/records.js';
import { generatedRecords } from '../fixtures/usage-records.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const DAY = 86400;
/** Monday 2025-03-03: the data ends long before "now", as in a store loaded from an archive */
const EPOCH = Date.UTC(2025, 2, 3) / 1000;
const RMAP = { reverseMapT: { '/opt/apps/lammps/2023/bin': 'lammps/2023', '/opt/apps/gromacs/2024/bin': 'gromacs/2024', '/opt/apps/openmpi/4.1/lib': 'openmpi/4.1', '/opt/apps/fftw/3.3/lib': 'fftw/3.3' } };
const day = (t: number) => new Date(t * 1000).toISOString().slice(0, 10);

/** Every text of every chart lies inside its SVG's viewBox: no clipped label. */
async function labelsOutsideCharts(tab: Page): Promise<string[]> {
  return tab.locator('svg.chart').evaluateAll((svgs) => svgs.flatMap((svg) => {
    const vb = (svg as unknown as { viewBox: { baseVal: { width: number; height: number } } }).viewBox.baseVal;
    return [...svg.querySelectorAll('text')].flatMap((t) => {
      const b = (t as unknown as { getBBox(): { x: number; y: number; width: number; height: number } }).getBBox();
      return b.x >= 0 && b.y >= 0 && b.x + b.width <= vb.width && b.y + b.height <= vb.height ? [] : [`${svg.id} "${t.textContent}" at ${b.x},${b.y} ${b.width}x${b.height}`];
    });
  }));
}

/** Pairs of dates under a chart's columns that touch or overlap. */
async function touchingDates(tab: Page): Promise<string[]> {
  return tab.locator('svg.time-chart').evaluateAll((svgs) => svgs.flatMap((svg) => {
    const boxes = [...svg.querySelectorAll('text.date')].map((t) => ({ t: t.textContent, b: (t as unknown as { getBBox(): { x: number; width: number } }).getBBox() }));
    return boxes.slice(1).flatMap((d, i) => (boxes[i]!.b.x + boxes[i]!.b.width + 4 <= d.b.x ? [] : [`${svg.id}: ${boxes[i]!.t} / ${d.t}`]));
  }));
}

/** The run uuids on a find page, in page order. */
async function uuidsOn(tab: Page): Promise<string[]> {
  return (await tab.locator('pre.runs').allTextContents()).map((t) => /^run (\S+)/.exec(t)?.[1] ?? '?');
}

test('a support person browses the dashboard over a store of old data: opening period, links, find pages, comparison', { skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} missing` }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'xalt-browse-'));
  const spool = join(dir, 'spool');
  const db = join(dir, 'xalt.db');
  const records = generatedRecords(16, 1500, EPOCH, 45);
  let lastStart = 0;
  for (const r of records) {
    for (const rec of [r.start, r.end]) if (rec) writeRecord(spool, 'flat', rec);
    lastStart = Math.max(lastStart, Number((r.start['userDT'] as Record<string, unknown>)['start_time']));
  }
  writeFileSync(join(dir, 'rmap.json'), JSON.stringify(RMAP));
  const ingest = runXalt(['ingest', spool, '--db', db, '--rmap', join(dir, 'rmap.json')]);
  assert.equal(ingest.status, 0, ingest.stderr);
  const { child, url } = await serveDashboard(['--db', db]);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  const shot = async (tab: Page, name: string) => {
    await tab.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
    assert.ok(statSync(join(dir, `${name}.png`)).size > 10_000, `${name}.png`);
  };
  try {
    const tab = await (await browser.newContext({ viewport: { width: 1200, height: 900 } })).newPage();
    // the printed URL opens the overview on the last 30 days that hold data, named in the address
    await tab.goto(url.href);
    const opened = new URL(tab.url());
    assert.equal(opened.pathname, '/report/overview');
    const until = (Math.floor(lastStart / DAY) + 1) * DAY;
    assert.equal(opened.searchParams.get('until'), day(until));
    assert.equal(opened.searchParams.get('since'), day(until - 30 * DAY));
    assert.doesNotMatch(tab.url(), /token/, 'the token is not in the address bar');
    assert.match(await tab.locator('p.span').textContent() ?? '', new RegExp(`store holds runs from ${day(EPOCH)} to ${day(lastStart)}`));
    assert.equal(await tab.locator('input[name=since]').inputValue(), day(until - 30 * DAY), 'the form shows the period');
    const heights = await tab.locator('#chart-core_hours_by_time rect.col').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().height));
    assert.equal(heights.length, 30);
    assert.ok(heights.filter((h) => h > 2).length >= 25, `the charts are not empty: ${heights.join(' ')}`);
    assert.equal(await tab.locator('rect.col.partial').count(), 0, 'whole days: nothing partial');
    const ticks = await tab.locator('#chart-core_hours_by_time text.tick').allTextContents();
    assert.ok(ticks.length >= 3 && ticks[0] === '0', `round ticks between 0 and the top: ${ticks.join(' ')}`);
    assert.equal(await tab.locator('#chart-core_hours_by_time line.grid').count(), ticks.length - 1, 'a gridline per tick above 0');
    assert.deepEqual(await labelsOutsideCharts(tab), []);
    assert.deepEqual(await touchingDates(tab), []);
    await shot(tab, 'overview');

    // a period starting and ending mid-day: its first and last days are marked partial, with a legend
    await tab.fill('input[name=since]', `${day(EPOCH + 10 * DAY)}T12:00`);
    await tab.fill('input[name=until]', `${day(EPOCH + 20 * DAY)}T06:00`);
    await tab.click('form.period button');
    const cols = tab.locator('#chart-runs_by_time rect.col');
    assert.equal(await cols.count(), 11);
    assert.deepEqual(await cols.evaluateAll((els) => els.map((e, i) => [i, e.classList.contains('partial')]).filter(([, p]) => p).map(([i]) => i)), [0, 10]);
    assert.match(await tab.locator('#chart-runs_by_time g.legend').textContent() ?? '', /partial day: the period covers only part of it/);
    assert.deepEqual(await labelsOutsideCharts(tab), []);
    await shot(tab, 'partial-days');

    // executables → runs of one executable → next page → a run's job
    await tab.goto(`${opened.origin}/report/executables?since=${day(EPOCH)}&until=${day(until)}`);
    const first = tab.locator('#table-all_by_core_hours tbody tr').first().locator('td:last-child a').first();
    const exec = (await first.textContent()) ?? '';
    await first.click();
    assert.equal(new URL(tab.url()).pathname, '/find');
    assert.equal(new URL(tab.url()).searchParams.get('exec'), exec);
    const page1 = await uuidsOn(tab);
    assert.equal(page1.length, 50, 'a page of 50 runs');
    assert.match(await tab.locator('nav.pages').first().textContent() ?? '', /runs 1–50/);
    for (const links of await tab.locator('p.links').allTextContents()) assert.match(links, new RegExp(`executable ${exec.replace(/[*]/g, '\\*')}`));
    await shot(tab, 'find-page-1');
    await tab.locator('nav.pages a[rel=next]').first().click();
    assert.equal(new URL(tab.url()).searchParams.get('page'), '2');
    const page2 = await uuidsOn(tab);
    assert.match(await tab.locator('nav.pages').first().textContent() ?? '', /runs 51–/);
    assert.equal(page2.filter((u) => page1.includes(u)).length, 0, 'pages do not repeat a run');
    const starts = (await tab.locator('pre.runs').allTextContents()).map((t) => /start {2}(\S+ \S+)/.exec(t)?.[1] ?? '');
    assert.deepEqual([...starts].sort().reverse(), starts, 'newest first');
    await tab.locator('nav.pages a[rel=prev]').first().click();
    assert.deepEqual(await uuidsOn(tab), page1, 'back to the same first page');
    const jobLink = tab.locator('p.links a[href*="job="]').first();
    const job = (await jobLink.textContent()) ?? '';
    await jobLink.click();
    assert.equal(new URL(tab.url()).searchParams.get('job'), job);
    const jobRuns = await tab.locator('pre.runs').allTextContents();
    assert.ok(jobRuns.length >= 1);
    for (const r of jobRuns) assert.match(r, new RegExp(`^ {2}job +job (${job}[.\\s]|.*\\(job id ${job}\\))`, 'm'), `every run shown is of job ${job}`);

    // executable → its users → one user's runs of it
    await tab.goto(`${opened.origin}/report/executables?since=${day(EPOCH)}&until=${day(until)}`);
    await tab.locator('#table-all_by_core_hours tbody tr').first().locator('td:last-child a.also').click();
    assert.equal(new URL(tab.url()).searchParams.get('view'), 'users');
    const users = await tab.locator('#table-users tbody tr td:first-child').allTextContents();
    assert.ok(users.length >= 2 && users.every((u) => /^(alice|bob|carol|dave)$/.test(u)), users.join(','));
    const runsOfFirst = Number((await tab.locator('#table-users tbody tr').first().locator('td').nth(1).textContent())?.replace(/,/g, ''));
    await tab.locator('#table-users tbody tr td:first-child a').first().click();
    assert.equal(new URL(tab.url()).searchParams.get('user'), users[0]);
    assert.equal(new URL(tab.url()).searchParams.get('exec'), exec);
    assert.match(await tab.locator('nav.pages').first().textContent() ?? '', new RegExp(`runs 1–${Math.min(50, runsOfFirst)}`), 'as many runs as the users table said');
    await shot(tab, 'users-of-executable');

    // module → its users
    await tab.goto(`${opened.origin}/report/modules?since=${day(EPOCH)}&until=${day(until)}`);
    const mod = tab.locator('#table-by_core_hours tbody td:last-child a:not(.also)').first();
    const modName = (await mod.textContent()) ?? '';
    assert.match(modName, /^(lammps\/2023|gromacs\/2024)$/);
    await mod.click();
    assert.equal(new URL(tab.url()).searchParams.get('module'), modName);
    assert.ok(await tab.locator('#table-users tbody tr').count() >= 1);

    // compare the last 30 days with the 30 before: previous figures and changes beside the totals
    await tab.goto(opened.href);
    await tab.check('input[name=compare]');
    await tab.click('form.period button');
    assert.equal(new URL(tab.url()).searchParams.get('compare'), '1');
    assert.deepEqual(await tab.locator('#table-summary thead th').allTextContents(), ['Measure', 'Value', 'Previous', 'Change']);
    const prevSince = day(until - 60 * DAY);
    assert.match(await tab.locator('dl.meta').textContent() ?? '', new RegExp(`Compared with${prevSince} to ${day(until - 30 * DAY)}`));
    const before = JSON.parse(await (await tab.request.get(`${opened.origin}/report/overview?since=${prevSince}&until=${day(until - 30 * DAY)}&format=json`)).text()) as { tables: { summary: { measure: string; value: number }[] } };
    const runsBefore = before.tables.summary.find((r) => r.measure === 'Runs')!.value;
    const runsRow = tab.locator('#table-summary tbody tr', { hasText: /^Runs/ });
    const cells = await runsRow.locator('td').allTextContents();
    assert.equal(Number(cells[2]!.replace(/,/g, '')), runsBefore, 'Previous is the previous period\'s own figure');
    const now = Number(cells[1]!.replace(/,/g, ''));
    assert.equal(cells[3], `${now >= runsBefore ? '+' : '−'}${(Math.abs(now - runsBefore) / runsBefore * 100).toFixed(1)}%`);
    await tab.click('nav.dash a:text-is("executables")');
    assert.equal(new URL(tab.url()).searchParams.get('compare'), '1', 'navigation keeps the comparison');
    assert.ok(await tab.locator('#table-all_by_core_hours thead th:text-is("Change")').count() === 1);
    await shot(tab, 'compare');
  } finally {
    await browser.close();
    const ended = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await ended;
    if (process.env['XALT_KEEP_SCREENSHOT']) process.stderr.write(`screenshots kept in ${dir}\n`);
    else rmSync(dir, { recursive: true, force: true });
  }
});
