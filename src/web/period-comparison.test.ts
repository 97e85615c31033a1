import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Document } from '../document/document.js';
import { compareWithPrevious, previousSpec } from './period-comparison.js';

const table = (rows: { executable: string; core_hours: number; runs: number }[]): Document['tables'][number] => ({
  id: 'top', title: 'Top', chart: { label: 'executable', value: 'core_hours' },
  columns: [{ key: 'core_hours', header: 'CoreHrs', format: 'hours' }, { key: 'runs', header: '# Runs', format: 'int' }, { key: 'executable', header: 'Executable', format: 'text' }],
  rows,
});

test('the previous period has the same length and ends where the period starts', () => {
  const p = previousSpec({ kind: 'overview', since: 1000, until: 4000, top: 20, weighted: true });
  assert.deepEqual([p.since, p.until, p.top], [-2000, 1000, 100]);
});

test('each row gains its previous figure and the change, matched by label; an unlisted row gets neither', () => {
  const now: Document = { title: 't', meta: [{ key: 'syshost', label: 'Cluster', value: null, text: 'all' }], tables: [table([{ executable: 'lmp', core_hours: 150, runs: 3 }, { executable: 'gmx', core_hours: 50, runs: 1 }, { executable: 'new', core_hours: 5, runs: 1 }])] };
  const before: Document = { title: 't', meta: [], tables: [table([{ executable: 'gmx', core_hours: 100, runs: 2 }, { executable: 'lmp', core_hours: 100, runs: 9 }])] };
  const c = compareWithPrevious(now, before, '2026-10-01 to 2026-11-01');
  const t = c.tables[0]!;
  assert.deepEqual(t.columns.map((x) => x.key), ['core_hours', 'core_hours_previous', 'core_hours_change', 'runs', 'executable']);
  assert.deepEqual(t.rows.map((r) => [r['executable'], r['core_hours_previous'], r['core_hours_change']]), [['lmp', 100, 50], ['gmx', 100, -50], ['new', null, null]]);
  assert.deepEqual(c.meta.map((m) => m.key), ['syshost', 'compared_with']);
});
