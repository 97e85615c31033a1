import assert from 'node:assert/strict';
import { test } from 'node:test';
import { axisTicks, tickLabel } from './chart-axis.js';
import { timeChart } from './time-chart.js';

test('the value axis ends on the first round value above the maximum, in round steps', () => {
  assert.deepEqual(axisTicks(1794560.1).values, [0, 500000, 1000000, 1500000, 2000000]);
  assert.deepEqual(axisTicks(128).values, [0, 50, 100, 150]);
  assert.deepEqual(axisTicks(100).values, [0, 25, 50, 75, 100], 'a round maximum is the top tick itself');
  assert.deepEqual(axisTicks(0.7).values, [0, 0.2, 0.4, 0.6, 0.8]);
  assert.deepEqual(axisTicks(0).values, [0, 1], 'an empty series still has an axis');
  assert.deepEqual(axisTicks(7).values, [0, 2, 4, 6, 8]);
});

test('tick labels stay short: k from ten thousand, M from a million', () => {
  assert.deepEqual(axisTicks(1794560.1).values.map((v) => tickLabel(v, 500000)), ['0', '500k', '1M', '1.5M', '2M']);
  assert.equal(tickLabel(12500, 2500), '12.5k');
  assert.equal(tickLabel(7500, 2500), '7,500');
  assert.equal(tickLabel(0.4, 0.2), '0.4');
  assert.equal(tickLabel(1250000, 250000), '1.25M');
  assert.deepEqual(axisTicks(9).values.map((v) => tickLabel(v, axisTicks(9).step)), ['0', '2.5', '5.0', '7.5', '10.0'], 'a step of 2.5 keeps its decimal');
  assert.deepEqual(axisTicks(0.9).values.map((v) => tickLabel(v, axisTicks(0.9).step)), ['0', '0.25', '0.50', '0.75', '1.00']);
});

test('the time chart draws a gridline per tick, dates between the ends, and marks partial buckets in a legend', () => {
  const points = Array.from({ length: 30 }, (_, i) => ({ t: `2026-11-${String(i + 1).padStart(2, '0')}`, value: 1794560.1 * (i % 3 === 0 ? 1 : 0.5), ...(i === 0 || i === 29 ? { partial: true as const } : {}) }));
  const svg = timeChart(points, 'core-hours', 'x', 'day');
  assert.equal((svg.match(/class="grid"/g) ?? []).length, 4, 'one gridline per tick above 0');
  assert.deepEqual([...svg.matchAll(/class="val tick">([^<]+)</g)].map((m) => m[1]), ['0', '500k', '1M', '1.5M', '2M']);
  const dates = [...svg.matchAll(/class="val date">([^<]+)</g)].map((m) => m[1]);
  assert.ok(dates.length >= 5 && dates.length <= 7, `a handful of dates: ${dates.join(' ')}`);
  assert.equal(dates[0], '2026-11-01');
  assert.equal(dates[dates.length - 1], '2026-11-30');
  assert.equal((svg.match(/<rect class="col partial"/g) ?? []).length, 2, 'two partial columns');
  assert.match(svg, /<g class="legend"><rect class="swatch"/, 'a swatch in the legend');
  assert.match(svg, /partial day: the period covers only part of it/);
  assert.doesNotMatch(timeChart(points.map(({ t, value }) => ({ t, value })), 'runs', 'y'), /partial/, 'no legend without partial buckets');
});
