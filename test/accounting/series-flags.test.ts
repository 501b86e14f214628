// The data-quality flags of a series (wraps, resets, reboots, width changes, sysUpTime wraps,
// ambiguous pairs, gaps) counted exactly, merged, and written as the uplink's notes in both
// languages, word for word (mutation testing found them counted and printed without a test).
import { describe, expect, it } from 'vitest';
import type { CounterPoint } from '../../collector/accounting/counters.js';
import { pairBuckets, allocate, isBucketAligned, sumBuckets } from '../../collector/accounting/buckets.js';
import { describeFlags, emptyFlags, mergeFlags, seriesBuckets } from '../../collector/accounting/series.js';

const T0 = Date.UTC(2026, 2, 10, 2, 0, 0); // a bucket edge
const MIN = 60_000;
const TWO_32 = 2n ** 32n;
const pt = (k: number, inOctets: bigint, outOctets: bigint, extra: Partial<CounterPoint> = {}): CounterPoint => ({ ts: T0 + k * MIN, inOctets, outOctets, bits: 64, uptime: 1_000_000 + k * 6000, ...extra });

describe('seriesBuckets: flags', () => {
  it('counts each kind of pair once, and a pair whose directions differ under both kinds', () => {
    const pts: CounterPoint[] = [
      pt(0, 1000n, 1000n),
      pt(1, 2000n, 2000n), // normal
      pt(2, 500n, 3000n), // in reset (64-bit), out normal
      pt(3, 100n, 50n), // both reset
      pt(4, 200n, 60n, { uptime: 10 }), // reboot
      pt(5, 5n, 5n, { bits: 32, uptime: 6010 }), // rebase (64 → 32)
      pt(6, TWO_32 - 10n, 6n, { bits: 32, uptime: 12_010, speedBps: 1e9 }),
      pt(7, 20n, 7n, { bits: 32, uptime: 18_010, speedBps: 1e9 }), // in wrap, out normal; this pair and the one before are ambiguous (1 Gbit/s, 60 s)
      pt(30, 40n, 8n, { bits: 32, uptime: 156_010, speedBps: 1e6 }), // a 23-minute gap
    ];
    const { flags } = seriesBuckets(pts, { maxGapMs: 600_000 });
    expect(flags).toEqual({ pairs: 8, wraps: 1, resets: 2, reboots: 1, rebases: 1, uptimeWraps: 0, ambiguous: 2, ambiguousSpeedBps: 1e9, gaps: 1 });
  });

  it('does not count a gap of exactly the coverage gap', () => {
    const { flags } = seriesBuckets([pt(0, 1n, 1n), pt(10, 2n, 2n)], { maxGapMs: 600_000 });
    expect(flags.gaps).toBe(0);
  });

  it('counts a sysUpTime wrap and keeps the highest speed of the ambiguous pairs', () => {
    const pts: CounterPoint[] = [
      pt(0, 1n, 1n, { uptime: 2 ** 32 - 3000 }),
      pt(1, 2n, 2n, { uptime: 3000 }), // sysUpTime wrapped
      { ts: T0 + 2 * MIN, inOctets: 3n, outOctets: 3n, bits: 32, uptime: 9000, speedBps: 1e9 },
      { ts: T0 + 3 * MIN, inOctets: 4n, outOctets: 4n, bits: 32, uptime: 15_000, speedBps: 2e9 },
      { ts: T0 + 4 * MIN, inOctets: 5n, outOctets: 5n, bits: 32, uptime: 21_000, speedBps: 1e9 },
    ];
    const { flags } = seriesBuckets(pts);
    expect(flags).toEqual({ pairs: 4, wraps: 0, resets: 0, reboots: 0, rebases: 1, uptimeWraps: 1, ambiguous: 2, ambiguousSpeedBps: 2e9, gaps: 0 });
  });

  it('counts a pair whose in counter wrapped and whose out counter reset under both kinds', () => {
    const pts: CounterPoint[] = [
      { ts: T0, inOctets: TWO_32 - 10n, outOctets: 3_000_000_000n, bits: 32, uptime: 1000, speedBps: 10e6 },
      { ts: T0 + MIN, inOctets: 20n, outOctets: 5n, bits: 32, uptime: 7000, speedBps: 10e6 }, // out: 1.3 GB in 60 s at 10 Mbit/s is a reset
    ];
    expect(seriesBuckets(pts).flags).toMatchObject({ pairs: 1, wraps: 1, resets: 1 });
  });

  it('counts only the pairs inside the range asked for', () => {
    const pts = [pt(0, 1n, 1n), pt(10, 2n, 2n), pt(20, 3n, 3n), pt(30, 4n, 4n)];
    const { flags, buckets } = seriesBuckets(pts, { from: T0 + 10 * MIN, to: T0 + 20 * MIN });
    expect(flags.pairs).toBe(1);
    expect(buckets.map((b) => (b.bucket - T0) / 300_000)).toEqual([2, 3]);
  });

  it('returns its buckets in time order', () => {
    const { buckets } = seriesBuckets([pt(12, 30n, 3n), pt(0, 10n, 1n), pt(6, 20n, 2n)]);
    expect(buckets.map((b) => (b.bucket - T0) / 300_000)).toEqual([0, 1, 2]);
  });
});

