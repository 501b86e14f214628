import { describe, expect, it } from 'vitest';
import type { UsageBucket } from '../../collector/accounting/buckets.js';
import { countedBytes, evaluateOpd, figuresOf, type EvaluateInput, type EvaluationOptions } from '../../collector/accounting/evaluate.js';
import { monthRange } from '../../collector/accounting/months.js';

const OPTS: EvaluationOptions = { warnVolumePct: 80, warnRatePct: 90, increaseAbovePct: 85, increaseMonths: 2, decreaseBelowPct: 30, months: 3 };
const MAR = monthRange('2026-03', 'Asia/Makassar');
const B = 300_000;

/** Buckets from MAR.from, one per rate (bit/s, both directions given), fully covered. */
function rated(rates: [number, number][], start = MAR.from): UsageBucket[] {
  return rates.map(([i, o], k) => ({ bucket: start + k * B, inBytes: BigInt((i * 300) / 8), outBytes: BigInt((o * 300) / 8), coveredMs: B }));
}

function input(over: Partial<EvaluateInput> = {}): EvaluateInput {
  return {
    opd: { id: 'dinkes', name: 'Dinas Kesehatan', quota: { volumeGB: 1, rateMbps: 10 } },
    month: '2026-03',
    range: MAR,
    now: MAR.to + 86_400_000,
    uplinks: [],
    options: OPTS,
    ...over,
  };
}

describe('evaluateOpd: volumes and coverage', () => {
  it('sums the uplinks and counts the quota direction', () => {
    const a = [{ bucket: MAR.from, inBytes: 700n, outBytes: 100n, coveredMs: B }];
    const b = [{ bucket: MAR.from + B, inBytes: 50n, outBytes: 400n, coveredMs: B }];
    const u = evaluateOpd(input({ uplinks: [{ device: 'r1', interface: 'ether1', buckets: a }, { device: 'r2', interface: 'ether2', buckets: b, flags: ['x'] }] }));
    expect([u.inBytes, u.outBytes, u.totalBytes, u.countedBytes]).toEqual(['750', '500', '1250', '1250']);
    expect(u.uplinks.map((x) => [x.device, x.inBytes, x.outBytes, x.flags])).toEqual([['r1', '700', '100', []], ['r2', '50', '400', ['x']]]);
    expect([countedBytes('in', 750n, 500n), countedBytes('out', 750n, 500n), countedBytes('max', 750n, 500n), countedBytes('max', 1n, 2n)]).toEqual([750n, 500n, 750n, 2n]);
    const max = evaluateOpd(input({ opd: { id: 'x', name: 'X', quota: { volumeGB: 1, direction: 'max' } }, uplinks: [{ device: 'r', interface: 'e', buckets: [...a, ...b] }] }));
    expect([max.countedBytes, max.quota.direction]).toEqual(['750', 'max']);
  });

  it('ignores buckets outside the month', () => {
    const bs = [{ bucket: MAR.from - B, inBytes: 1000n, outBytes: 0n, coveredMs: B }, { bucket: MAR.from, inBytes: 1n, outBytes: 0n, coveredMs: B }, { bucket: MAR.to, inBytes: 1000n, outBytes: 0n, coveredMs: B }];
    expect(evaluateOpd(input({ uplinks: [{ device: 'r', interface: 'e', buckets: bs }] })).inBytes).toBe('1');
  });

  it('reduces coverage for a bridged 3-hour gap but keeps its bytes', () => {
    const now = MAR.from + 5 * 3_600_000;
    const bs: UsageBucket[] = [];
    for (let k = 0; k < 60; k++) bs.push({ bucket: MAR.from + k * B, inBytes: 1000n, outBytes: 0n, coveredMs: k < 12 || k >= 48 ? B : 0 });
    const u = evaluateOpd(input({ now, uplinks: [{ device: 'r', interface: 'e', buckets: bs }] }));
    expect(u.inBytes).toBe('60000');
    expect(u.coverage).toBeCloseTo(2 / 5, 12);
    expect(u.uplinks[0].coverage).toBeCloseTo(2 / 5, 12);
  });

  it('averages coverage over uplinks and gives 0 without any', () => {
    const full = [{ bucket: MAR.from, inBytes: 1n, outBytes: 0n, coveredMs: B }];
    const u = evaluateOpd(input({ now: MAR.from + B, uplinks: [{ device: 'a', interface: 'e', buckets: full }, { device: 'b', interface: 'e', buckets: [] }] }));
    expect(u.coverage).toBe(0.5);
    expect(evaluateOpd(input()).coverage).toBe(0);
  });
});

