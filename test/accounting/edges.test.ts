// Edges of the accounting functions that mutation testing (npm run mutate, docs/TESTING.md)
// found unguarded: exact boundaries, ties, and values a device may leave out.
import { describe, expect, it } from 'vitest';
import { isAmbiguous32, isUptimeWrap, pairIncrease, type CounterPoint } from '../../collector/accounting/counters.js';
import { formatMonthKey, localWallMs, offsetAt, parseMonth } from '../../collector/accounting/months.js';
import { peak, percentile, percentileOfSorted } from '../../collector/accounting/percentile.js';
import { saturationEpisodes } from '../../collector/accounting/saturation.js';

const T0 = Date.UTC(2026, 2, 10, 3, 0, 0);
const TWO_32 = 2n ** 32n;
const p = (ts: number, inOctets: bigint, outOctets: bigint, extra: Partial<CounterPoint> = {}): CounterPoint => ({ ts, inOctets, outOctets, bits: 64, ...extra });

describe('pairIncrease: edges', () => {
  it('reports a plain rising pair with no extra flags', () => {
    expect(pairIncrease(p(T0, 1000n, 50n, { uptime: 100 }), p(T0 + 60_000, 1500n, 80n, { uptime: 6100 }))).toEqual({
      inBytes: 500n, outBytes: 30n, kind: 'normal', inKind: 'normal', outKind: 'normal',
    });
  });

  it('takes the pair as a wrap when only the out counter wrapped', () => {
    const r = pairIncrease(p(T0, 10n, TWO_32 - 1000n, { bits: 32, uptime: 100_000, speedBps: 1e9 }), p(T0 + 30_000, 20n, 500n, { bits: 32, uptime: 103_000, speedBps: 1e9 }));
    expect(r).toEqual({ inBytes: 10n, outBytes: 1500n, kind: 'wrap', inKind: 'normal', outKind: 'wrap' });
  });

  it('does not take a sysUpTime that did not move (a cached answer) for a reboot', () => {
    const r = pairIncrease(p(T0, 1000n, 2000n, { uptime: 50_000 }), p(T0 + 60_000, 1500n, 2100n, { uptime: 50_000 }));
    expect(r).toEqual({ inBytes: 500n, outBytes: 100n, kind: 'normal', inKind: 'normal', outKind: 'normal' });
  });

  it('takes a sysUpTime wrap with an idle out counter for a wrap, not a reboot', () => {
    const r = pairIncrease(p(T0, 1_000_000n, 2_000_000n, { uptime: 2 ** 32 - 3000 }), p(T0 + 60_000, 1_000_001n, 2_000_000n, { uptime: 3000 }));
    expect(r).toEqual({ inBytes: 1n, outBytes: 0n, kind: 'normal', inKind: 'normal', outKind: 'normal', uptimeWrapped: true });
  });

  it("uses the previous sample's speed when the new one has none", () => {
    // Ambiguity: 700 Mbit/s polled every 60 s, the speed known only from the earlier sample.
    const amb = pairIncrease(p(T0, 1n, 1n, { bits: 32, speedBps: 700e6 }), p(T0 + 60_000, 2n, 2n, { bits: 32 }));
    expect(amb.ambiguous).toBe(true);
    // A drop that would exceed 10 Mbit/s is a reset, with the speed known only from the earlier sample.
    const r = pairIncrease(p(T0, 3_000_000_000n, 5n, { bits: 32, uptime: 100_000, speedBps: 10e6 }), p(T0 + 60_000, 1_000_000n, 6n, { bits: 32, uptime: 106_000 }));
    expect(r).toMatchObject({ inBytes: 1_000_000n, inKind: 'reset' });
  });

  it('takes a 32-bit drop for a wrap when the speed is 0 or unknown (nothing to compare the rate with)', () => {
    for (const speedBps of [0, undefined]) {
      const r = pairIncrease(p(T0, TWO_32 - 100n, 0n, { bits: 32, speedBps }), p(T0 + 60_000, 50n, 0n, { bits: 32, speedBps }));
      expect([speedBps, r.inKind, r.inBytes]).toEqual([speedBps, 'wrap', 150n]);
    }
  });

  it('counts nothing in either direction when the counter width changes', () => {
    expect(pairIncrease(p(T0, 5n, 5n, { bits: 32 }), p(T0 + 60_000, 9n, 9n))).toEqual({ inBytes: 0n, outBytes: 0n, kind: 'rebase', inKind: 'rebase', outKind: 'rebase' });
  });

  it('names both timestamps when samples come out of order', () => {
    expect(() => pairIncrease(p(T0, 1n, 1n), p(T0 - 5, 2n, 2n))).toThrow(`found ${T0} then ${T0 - 5}`);
  });
});