describe('mergeFlags', () => {
  it('adds the counts and keeps the higher ambiguous speed, none when neither had one', () => {
    const a = { ...emptyFlags(), pairs: 3, wraps: 1, resets: 2, reboots: 1, rebases: 1, uptimeWraps: 1, ambiguous: 1, ambiguousSpeedBps: 1e9, gaps: 2 };
    const b = { ...emptyFlags(), pairs: 4, wraps: 2, ambiguous: 1, ambiguousSpeedBps: 3e8, gaps: 1 };
    expect(mergeFlags(a, b)).toEqual({ pairs: 7, wraps: 3, resets: 2, reboots: 1, rebases: 1, uptimeWraps: 1, ambiguous: 2, ambiguousSpeedBps: 1e9, gaps: 3 });
    expect(mergeFlags(b, a).ambiguousSpeedBps).toBe(1e9);
    expect(mergeFlags(emptyFlags(), emptyFlags())).toEqual(emptyFlags());
    expect('ambiguousSpeedBps' in mergeFlags(emptyFlags(), emptyFlags())).toBe(false);
  });
});

describe('describeFlags', () => {
  const all = { ...emptyFlags(), pairs: 10, ambiguous: 2, ambiguousSpeedBps: 1e9, reboots: 1, resets: 3, rebases: 1, gaps: 2 };

  it('writes one Indonesian note per kind, by default', () => {
    expect(describeFlags(all)).toEqual([
      'penghitung 32-bit dibaca terlalu jarang untuk 1000 Mbit/s: wrap tidak dapat dibedakan dari reset (2 interval); volume mungkin kurang terhitung',
      'perangkat dinyalakan ulang 1 kali: dihitung dari nol setelah setiap reboot',
      'penghitung direset 3 kali: dihitung dari nol setelah setiap reset',
      'lebar penghitung berubah 1 kali: interval tersebut tidak dihitung',
      '2 jeda antar sampel: byte tetap dihitung, cakupan berkurang',
    ]);
  });

  it('writes the same notes in English on request', () => {
    expect(describeFlags(all, 'en')).toEqual([
      '32-bit counters polled too slowly for 1000 Mbit/s: wraps cannot be told from resets (2 intervals); volume may be undercounted',
      'device rebooted 1 time(s): counted from zero after each reboot',
      'counters reset 3 time(s): counted from zero after each reset',
      'counter width changed 1 time(s): those intervals count nothing',
      '2 gap(s) between samples: bytes kept, coverage reduced',
    ]);
  });

  it('writes nothing for a clean series, and leaves the speed out when it is unknown', () => {
    expect([describeFlags(emptyFlags()), describeFlags(emptyFlags(), 'en')]).toEqual([[], []]);
    const noSpeed = { ...emptyFlags(), ambiguous: 1 };
    expect(describeFlags(noSpeed)[0]).toMatch(/^penghitung 32-bit dibaca terlalu jarang: wrap/);
    expect(describeFlags(noSpeed, 'en')[0]).toMatch(/^32-bit counters polled too slowly: wraps/);
  });
});