const DAY = 86_400_000;
/** Fully covered buckets from `start` for `ms`, `bytesPerBucket` in each. */
function steady(start: number, ms: number, bytesPerBucket: bigint): UsageBucket[] {
  return Array.from({ length: ms / B }, (_, k) => ({ bucket: start + k * B, inBytes: bytesPerBucket, outBytes: 0n, coveredMs: B }));
}

describe('evaluateOpd: projection of the current month', () => {
  it('makes no projection from the first minute of a month, and says how much is observed', () => {
    const now = MAR.from + 60_000;
    const bs = [{ bucket: MAR.from, inBytes: 6_000_000n, outBytes: 0n, coveredMs: 60_000 }];
    const u = evaluateOpd(input({ now, uplinks: [{ device: 'r', interface: 'e', buckets: bs }] }));
    expect(u.projectedBytes).toBeUndefined();
    expect(u.projection).toEqual({ basisFrom: MAR.from, basisTo: MAR.from + B, observedDays: 0, reason: 'belum diproyeksikan: baru 0 jam dari 3 hari teramati' });
    expect(u.status).toBe('ok');
    expect(u.recommendation.action).toBe('withheld');
  });

  it('projects counted bytes over the observed span once 3 days are observed', () => {
    // Observed from day 10 for 3 days, at 1 GB per bucket: 864 GB, 288 GB a day over 31 days.
    const start = MAR.from + 9 * DAY;
    const bs = steady(start, 3 * DAY, 10n ** 9n);
    const u = evaluateOpd(input({ now: start + 3 * DAY, opd: { id: 'd', name: 'D', quota: { volumeGB: 5_000 } }, uplinks: [{ device: 'r', interface: 'e', buckets: bs }] }));
    expect(u.projectedBytes).toBe((864n * 10n ** 9n * 31n / 3n).toString());
    expect(u.projection).toEqual({ basisFrom: start, basisTo: start + 3 * DAY, observedDays: 3, pct: 178.56 });
    // 17.28 % used so far, 178.56 % projected: a status of its own, not "ok" beside a projection.
    expect([u.usedPct.volume, u.status]).toEqual([17.28, 'projected_over']);
    // The unobserved first 9 days are named; their bytes are not in the volume.
    expect(u.unobserved).toEqual([{ from: MAR.from, to: start, counted: false }]);
    expect(u.observedFrom).toBe(start);
  });

  it('divides by no zero at the first instant: no data, no projection, coverage 0, rates finite', () => {
    const u = evaluateOpd(input({ now: MAR.from, uplinks: [{ device: 'r', interface: 'e', buckets: [] }] }));
    expect(u.projectedBytes).toBeUndefined();
    expect(u.coverage).toBe(0);
    expect([u.p95Bps.maxBps, u.peakBps.maxBps, u.usedPct.volume, u.usedPct.rate]).toEqual([0, 0, 0, 0]);
    expect(u.status).toBe('no_data');
  });

  it('sets no projection once the month is over', () => {
    const bs = steady(MAR.from, 4 * DAY, 1000n);
    expect(evaluateOpd(input({ uplinks: [{ device: 'r', interface: 'e', buckets: bs }] })).projectedBytes).toBeUndefined();
    expect(evaluateOpd(input({ now: MAR.to - 1, uplinks: [{ device: 'r', interface: 'e', buckets: bs }] })).projectedBytes).toBe(((4n * 288n * 1000n * 31n) / 4n).toString());
  });
});

