import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderDelimited } from './delimited.js';
import type { Document } from './document.js';
import { formatCell, formatDuration, groupThousands } from './format-cell.js';
import { renderMarkdown } from './markdown.js';
import { renderText } from './text-table.js';
import { barChart, escapeXml } from './svg-charts.js';

const doc: Document = {
  title: 'T',
  meta: [{ key: 'kind', label: 'Kind', value: 'x' }],
  tables: [{
    id: 't', title: 'Table',
    columns: [{ key: 'name', header: 'Name', format: 'text' }, { key: 'n', header: 'N', format: 'int' }, { key: 'h', header: 'Hours', format: 'hours' }],
    rows: [{ name: 'a,b "c"', n: 1234567, h: 0.25 }, { name: 'tab\there|pipe', n: 5, h: 12345.678 }],
  }],
};

test('numbers get thousands separators and fixed decimals, independent of locale', () => {
  assert.equal(groupThousands(1234567), '1,234,567');
  assert.equal(groupThousands(-1234.56, 1), '-1,234.6');
  assert.equal(groupThousands(999.96, 1), '1,000.0');
  assert.equal(formatCell(12.345, 'percent'), '12.3%');
  assert.equal(formatCell(null, 'int'), '');
  assert.equal(formatDuration(7260), '2h 01m');
  assert.equal(formatDuration(93784), '1d 02h');
  assert.equal(formatDuration(4.25), '4.3s');
});

test('text tables right-align numbers and left-align text under a dashed rule', () => {
  const lines = renderText(doc).split('\n');
  const i = lines.indexOf('Table');
  assert.deepEqual(lines.slice(i + 2, i + 6), [
    'Name                   N     Hours',
    '-------------  ---------  --------',
    'a,b "c"        1,234,567       0.3',
    'tab here|pipe          5  12,345.7',
  ]);
});

test('CSV quotes per RFC 4180; TSV flattens tabs; both keep raw numbers', () => {
  assert.equal(renderDelimited(doc, 'csv'), 'name,n,h\r\n"a,b ""c""",1234567,0.25\r\ntab\there|pipe,5,12345.678\r\n');
  assert.equal(renderDelimited(doc, 'tsv').split('\n')[2], 'tab here|pipe\t5\t12345.678');
});

test('Markdown escapes pipes; SVG escapes markup', () => {
  assert.match(renderMarkdown(doc), /\| tab\there\\\|pipe \| 5 \| 12,345\.7 \|/);
  assert.equal(escapeXml('<a href="x">&</a>'), '&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;');
  const svg = barChart([{ label: '<script>', value: 10 }, { label: 'b', value: 5 }], 'runs', 'c');
  assert.doesNotMatch(svg, /<script>/);
  assert.equal((svg.match(/<rect class="bar"/g) ?? []).length, 2);
  assert.match(svg, /width="410\.0"/, 'the longest bar spans the plot width');
  assert.match(svg, /width="205\.0"/, 'half the value, half the bar');
});
