// Nearest-rank percentile and peak of rates (bit/s). Nearest rank: the value at 1-based rank
// ceil(p/100 · n) of the values sorted ascending, so the result is always one of the values
// (p95 of 8 928 five-minute rates in a 31-day month is the 8 482nd smallest). Empty → 0.

/** Nearest-rank percentile; `p` in percent (95 for p95), 0 < p ≤ 100 (p ≤ 0 gives the minimum). */
export function percentile(values: ArrayLike<number>, p: number): number {
  return percentileAndPeak(values, p).value;
}

/**
 * The nearest-rank percentile and the largest value (0 when empty) without sorting: a
 * selection in O(n) on a copy. A month of an OPD is 8,928 rates, three directions per OPD,
 * and sorting them was a third of a warm /usage call. Values with NaN or -0 are sorted as
 * before (a typed array's sort orders them; a selection's comparisons do not).
 */
export function percentileAndPeak(values: ArrayLike<number>, p: number): { value: number; peak: number } {
  const n = values.length;
  if (n === 0) return { value: 0, peak: 0 };
  if (!(p <= 100)) throw new RangeError(`percentile: expected p between 0 and 100, found ${p}`);
  const a = Float64Array.from(values);
  let max = a[0];
  for (let i = 0; i < n; i++) {
    const v = a[i];
    if (v !== v || (v === 0 && 1 / v < 0)) {
      a.sort(); // typed arrays sort numerically
      return { value: percentileOfSorted(a, p), peak: a[n - 1] };
    }
    if (v > max) max = v;
  }
  return { value: select(a, rank(n, p) - 1), peak: max };
}

/** 1-based nearest rank of percentile `p` among `n` values. */
function rank(n: number, p: number): number {
  // p·n is an exact integer for integer p, and an exact quotient of integers stays exact;
  // (p/100)·n is not: 0.07 × 100 = 7.000000000000001 would take rank 8.
  return Math.min(n, Math.max(1, Math.ceil((p * n) / 100)));
}

/** The k-th smallest (0-based) of `a`, reordering `a` (Hoare's selection, median-of-three pivot). */
function select(a: Float64Array, k: number): number {
  let l = 0;
  let r = a.length - 1;
  while (r > l) {
    const x0 = a[l];
    const x1 = a[k];
    const x2 = a[r];
    const x = x0 < x1 ? (x1 < x2 ? x1 : x0 < x2 ? x2 : x0) : x0 < x2 ? x0 : x1 < x2 ? x2 : x1;
    let i = l;
    let j = r;
    do {
      while (a[i] < x) i++;
      while (x < a[j]) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    } while (i <= j);
    if (j < k) l = i;
    if (k < i) r = j;
  }
  return a[k];
}

/** As `percentile`, over values already sorted ascending. */
export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return 0;
  if (!(p <= 100)) throw new RangeError(`percentile: expected p between 0 and 100, found ${p}`);
  return sorted[rank(n, p) - 1];
}

/** The largest value; 0 when empty. */
export function peak(values: readonly number[]): number {
  let m = 0;
  for (const v of values) if (v > m) m = v;
  return m;
}
