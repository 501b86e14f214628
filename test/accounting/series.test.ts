import { describe, expect, it } from 'vitest';
import type { CounterPoint } from '../../collector/accounting/counters.js';
import { describeFlags, mergeFlags, seriesBuckets } from '../../collector/accounting/series.js';

const T0 = Date.UTC(2026, 2, 10, 2, 0, 0); // a bucket edge
const sum = (xs: bigint[]) => xs.reduce((a, b) => a + b, 0n);

function poll(ts: number, inOctets: bigint, uptime: number, bits: 64 | 32 = 64, speedBps?: number): CounterPoint {
  return { ts, inOctets, outOctets: inOctets / 2n, bits, uptime, ...(speedBps ? { speedBps } : {}) };
}

describe('seriesBuckets', () => {
  it('bridges a 3-hour gap: the bytes are kept, the gap covers nothing', () => {
    const pts: CounterPoint[] = [];
    let c = 10_000n;
    for (let i = 0; i <= 60; i++) pts.push(poll(T0 + i * 60_000, (c += 1_000_000n), 100_000 + i * 6000));
    const afterGap = T0 + 60 * 60_000 + 3 * 3_600_000;
    for (let i = 0; i <= 60; i++) pts.push(poll(afterGap + i * 60_000, (c += i === 0 ? 10_800_000_000n : 1_000_000n), 100_000 + (240 + i) * 6000));
    const { buckets, flags } = seriesBuckets(pts, { maxGapMs: 600_000 });
    expect(sum(buckets.map((b) => b.inBytes))).toBe(pts[pts.length - 1].inOctets - pts[0].inOctets);
    expect(buckets.reduce((a, b) => a + b.coveredMs, 0)).toBe(2 * 3_600_000);
    expect(flags).toMatchObject({ gaps: 1, pairs: 121, reboots: 0 });
    // A bucket in the middle of the gap carries its share of the gap's bytes.
    const mid = buckets.find((b) => b.bucket === T0 + 2 * 3_600_000)!;
    expect(mid).toMatchObject({ inBytes: 300_000_000n, coveredMs: 0 });
  });

  it('counts a reboot mid-series from zero and never repeats an earlier delta', () => {
    const pts = [
      poll(T0, 5_000n, 900_000),
      poll(T0 + 60_000, 8_000n, 906_000),
      poll(T0 + 120_000, 700n, 3_000), // rebooted 30 s ago
      poll(T0 + 180_000, 1_900n, 9_000),
    ];
    const { buckets, flags } = seriesBuckets(pts);
    expect(sum(buckets.map((b) => b.inBytes))).toBe(3_000n + 700n + 1_200n);
    expect(flags.reboots).toBe(1);
    expect(describeFlags(flags, 'en').join(' ')).toMatch(/rebooted 1 time/);
    expect(describeFlags(flags).join(' ')).toMatch(/dinyalakan ulang 1 kali/);
  });

  it('counts ambiguous pairs and says so in the uplink flags', () => {
    const pts = [poll(T0, 1n, 1000, 32, 1e9), poll(T0 + 60_000, 2n, 7000, 32, 1e9), poll(T0 + 90_000, 3n, 10_000, 32, 1e9)];
    const { flags } = seriesBuckets(pts);
    expect(flags).toMatchObject({ ambiguous: 1, ambiguousSpeedBps: 1e9 });
    expect(describeFlags(flags, 'en')[0]).toMatch(/^32-bit counters polled too slowly for 1000 Mbit\/s/);
  });

  it('sorts the samples and ignores a repeated timestamp', () => {
    const pts = [poll(T0 + 60_000, 300n, 7000), poll(T0, 100n, 1000), poll(T0 + 60_000, 999_999n, 7000)];
    const { buckets } = seriesBuckets(pts);
    expect(sum(buckets.map((b) => b.inBytes))).toBe(200n);
  });

  it('returns only the buckets of the range asked for, with the same parts', () => {
    const pts = [poll(T0 + 1234, 0n, 0), poll(T0 + 1_234_567, 987_654_321n, 100_000)];
    const all = seriesBuckets(pts).buckets;
    const some = seriesBuckets(pts, { from: T0 + 600_000, to: T0 + 900_000 }).buckets;
    expect(some).toEqual(all.filter((b) => b.bucket === T0 + 600_000));
    expect(mergeFlags(seriesBuckets(pts).flags, seriesBuckets(pts).flags).pairs).toBe(2);
  });
});
