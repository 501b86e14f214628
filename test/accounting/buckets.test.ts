import { describe, expect, it } from 'vitest';
import { allocate, BUCKET_MS, bucketOf, isBucketAligned, pairBuckets, sumBuckets } from '../../collector/accounting/buckets.js';
import { monthRange } from '../../collector/accounting/months.js';
import { randBig, randInt, rng } from './rng.js';

const sum = (xs: bigint[]) => xs.reduce((a, b) => a + b, 0n);

describe('allocate', () => {
  it('gives the parts of any partition of a pair that sum exactly to its increase', () => {
    const r = rng(7);
    for (let k = 0; k < 500; k++) {
      const t0 = randInt(r, 0, 1e12);
      const t1 = t0 + randInt(r, 1, 5e7);
      const delta = randBig(r, randInt(r, 1, 64));
      const cuts = Array.from({ length: randInt(r, 0, 6) }, () => randInt(r, t0 - 1000, t1 + 1000)).sort((a, b) => a - b);
      const edges = [t0 - 5000, ...cuts, t1 + 5000];
      const parts = edges.slice(1).map((e, i) => allocate(delta, t0, t1, edges[i], e));
      expect(sum(parts)).toBe(delta);
      for (const part of parts) expect(part >= 0n).toBe(true);
    }
  });

  it('equals the contract formula floor(Δ·(min(to,t1)−t0)/(t1−t0)) − floor(Δ·(max(from,t0)−t0)/(t1−t0)) for any range', () => {
    // The formula written out here, in bigints throughout: allocate's shortcuts (a pair inside
    // or outside the range) must give exactly what it gives.
    const formula = (d: bigint, t0: number, t1: number, from: number, to: number) => {
      if (to <= from) return 0n;
      const c = (t: number) => BigInt(Math.min(Math.max(t, t0), t1) - t0);
      return (d * c(to)) / BigInt(t1 - t0) - (d * c(from)) / BigInt(t1 - t0);
    };
    const r = rng(11);
    for (let k = 0; k < 3000; k++) {
      const t0 = randInt(r, 0, 1e12);
      const t1 = t0 + randInt(r, 1, k % 3 === 0 ? 1e6 : 600_000);
      const delta = randBig(r, randInt(r, 1, 64));
      const from = randInt(r, t0 - 700_000, t1 + 100_000);
      const to = from + randInt(r, 0, k % 2 ? 300_000 : 2e6);
      expect([k, allocate(delta, t0, t1, from, to)]).toEqual([k, formula(delta, t0, t1, from, to)]);
    }
    // The edges themselves: a range ending at t1, starting at t0, at t1, ending at t0.
    for (const [from, to] of [[0, 200], [100, 200], [200, 300], [0, 100], [100, 100]] as const) expect(allocate(1000n, 100, 200, from, to)).toBe(formula(1000n, 100, 200, from, to));
  });

  it('splits in proportion to time, flooring the cumulative share', () => {
    // 1000 bytes over 3 ms: cumulative 333, 666, 1000 → parts 333, 333, 334
    expect([0, 1, 2].map((i) => allocate(1000n, 0, 3, i, i + 1))).toEqual([333n, 333n, 334n]);
    expect(allocate(1000n, 0, 3, 0, 2)).toBe(666n);
  });

  it('gives nothing to a range outside the pair or an empty range', () => {
    expect(allocate(1000n, 100, 200, 0, 100)).toBe(0n);
    expect(allocate(1000n, 100, 200, 200, 300)).toBe(0n);
    expect(allocate(1000n, 100, 200, 150, 150)).toBe(0n);
    expect(allocate(1000n, 100, 200, 0, 1000)).toBe(1000n);
  });

  it('stays exact for increases above 2^62', () => {
    const delta = 2n ** 63n + 12_345n;
    const parts = [0, 1, 2, 3, 4, 5, 6].map((i) => allocate(delta, 0, 7, i, i + 1));
    expect(sum(parts)).toBe(delta);
    expect(parts[0]).toBe(delta / 7n);
  });

  it('refuses a negative increase and reversed times', () => {
    expect(() => allocate(-1n, 0, 10, 0, 10)).toThrow(RangeError);
    expect(() => allocate(1n, 10, 0, 0, 10)).toThrow(RangeError);
  });
});