describe('buckets: edges', () => {
  it('puts a zero-length pair in the bucket holding its time, inside the range only', () => {
    const pair = { t0: T0 + 1000, t1: T0 + 1000, inBytes: 7n, outBytes: 3n };
    expect([...pairBuckets(pair)]).toEqual([{ bucket: T0, inBytes: 7n, outBytes: 3n, coveredMs: 0 }]);
    expect([...pairBuckets(pair, { from: T0 + 1000, to: T0 + 1001 })]).toHaveLength(1);
    expect([...pairBuckets(pair, { from: T0 + 1001 })]).toEqual([]);
    expect([...pairBuckets(pair, { to: T0 + 1000 })]).toEqual([]);
    expect([allocate(7n, T0, T0, T0, T0 + 1), allocate(7n, T0, T0, T0 - 1, T0), allocate(7n, T0, T0, T0 + 1, T0 + 2)]).toEqual([7n, 0n, 0n]);
  });

  it('takes the part of a range at the pair ends exactly: nothing up to t0, everything from t1', () => {
    expect([allocate(600n, T0, T0 + 600, T0 - 100, T0), allocate(600n, T0, T0 + 600, T0 + 600, T0 + 700)]).toEqual([0n, 0n]);
    expect([allocate(600n, T0, T0 + 600, T0, T0 + 1), allocate(600n, T0, T0 + 600, T0 + 599, T0 + 600)]).toEqual([1n, 1n]);
    expect(allocate(600n, T0, T0 + 600, T0 + 300, T0 + 300)).toBe(0n);
  });

  it('names what it refuses', () => {
    expect(() => allocate(-1n, T0, T0 + 1, T0, T0 + 1)).toThrow('allocate: expected a non-negative increase, found -1');
    expect(() => allocate(1n, T0 + 0.5, T0 + 1, T0, T0 + 1)).toThrow(`allocate: expected integer ms with t0 <= t1, found ${T0 + 0.5}, ${T0 + 1}`);
    expect(() => allocate(1n, T0, T0 + 0.5, T0, T0 + 1)).toThrow(RangeError);
    expect(allocate(1n, T0, T0, T0, T0 + 1)).toBe(1n); // t0 = t1 is allowed
  });

  it('gives nothing for a range that ends before it starts or has no length', () => {
    expect(allocate(600n, T0, T0 + 600, T0 + 300, T0 + 200)).toBe(0n);
    const pair = { t0: T0, t1: T0 + 1000, inBytes: 10n, outBytes: 10n };
    expect([...pairBuckets(pair, { from: T0 + 2000 })]).toEqual([]); // from after the pair, same bucket
    expect([...pairBuckets(pair, { from: T0 + 1000 })]).toEqual([]); // from at its end
    expect([...pairBuckets(pair, { to: T0 })]).toEqual([]);
  });

  it('covers the time of a pair exactly as long as the coverage gap, not of a longer one', () => {
    const at = (len: number) => [...pairBuckets({ t0: T0, t1: T0 + len, inBytes: 1n, outBytes: 1n }, { maxGapMs: 600_000 })].reduce((a, b) => a + b.coveredMs, 0);
    expect([at(600_000), at(600_001)]).toEqual([600_000, 0]);
  });

  it('sums the buckets of several uplinks per bucket, in time order', () => {
    const b = (k: number, n: bigint) => ({ bucket: T0 + k * 300_000, inBytes: n, outBytes: n, coveredMs: 1 });
    expect(sumBuckets([[b(2, 1n), b(3, 1n)], [b(0, 5n), b(2, 2n)]])).toEqual([b(0, 5n), { ...b(2, 3n), coveredMs: 2 }, b(3, 1n)]);
  });

  it('takes only whole multiples of 5 minutes as bucket edges', () => {
    expect([isBucketAligned(T0), isBucketAligned(T0 + 1), isBucketAligned(T0 + 0.5), isBucketAligned(Number.NaN)]).toEqual([true, false, false, false]);
  });
});
