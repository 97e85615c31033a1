/**
 * Robust statistics for the collector benchmark: medians, paired per-cycle differences and
 * a distribution-free 95% confidence interval of a median (order statistics), so a figure
 * of a few microseconds can be told apart from the noise of a shared machine.
 */

/** The median of `xs` (NaN for an empty list). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * 95% confidence interval of the median of `xs`: the order statistics n/2 ± 1.96·√n/2
 * (binomial, normal approximation), valid whatever the distribution.
 * @example medianCi([1, 2, 3, 4, 5, 6, 7, 8, 9]) // [1, 9]
 */
export function medianCi(xs: readonly number[]): [number, number] {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return [NaN, NaN];
  const h = 0.98 * Math.sqrt(n);
  const lo = Math.max(0, Math.floor(n / 2 - h));
  const hi = Math.min(n - 1, Math.ceil(n / 2 + h));
  return [s[lo]!, s[hi]!];
}

/** Per-cycle differences a[c] − b[c] of two series measured in the same cycles. */
export function paired(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.min(a.length, b.length);
  const d: number[] = [];
  for (let i = 0; i < n; i++) d.push(a[i]! - b[i]!);
  return d;
}

/** Median and 95% CI of the paired differences, as one record. */
export interface Added {
  readonly median: number;
  readonly lo: number;
  readonly hi: number;
}

/** What `a` adds over `b`, cycle by cycle. */
export function added(a: readonly number[], b: readonly number[]): Added {
  const d = paired(a, b);
  const [lo, hi] = medianCi(d);
  return { median: median(d), lo, hi };
}
