import { describe, expect, it } from 'vitest';
import { peak, percentile, percentileAndPeak, percentileOfSorted } from '../../collector/accounting/percentile.js';
import { randInt, rng } from './rng.js';

/** The definition, brute force: the smallest value v with at least 95 % of the values ≤ v. */
function bruteForceP95(values: number[]): number {
  if (values.length === 0) return 0;
  const candidates = [...new Set(values)].sort((a, b) => a - b);
  for (const v of candidates) if (values.filter((x) => x <= v).length * 100 >= 95 * values.length) return v;
  throw new Error('unreachable');
}

describe('percentile', () => {
  it('equals a brute-force nearest-rank p95 over many random arrays', () => {
    const r = rng(2026);
    for (let k = 0; k < 2000; k++) {
      const n = randInt(r, 1, 400);
      const spread = randInt(r, 1, 4) === 1 ? 5 : 1e9; // some arrays full of ties
      const values = Array.from({ length: n }, () => Math.floor(r() * spread) * (r() < 0.1 ? 1000 : 1));
      expect(percentile(values, 95), `n=${n}`).toBe(bruteForceP95(values));
    }
  });

  it('takes rank ceil(p/100 · n), without floating-point off-by-ones', () => {
    const v = Array.from({ length: 20 }, (_, i) => i + 1);
    expect(percentile(v, 95)).toBe(19);
    // 0.07 × 100 = 7.000000000000001 in floating point: a naive ceil takes rank 8.
    expect(percentile(Array.from({ length: 100 }, (_, i) => i + 1), 7)).toBe(7);
    expect(percentile(Array.from({ length: 100 }, (_, i) => 100 - i), 95)).toBe(95);
    expect(percentile([7, 3, 5], 95)).toBe(7);
    expect(percentile([42], 95)).toBe(42);
  });

  it('sorts numerically, not as text', () => {
    expect(percentile([9, 10, 100, 2, 1000, 30], 50)).toBe(10);
  });

  it('is 0 for no values', () => {
    expect(percentile([], 95)).toBe(0);
  });
});

describe('peak', () => {
  it('is the largest value, 0 for none', () => {
    expect(peak([3, 9e9, 2])).toBe(9e9);
    expect(peak([])).toBe(0);
  });
});

describe('percentileAndPeak (selection, no sort)', () => {
  it('equals the sorted array\'s nearest rank and last value for random arrays, ties, sorted and reversed input', () => {
    const r = rng(95);
    for (let k = 0; k < 3000; k++) {
      const n = randInt(r, 1, 700);
      const spread = [1, 3, 1e6, 1e12][randInt(r, 0, 3)];
      let values = Array.from({ length: n }, () => Math.floor(r() * spread) / (r() < 0.2 ? 7 : 1));
      const order = randInt(r, 0, 3);
      if (order === 1) values = values.sort((a, b) => a - b);
      if (order === 2) values = values.sort((a, b) => b - a);
      const p = [95, 50, 1, 100, 7][randInt(r, 0, 4)];
      const sorted = Float64Array.from(values).sort();
      const got = percentileAndPeak(values, p);
      expect(got.value, `n=${n} p=${p}`).toBe(percentileOfSorted(sorted, p));
      expect(got.peak).toBe(sorted[n - 1]);
    }
  });

  it('leaves its input as it was and gives 0 and 0 for no values', () => {
    const v = [5, 1, 4, 2, 3];
    expect(percentileAndPeak(v, 95)).toEqual({ value: 5, peak: 5 });
    expect(v).toEqual([5, 1, 4, 2, 3]);
    expect(percentileAndPeak([], 95)).toEqual({ value: 0, peak: 0 });
  });

  it('orders NaN and -0 as a sort does', () => {
    expect(percentileAndPeak([1, NaN, 2], 50)).toEqual({ value: 2, peak: NaN });
    expect(Object.is(percentileAndPeak([0, -0, -0], 50).value, -0)).toBe(true);
  });
});
