// Nearest-rank percentile and peak of rates (bit/s). Nearest rank: the value at 1-based rank
// ceil(p/100 · n) of the values sorted ascending, so the result is always one of the values
// (p95 of 8 928 five-minute rates in a 31-day month is the 8 482nd smallest). Empty → 0.

/** Nearest-rank percentile; `p` in percent (95 for p95), 0 < p ≤ 100 (p ≤ 0 gives the minimum). */
export function percentile(values: readonly number[], p: number): number {
  const sorted = Float64Array.from(values).sort(); // typed arrays sort numerically
  return percentileOfSorted(sorted, p);
}

/** As `percentile`, over values already sorted ascending. */
export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return 0;
  if (!(p <= 100)) throw new RangeError(`percentile: expected p between 0 and 100, found ${p}`);
  // p·n is an exact integer for integer p, and an exact quotient of integers stays exact;
  // (p/100)·n is not: 0.07 × 100 = 7.000000000000001 would take rank 8.
  const rank = Math.min(n, Math.max(1, Math.ceil((p * n) / 100)));
  return sorted[rank - 1];
}

/** The largest value; 0 when empty. */
export function peak(values: readonly number[]): number {
  let m = 0;
  for (const v of values) if (v > m) m = v;
  return m;
}
