import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePeriod, parseTimeBound } from './time-bound.js';

const now = Date.UTC(2026, 10, 23, 12, 30) / 1000;

test('relative bounds count back from now', () => {
  assert.equal(parseTimeBound('7d', now), now - 7 * 86400);
  assert.equal(parseTimeBound('12h', now), now - 12 * 3600);
  assert.equal(parseTimeBound('30m', now), now - 1800);
  assert.equal(parseTimeBound('2w', now), now - 14 * 86400);
});

test('dates and datetimes without a zone are UTC; offsets are honoured', () => {
  assert.equal(parseTimeBound('2026-11-01', now), Date.UTC(2026, 10, 1) / 1000);
  assert.equal(parseTimeBound('2026-11', now), Date.UTC(2026, 10, 1) / 1000);
  assert.equal(parseTimeBound('2026-11-01 08:15', now), Date.UTC(2026, 10, 1, 8, 15) / 1000);
  assert.equal(parseTimeBound('2026-11-01T08:15:30+02:00', now), Date.UTC(2026, 10, 1, 6, 15, 30) / 1000);
  assert.equal(parseTimeBound('today', now), Date.UTC(2026, 10, 23) / 1000);
});

test('a bad bound is a usage error naming the option and the text', () => {
  assert.throws(() => parseTimeBound('last tuesday', now, '--until'), /--until "last tuesday": not a date/);
  assert.throws(() => parseTimeBound('2026-13-45', now), /not a date/);
  assert.throws(() => parsePeriod('2026-11-02', '2026-11-01', now), /not before --until/);
});
