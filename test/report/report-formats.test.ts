import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { xalt } from '../find/run-cli.js';
import { testEachStore } from '../helpers/test-stores.js';
import { PERIOD, seedReportStore } from './report-fixture.js';

testEachStore('every format carries the same numbers', async (s) => {
  await seedReportStore(s.store);
  const run = async (...fmt: string[]) => {
    const r = await xalt('report', 'users', '--db', s.url, ...PERIOD, ...fmt);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout;
  };
  // text: header, dashed rule, numbers right-aligned with thousands separators
  const text = await run();
  assert.match(text, /Weighting: runs and hours weighted by 1\/sampling probability/);
  assert.match(text, /^CoreHrs {2}GpuHrs {2}# Runs {2}# Jobs {2}# Accts {2}# Execs {2}User$/m);
  assert.match(text, /^-{7} {2}-{6} {2}-{6}/m);
  assert.match(text, /^ {2}160\.0 {5}0\.0 {7}2 {7}2 {8}1 {8}1 {2}alice$/m);
  // CSV: snake_case header, raw numbers, CRLF
  const csv = (await run('--format', 'csv')).split('\r\n');
  assert.equal(csv[0], 'core_hours,gpu_hours,runs,jobs,accounts,executables,user');
  assert.equal(csv[1], '160,0,2,2,1,1,alice');
  assert.equal(csv[2], '8.1,0,5,1,1,2,bob');
  // TSV
  const tsv = (await run('--format', 'tsv')).split('\n');
  assert.equal(tsv[1], '160\t0\t2\t2\t1\t1\talice');
  // JSON: schema_version, period, weighting, tables by id
  const json = JSON.parse(await run('--json')) as Record<string, unknown> & { tables: { by_core_hours: Record<string, unknown>[] } };
  assert.equal(json['schema_version'], 1);
  assert.equal(json['kind'], 'users');
  assert.equal(json['until'], '2026-11-09T00:00:00Z');
  assert.equal(json['syshost'], 'testhost');
  assert.deepEqual(json.tables.by_core_hours[3], { core_hours: 0.5, gpu_hours: 0, runs: 2, jobs: 2, accounts: 1, executables: 2, user: 'carol' });
  // NDJSON: one object per row
  const nd = (await run('--format', 'ndjson')).trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(nd.length, 4);
  assert.deepEqual([nd[0]!['table'], nd[0]!['user'], nd[0]!['core_hours']], ['by_core_hours', 'alice', 160]);
  // Markdown: a heading and a pipe table with right-aligned numbers
  const md = await run('--format', 'md');
  assert.match(md, /^## Top 20 users sorted by core-hours$/m);
  assert.match(md, /^\|---:\|---:\|---:\|---:\|---:\|---:\|:---\|$/m);
  assert.match(md, /^\| 160\.0 \| 0\.0 \| 2 \| 2 \| 1 \| 1 \| alice \|$/m);
  // HTML: self-contained, chart + table
  const html = await run('--format', 'html');
  assert.match(html, /^<!DOCTYPE html>/);
  assert.match(html, /<svg class="chart bar-chart" id="chart-by_core_hours"/);
  assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//, 'no external references');
});

testEachStore('a several-table report as CSV keeps one rectangle with a table column', async (s) => {
  await seedReportStore(s.store);
  const r = await xalt('report', 'executables', '--db', s.url, ...PERIOD, '--format', 'csv');
  const lines = r.stdout.trimEnd().split('\r\n');
  assert.equal(lines[0], 'table,core_hours,runs,users,accounts,jobs,executable');
  assert.ok(lines.includes('mpi_by_core_hours,160,2,1,1,2,LAMMPS*'), lines.join('\n'));
  const widths = new Set(lines.map((l) => l.split(',').length));
  assert.equal(widths.size, 1, 'every line has the same number of fields');
});

testEachStore('--output writes the report to a file', async (s) => {
  await seedReportStore(s.store);
  const dir = mkdtempSync(join(tmpdir(), 'xalt-out-'));
  try {
    const r = await xalt('report', 'modules', '--db', s.url, ...PERIOD, '--format', 'md', '--output', join(dir, 'm.md'));
    assert.equal(r.code, 0);
    assert.equal(r.stdout, '');
    assert.match(readFileSync(join(dir, 'm.md'), 'utf8'), /\| lammps\/2023 \|/);
    const bad = await xalt('report', 'modules', '--db', s.url, ...PERIOD, '--output', join(dir, 'no/such/dir/m.txt'));
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^xalt: error: --output .*no\/such\/dir\/m\.txt: ENOENT/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

testEachStore('bad report requests are usage errors naming what is wrong', async (s) => {
  const cases: [string[], RegExp][] = [
    [['report'], /which report\? one of overview, executables/],
    [['report', 'softwares'], /unknown report "softwares"/],
    [['report', 'users', '--top', 'ten'], /--top "ten": expected a whole number/],
    [['report', 'users', '--since', '2026-11-09', '--until', '2026-11-02'], /is not before --until/],
    [['report', 'users', '--format', 'pdf'], /--format pdf: not one of table, csv, tsv, json, ndjson, md, html/],
  ];
  for (const [argv, re] of cases) {
    const r = await xalt(...argv, '--db', s.url);
    assert.equal(r.code, 2, argv.join(' '));
    assert.match(r.stderr, re);
    assert.equal(r.stdout, '');
  }
});

testEachStore('a store that is missing or not an xalt store gives a one-line error', async (s) => {
  const missing = await xalt('report', 'users', '--db', '/nonexistent/dir/x.db');
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^xalt: error: store \/nonexistent\/dir\/x\.db: no such file\n {2}hint: /);
  if (s.kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'xalt-notxalt-'));
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(join(dir, 'other.db'));
    db.exec('CREATE TABLE t (x)');
    db.close();
    const other = await xalt('report', 'users', '--db', join(dir, 'other.db'));
    assert.equal(other.code, 1);
    assert.match(other.stderr, /no such table: xalt_run \(not an xalt store\?\)/);
    rmSync(dir, { recursive: true, force: true });
  }
});
