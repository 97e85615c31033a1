/**
 * The HTML report, opened in headless Chromium with the network cut off: the charts must
 * render (visible, non-zero size, one bar per row), and the page must make no request.
 * A screenshot is kept in the test's temp directory for a person to look at.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { chromium } from 'playwright-core';
import { createTestStore } from '../helpers/test-stores.js';
import { xalt } from '../find/run-cli.js';
import { PERIOD, seedReportStore } from './report-fixture.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

test('the HTML overview renders its charts offline in Chromium', { skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed (apt-get install -y chromium)` }, async () => {
  const s = await createTestStore('sqlite');
  const dir = mkdtempSync(join(tmpdir(), 'xalt-html-'));
  const page = join(dir, 'overview.html');
  try {
    await seedReportStore(s.store);
    const r = await xalt('report', 'overview', '--db', s.url, ...PERIOD, '--format', 'html', '--output', page);
    assert.equal(r.code, 0, r.stderr);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    try {
      const context = await browser.newContext({ offline: true, viewport: { width: 1100, height: 900 } });
      const tab = await context.newPage();
      const requests: string[] = [];
      tab.on('request', (req) => { if (!req.url().startsWith('file:')) requests.push(req.url()); });
      await tab.goto(`file://${page}`);
      assert.equal(await tab.title(), 'xalt report: Overview on testhost, 2026-11-02 to 2026-11-09');
      // the executables bar chart: one bar per executable, the longest for LAMMPS*
      const bars = tab.locator('#chart-top_executables rect.bar');
      assert.equal(await bars.count(), 4);
      const widths = await bars.evaluateAll((els) => els.map((e) => e.getBoundingClientRect().width));
      assert.ok(widths[0]! > 300 && widths.every((w, i) => i === 0 || w <= widths[i - 1]!), `bars shrink from the top: ${widths.join(', ')}`);
      await assert.doesNotReject(bars.first().waitFor({ state: 'visible' }));
      assert.match((await tab.locator('#chart-top_executables').textContent()) ?? '', /LAMMPS\*/);
      // the time series: one column per day of the 7-day period, Tuesday's LAMMPS run the tallest
      const cols = tab.locator('#chart-core_hours_by_time rect.col');
      assert.equal(await cols.count(), 7);
      const heights = await cols.evaluateAll((els) => els.map((e) => e.getBoundingClientRect().height));
      assert.equal(Math.max(...heights), heights[0], 'Monday (128 core-hours) is the tallest column');
      // the value axis: round ticks from 0 up past Monday's 128 core-hours, every label inside the chart
      assert.deepEqual(await tab.locator('#chart-core_hours_by_time text.tick').allTextContents(), ['0', '50', '100', '150']);
      const outside = await tab.locator('svg.chart text').evaluateAll((els) => els.flatMap((t) => {
        const svg = t.closest('svg') as unknown as { viewBox: { baseVal: { width: number; height: number } } };
        const b = (t as unknown as { getBBox(): { x: number; y: number; width: number; height: number } }).getBBox();
        const vb = svg.viewBox.baseVal;
        return b.x >= 0 && b.y >= 0 && b.x + b.width <= vb.width && b.y + b.height <= vb.height ? [] : [t.textContent];
      }));
      assert.deepEqual(outside, [], 'no chart label is clipped');
      assert.equal(await tab.locator('rect.col.partial').count(), 0, 'a period of whole days has no partial day');
      const box = await tab.locator('#chart-core_hours_by_time').boundingBox();
      assert.ok(box && box.width > 500 && box.height > 150, 'the time chart has a real size');
      assert.equal(await tab.locator('#table-sys_vs_usr tbody tr').count(), 3);
      const shot = join(dir, 'overview.png');
      await tab.screenshot({ path: shot, fullPage: true });
      assert.ok(statSync(shot).size > 10_000, `screenshot written to ${shot}`);
      assert.deepEqual(requests, [], 'the page fetches nothing');
    } finally {
      await browser.close();
    }
  } finally {
    await s.drop();
    if (!process.env['XALT_KEEP_SCREENSHOT']) (await import('node:fs')).rmSync(dir, { recursive: true, force: true });
    else process.stderr.write(`screenshot kept in ${dir}\n`);
  }
});
