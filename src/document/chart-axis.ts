/**
 * The value axis of a chart: round tick values (0, 250, 500, 750, 1,000 — steps of 1, 2, 2.5
 * or 5 times a power of ten) and short labels for them ("1.5M", "250k"), so a reader can read
 * a column's height off a gridline and no label is wider than the margin left for it.
 */
import { groupThousands } from './format-cell.js';

/** Ticks from 0 to the first round value at or above `max`, about `target` steps. */
export interface AxisTicks {
  /** the axis maximum: the last tick */
  readonly top: number;
  readonly step: number;
  readonly values: readonly number[];
}

/** The round step closest above `rough`: 1, 2, 2.5 or 5 × 10^k. */
function niceStep(rough: number): number {
  const power = 10 ** Math.floor(Math.log10(rough));
  const m = rough / power;
  const mult = m <= 1 ? 1 : m <= 2 ? 2 : m <= 2.5 ? 2.5 : m <= 5 ? 5 : 10;
  return mult * power;
}

/**
 * Round ticks covering [0, max].
 * @example axisTicks(1794560.1).values // [0, 500000, 1000000, 1500000, 2000000]
 */
export function axisTicks(max: number, target = 4): AxisTicks {
  if (!(max > 0) || !Number.isFinite(max)) return { top: 1, step: 1, values: [0, 1] };
  const step = niceStep(max / target);
  // a float step times an integer can land a hair above or below a round value
  const count = Math.ceil(max / step - 1e-9);
  const values = Array.from({ length: count + 1 }, (_, i) => Number((i * step).toPrecision(12)));
  return { top: values[values.length - 1]!, step, values };
}

function trimmed(n: number, decimals: number): string {
  return n.toFixed(decimals).replace(/\.?0+$/, '');
}

/**
 * A tick label: thousands as `k` and millions as `M` from 10,000 up, so a label stays within
 * about six characters; smaller values in full, with decimals only when the step needs them.
 * @example tickLabel(1500000, 500000) === '1.5M'
 */
export function tickLabel(value: number, step: number): string {
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1e9) return `${trimmed(value / 1e9, 2)}G`;
  if (abs >= 1e6) return `${trimmed(value / 1e6, 2)}M`;
  if (abs >= 1e4) return `${trimmed(value / 1e3, 1)}k`;
  // as many decimals as the step has (2.5 → 1, 0.25 → 2), so no two ticks read the same
  const decimals = Math.min(6, (String(Number(step.toPrecision(6))).split('.')[1] ?? '').length);
  return groupThousands(value, decimals);
}