describe('pairBuckets', () => {
  const t0 = Date.UTC(2026, 4, 3, 10, 2, 17, 123);
  const pair = { t0, t1: t0 + 17 * 60_000 + 4_321, inBytes: 9_876_543_210n, outBytes: 7n };

  it('covers each 5-minute bucket the pair touches, with its overlap in ms', () => {
    const parts = [...pairBuckets(pair)];
    expect(parts.map((b) => b.bucket)).toEqual([0, 1, 2, 3].map((i) => bucketOf(t0) + i * BUCKET_MS));
    expect(sum(parts.map((b) => b.inBytes))).toBe(pair.inBytes);
    expect(sum(parts.map((b) => b.outBytes))).toBe(pair.outBytes);
    expect(parts.reduce((a, b) => a + b.coveredMs, 0)).toBe(pair.t1 - pair.t0);
    expect(parts[0].coveredMs).toBe(bucketOf(t0) + BUCKET_MS - t0);
  });

  it('gives the same part for a bucket whether computed alone or with the whole pair', () => {
    const whole = [...pairBuckets(pair)];
    for (const b of whole) {
      const alone = [...pairBuckets(pair, { from: b.bucket, to: b.bucket + BUCKET_MS })];
      expect(alone).toEqual([b]);
    }
  });

  it('keeps the bytes of a pair longer than the coverage gap but covers nothing', () => {
    const long = { t0, t1: t0 + 3 * 3_600_000, inBytes: 1_000_000n, outBytes: 0n };
    const parts = [...pairBuckets(long, { maxGapMs: 600_000 })];
    expect(parts.length).toBe(37);
    expect(sum(parts.map((b) => b.inBytes))).toBe(1_000_000n);
    expect(parts.every((b) => b.coveredMs === 0)).toBe(true);
  });

  it('adds buckets of several uplinks per bucket', () => {
    const a = [{ bucket: 0, inBytes: 1n, outBytes: 2n, coveredMs: 10 }, { bucket: BUCKET_MS, inBytes: 5n, outBytes: 0n, coveredMs: 5 }];
    const b = [{ bucket: BUCKET_MS, inBytes: 7n, outBytes: 1n, coveredMs: 3 }];
    expect(sumBuckets([a, b])).toEqual([a[0], { bucket: BUCKET_MS, inBytes: 12n, outBytes: 1n, coveredMs: 8 }]);
  });
});

describe('month boundaries', () => {
  it('fall on 5-minute bucket edges in WIB, WITA, WIT and in 30- and 45-minute offset zones', () => {
    for (const tz of ['Asia/Jakarta', 'Asia/Makassar', 'Asia/Jayapura', 'Asia/Kolkata', 'Asia/Kathmandu', 'Pacific/Chatham']) {
      for (let y = 2024; y <= 2027; y++)
        for (let m = 1; m <= 12; m++) {
          const { from, to } = monthRange(`${y}-${String(m).padStart(2, '0')}`, tz);
          expect(isBucketAligned(from) && isBucketAligned(to), `${tz} ${y}-${m}`).toBe(true);
        }
    }
  });

  it('split a pair straddling local midnight of the 1st in Asia/Makassar by time, exactly', () => {
    const feb = monthRange('2026-02', 'Asia/Makassar');
    const mar = monthRange('2026-03', 'Asia/Makassar');
    expect(mar.from).toBe(Date.UTC(2026, 1, 28, 16, 0));
    expect(feb.to).toBe(mar.from);
    const t0 = mar.from - 137_000;
    const t1 = mar.from + 251_000;
    const delta = 2n ** 62n + 999n;
    const inFeb = allocate(delta, t0, t1, feb.from, feb.to);
    const inMar = allocate(delta, t0, t1, mar.from, mar.to);
    expect(inFeb + inMar).toBe(delta);
    expect(inFeb).toBe((delta * 137_000n) / 388_000n);
    // The month split equals the bucket split: the buckets before midnight hold exactly Feb's part.
    const parts = [...pairBuckets({ t0, t1, inBytes: delta, outBytes: 0n })];
    expect(sum(parts.filter((b) => b.bucket < mar.from).map((b) => b.inBytes))).toBe(inFeb);
    expect(sum(parts.filter((b) => b.bucket >= mar.from).map((b) => b.inBytes))).toBe(inMar);
  });
});