describe('isUptimeWrap and isAmbiguous32: exact boundaries', () => {
  it('accepts an uptime wrap that differs from the clock by exactly 30 s, not by 30.01 s', () => {
    // 60 s gap = 6000 hundredths; 30 s = 3000 hundredths of tolerance (more than 10 % of the gap).
    expect(isUptimeWrap(2 ** 32 - 100, 5900 + 3000, 60_000)).toBe(true);
    expect(isUptimeWrap(2 ** 32 - 100, 5900 + 3001, 60_000)).toBe(false);
    expect(isUptimeWrap(2 ** 32 - 100, 5900 - 3000, 60_000)).toBe(true);
  });

  it('allows 10 % of a long gap: 6 minutes over an hour', () => {
    expect(isUptimeWrap(2 ** 32 - 100, 360_000 - 100 + 36_000, 3_600_000)).toBe(true);
    expect(isUptimeWrap(2 ** 32 - 100, 360_000 - 100 + 36_001, 3_600_000)).toBe(false);
  });

  it('never takes a sysUpTime that did not go down for a wrap, whatever the gap', () => {
    expect(isUptimeWrap(1000, 1000, 2 ** 32 * 10)).toBe(false);
  });

  it('flags a 32-bit counter as ambiguous only above 2^32 bytes per interval, not at it', () => {
    // 2^30 bit/s for 32 s = 2^30 × 32 / 8 bytes = 2^32 bytes exactly.
    expect(isAmbiguous32(2 ** 30, 32_000)).toBe(false);
    expect(isAmbiguous32(2 ** 30 + 1, 32_000)).toBe(true);
  });

  it('never flags a counter of speed 0, a negative or a non-number speed', () => {
    expect([isAmbiguous32(0, 3_600_000), isAmbiguous32(-1e9, 3_600_000), isAmbiguous32(Number.NaN, 3_600_000)]).toEqual([false, false, false]);
  });
});

describe('percentile and peak: edges', () => {
  it('refuses p above 100 or not a number, and takes the largest value at 100', () => {
    expect(() => percentile([1, 2, 3], 100.5)).toThrow('percentile: expected p between 0 and 100, found 100.5');
    expect(() => percentileOfSorted([1, 2, 3], Number.NaN)).toThrow(RangeError);
    expect(percentile([3, 1, 2], 100)).toBe(3);
  });

  it('is 0 for no values, as percentile and as peak', () => {
    expect([percentile([], 95), percentileOfSorted([], 95), peak([])]).toEqual([0, 0, 0]);
  });
});

describe('saturationEpisodes: ties', () => {
  const T = Date.UTC(2026, 2, 10, 2, 0);
  const B = 300_000;
  const at = (k: number, inMbps: number, outMbps: number) => ({ bucket: T + k * B, inBytes: BigInt((inMbps * 1e6 * 300) / 8), outBytes: BigInt((outMbps * 1e6 * 300) / 8) });

  it('names the in direction when the in rate is the peak', () => {
    expect(saturationEpisodes([at(0, 95, 10), at(1, 97, 20), at(2, 96, 30)], 100e6, 90, 15)).toEqual([{ from: T, to: T + 3 * B, minutes: 15, peakBps: 97e6, direction: 'in' }]);
  });

  it('names the in direction when both directions peak at the same rate', () => {
    expect(saturationEpisodes([at(0, 95, 95), at(1, 95, 95), at(2, 95, 95)], 100e6, 90, 15)[0].direction).toBe('in');
  });

  it('keeps the direction of the first bucket that reached the peak', () => {
    const [e] = saturationEpisodes([at(0, 97, 10), at(1, 10, 97), at(2, 95, 10)], 100e6, 90, 15);
    expect([e.peakBps, e.direction]).toEqual([97e6, 'in']);
  });
});

describe('months: edges', () => {
  it('refuses a month key with anything before or after YYYY-MM', () => {
    for (const bad of ['2026-03x', 'x2026-03', '2026-03-01']) expect(() => parseMonth(bad), bad).toThrow(/expected a month as YYYY-MM/);
  });

  it('accepts 1970-01, the first month it knows', () => {
    expect(parseMonth('1970-01')).toEqual({ year: 1970, month: 1 });
  });

  it('writes keys with four-digit years and two-digit months', () => {
    expect([formatMonthKey(2026, 3), formatMonthKey(987, 11)]).toEqual(['2026-03', '0987-11']);
  });

  it("keeps an instant's milliseconds in its local wall-clock time", () => {
    const ts = Date.UTC(2026, 1, 28, 17, 0, 0, 999); // 00:00:00.999 WIB on 1 March
    expect(localWallMs(ts, 'Asia/Jakarta')).toBe(Date.UTC(2026, 2, 1, 0, 0, 0, 999));
    expect(localWallMs(ts + 1, 'Asia/Jakarta')).toBe(Date.UTC(2026, 2, 1, 0, 0, 1, 0));
  });

  it('gives the UTC offset of WIB, WITA and WIT as local minus UTC', () => {
    const ts = Date.UTC(2026, 5, 15, 12, 34, 56, 789);
    expect(['Asia/Jakarta', 'Asia/Makassar', 'Asia/Jayapura'].map((tz) => offsetAt(ts, tz) / 3_600_000)).toEqual([7, 8, 9]);
  });
});