describe('evaluateOpd: rates', () => {
  it('takes p95 of the larger direction per bucket, which can exceed both directions’ p95', () => {
    const rates: [number, number][] = Array.from({ length: 40 }, () => [0, 0]);
    rates[3] = [8e6, 0];
    rates[9] = [8e6, 0];
    rates[20] = [0, 8e6];
    rates[30] = [0, 9e6];
    const u = evaluateOpd(input({ uplinks: [{ device: 'r', interface: 'e', buckets: rated(rates) }] }));
    expect(u.p95Bps).toEqual({ inBps: 0, outBps: 0, maxBps: 8e6 });
    expect(u.peakBps).toEqual({ inBps: 8e6, outBps: 9e6, maxBps: 9e6 });
  });

  it('sums the uplinks per bucket before taking rates', () => {
    const a = rated(Array.from({ length: 20 }, () => [4e6, 0] as [number, number]));
    const b = rated(Array.from({ length: 20 }, () => [2e6, 0] as [number, number]));
    const u = evaluateOpd(input({ uplinks: [{ device: 'a', interface: 'e', buckets: a }, { device: 'b', interface: 'e', buckets: b }] }));
    expect(u.p95Bps.inBps).toBe(6e6);
    expect(u.usedPct.rate).toBe(60);
  });

  it('leaves buckets reached only by a bridged gap out of p95 and peak', () => {
    const bs = rated([[1e6, 0], [1e6, 0], [50e6, 0]]);
    bs[2].coveredMs = 0;
    const u = evaluateOpd(input({ uplinks: [{ device: 'r', interface: 'e', buckets: bs }] }));
    expect(u.peakBps.inBps).toBe(1e6);
    expect(u.inBytes).toBe(String(BigInt(52e6 * 300 / 8)));
  });
});

describe('evaluateOpd: status', () => {
  const vol = (bytes: bigint) => evaluateOpd(input({ opd: { id: 'o', name: 'O', quota: { volumeGB: 1 } }, uplinks: [{ device: 'r', interface: 'e', buckets: [{ bucket: MAR.from, inBytes: bytes, outBytes: 0n, coveredMs: B }] }] }));
  const rate = (bps: number) => evaluateOpd(input({ opd: { id: 'o', name: 'O', quota: { rateMbps: 10 } }, uplinks: [{ device: 'r', interface: 'e', buckets: rated(Array.from({ length: 20 }, () => [bps, 0] as [number, number])) }] }));

  it('warns above warnVolumePct of the volume and is over at 100 %', () => {
    expect(vol(800_000_000n).status).toBe('ok');
    expect(vol(800_000_001n).status).toBe('warning');
    expect(vol(999_999_999n).status).toBe('warning');
    expect(vol(1_000_000_000n)).toMatchObject({ status: 'over', usedPct: { volume: 100 } });
    expect(vol(1_000_000_000n).usedPct.rate).toBeUndefined();
  });

  it('warns when p95 is above warnRatePct of the rate and is over at 100 %', () => {
    expect(rate(9e6).status).toBe('ok');
    expect(rate(9.000_008e6)).toMatchObject({ status: 'warning' });
    expect(rate(10e6)).toMatchObject({ status: 'over', usedPct: { rate: 100 } });
  });

  it('is ok without a quota', () => {
    const u = evaluateOpd(input({ opd: { id: 'o', name: 'O' }, uplinks: [{ device: 'r', interface: 'e', buckets: rated([[1e9, 1e9]]) }] }));
    expect([u.status, u.usedPct, u.quota]).toEqual(['ok', {}, { direction: 'total' }]);
  });

  it('hands its figures on as history for later months', () => {
    const u = rate(5e6);
    expect(figuresOf(u, '2026-03')).toEqual({ month: '2026-03', p95Bps: 5e6, usedPctRate: 50, coverage: u.coverage, complete: true });
  });
});
