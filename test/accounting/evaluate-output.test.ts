// evaluateOpd's whole output, field by field (toStrictEqual: a field present with the value
// undefined is not the same as a field left out), and how the evaluation hands its figures to
// the recommendation: history, completeness, over, no data. Every figure is computed by hand
// in the comments.
import { describe, expect, it } from 'vitest';
import type { UsageBucket } from '../../collector/accounting/buckets.js';
import { evaluateOpd, figuresOf, type EvaluateInput, type EvaluationOptions } from '../../collector/accounting/evaluate.js';
import { monthRange } from '../../collector/accounting/months.js';
import type { MonthFigures } from '../../collector/accounting/recommend.js';

const OPTS: EvaluationOptions = { warnVolumePct: 80, warnRatePct: 90, increaseAbovePct: 85, increaseMonths: 2, decreaseBelowPct: 30, months: 3 };
// March 2026 in Asia/Makassar (UTC+8): 2026-02-28T16:00Z to 2026-03-31T16:00Z, 31 days,
// 8 928 five-minute buckets.
const MAR = monthRange('2026-03', 'Asia/Makassar');
const B = 300_000;
const DAY = 86_400_000;
const MONTH_BUCKETS = 8928;
const plain = (s: string) => s.replace(/\u00a0/g, ' ');

/** `n` fully covered buckets from `start`, the same bytes in each. */
function steady(start: number, n: number, inBytes: bigint, outBytes = 0n): UsageBucket[] {
  return Array.from({ length: n }, (_, k) => ({ bucket: start + k * B, inBytes, outBytes, coveredMs: B }));
}

function input(over: Partial<EvaluateInput> = {}): EvaluateInput {
  return {
    opd: { id: 'dinkes', name: 'Dinas Kesehatan', quota: { volumeGB: 1, rateMbps: 10 } },
    month: '2026-03',
    range: MAR,
    now: MAR.to + DAY,
    uplinks: [],
    options: OPTS,
    ...over,
  };
}

const noDataBasis = (month: string) => ({ month, noData: true, coverage: 0 });

describe('evaluateOpd: the whole output', () => {
  it('of a fully observed past month on two uplinks that share every bucket', () => {
    // r1: 3 Mbit/s in, 1 Mbit/s out (112.5 MB and 37.5 MB a bucket); r2: 1 in, 4 out.
    // Summed per bucket: 4 Mbit/s in, 5 Mbit/s out, so p95 and peak are 4, 5 and 5 Mbit/s.
    const r1 = steady(MAR.from, MONTH_BUCKETS, 112_500_000n, 37_500_000n);
    const r2 = steady(MAR.from, MONTH_BUCKETS, 37_500_000n, 150_000_000n);
    const u = evaluateOpd(
      input({
        opd: { id: 'dinkes', name: 'Dinas Kesehatan', quota: { volumeGB: 5000, rateMbps: 10 } },
        uplinks: [
          { device: 'r1', interface: 'ether1', buckets: r1 },
          { device: 'r2', interface: 'ether2', buckets: r2, flags: ['x'] },
        ],
      }),
    );
    // in 8 928 × 150 MB = 1 339.2 GB, out 8 928 × 187.5 MB = 1 674 GB, total 3 013.2 GB:
    // 60.264 % of 5 000 GB; p95 5 Mbit/s is 50 % of 10 Mbit/s.
    expect(u).toStrictEqual({
      opd: 'dinkes',
      name: 'Dinas Kesehatan',
      inBytes: '1339200000000',
      outBytes: '1674000000000',
      totalBytes: '3013200000000',
      countedBytes: '3013200000000',
      coverage: 1,
      p95Bps: { inBps: 4e6, outBps: 5e6, maxBps: 5e6 },
      peakBps: { inBps: 4e6, outBps: 5e6, maxBps: 5e6 },
      quota: { volumeBytes: '5000000000000', rateBps: 10e6, direction: 'total' },
      usedPct: { volume: 60.26, rate: 50 },
      observedFrom: MAR.from,
      observedTo: MAR.to,
      unobserved: [],
      status: 'ok',
      recommendation: {
        action: 'keep',
        reason:
          'Pemakaian dalam batas alokasi (p95 50,0\u00a0% dari alokasi laju, volume 60,3\u00a0%); di atas 85,0\u00a0% pada 0 dari 3 bulan, 2 bulan tanpa data; alokasi dipertahankan.',
        coverage: 1,
        basis: [{ month: '2026-03', p95Bps: 5e6, usedPctRate: 50, usedPctVolume: 60.26, coverage: 1 }, noDataBasis('2026-02'), noDataBasis('2026-01')],
      },
      uplinks: [
        { device: 'r1', interface: 'ether1', inBytes: '1004400000000', outBytes: '334800000000', coverage: 1, flags: [] },
        { device: 'r2', interface: 'ether2', inBytes: '334800000000', outBytes: '1339200000000', coverage: 1, flags: ['x'] },
      ],
    });
  });

  it('of a past month without any sample: no_data, zeros, the whole month unobserved, no recommendation', () => {
    const u = evaluateOpd(input({ uplinks: [{ device: 'r1', interface: 'ether1', buckets: [] }] }));
    expect(u).toStrictEqual({
      opd: 'dinkes',
      name: 'Dinas Kesehatan',
      inBytes: '0',
      outBytes: '0',
      totalBytes: '0',
      countedBytes: '0',
      coverage: 0,
      p95Bps: { inBps: 0, outBps: 0, maxBps: 0 },
      peakBps: { inBps: 0, outBps: 0, maxBps: 0 },
      quota: { volumeBytes: '1000000000', rateBps: 10e6, direction: 'total' },
      usedPct: { volume: 0, rate: 0 },
      unobserved: [{ from: MAR.from, to: MAR.to, counted: false }],
      status: 'no_data',
      recommendation: {
        action: 'withheld',
        reason: 'Tidak ada data pemantauan pada bulan ini; alokasi tidak dapat dinilai.',
        coverage: 0,
        basis: [noDataBasis('2026-03'), noDataBasis('2026-02'), noDataBasis('2026-01')],
      },
      uplinks: [{ device: 'r1', interface: 'ether1', inBytes: '0', outBytes: '0', coverage: 0, flags: [] }],
    });
  });

  it('is no_data for an OPD without uplinks even when runs are passed', () => {
    const u = evaluateOpd(input({ runs: [{ from: MAR.from, to: MAR.from + DAY, covered: true }] }));
    expect([u.status, u.recommendation.action, u.coverage]).toEqual(['no_data', 'withheld', 0]);
  });

  it('from the sums the store gives (totals, rates and runs instead of buckets)', () => {
    // Two uplinks, 2 and 1 days covered of 31: coverage (2/31 + 1/31) / 2 = 3/62.
    const u = evaluateOpd(
      input({
        opd: { id: 'o', name: 'O', quota: { volumeGB: 1, rateMbps: 10, direction: 'out' } },
        uplinks: [
          { device: 'a', interface: 'e', buckets: [], totals: { inBytes: 900n, outBytes: 300n, coveredMs: 2 * DAY } },
          { device: 'b', interface: 'e', buckets: [], totals: { inBytes: 100n, outBytes: 700n, coveredMs: DAY } },
        ],
        // Per bucket the larger direction is 5 and 6 Mbit/s (the smaller: 1 and 1).
        rates: { inBps: Float64Array.from([5e6, 1e6]), outBps: Float64Array.from([1e6, 6e6]) },
        runs: [
          { from: MAR.from + 10 * DAY, to: MAR.from + 11 * DAY, covered: false },
          { from: MAR.from, to: MAR.from + 2 * DAY, covered: true },
        ],
      }),
    );
    expect([u.inBytes, u.outBytes, u.totalBytes, u.countedBytes]).toEqual(['1000', '1000', '2000', '1000']);
    expect(u.uplinks.map((x) => [x.inBytes, x.outBytes, x.coverage])).toEqual([
      ['900', '300', 2 / 31],
      ['100', '700', 1 / 31],
    ]);
    expect(u.coverage).toBe((2 / 31 + 1 / 31) / 2);
    expect(u.p95Bps).toStrictEqual({ inBps: 5e6, outBps: 6e6, maxBps: 6e6 });
    expect(u.peakBps).toStrictEqual({ inBps: 5e6, outBps: 6e6, maxBps: 6e6 });
    expect(u.usedPct).toStrictEqual({ volume: 0, rate: 60 });
    // The runs, not the (empty) buckets, say what was observed: days 3-10 and 12-31 unseen,
    // day 11 spanned by a pair of samples (bytes counted, rates unknown).
    expect([u.observedFrom, u.observedTo]).toEqual([MAR.from, MAR.from + 11 * DAY]);
    expect(u.unobserved).toStrictEqual([
      { from: MAR.from + 11 * DAY, to: MAR.to, counted: false },
      { from: MAR.from + 2 * DAY, to: MAR.from + 10 * DAY, counted: false },
      { from: MAR.from + 10 * DAY, to: MAR.from + 11 * DAY, counted: true },
    ]);
    expect(u.status).toBe('ok');
  });

  it('names a stretch only a pair of samples spans as counted, not as unseen', () => {
    // 5 hours into the month: 1 h of samples, 3 h bridged (coveredMs 0), 1 h of samples.
    const bs = steady(MAR.from, 60, 1000n).map((b, k) => (k >= 12 && k < 48 ? { ...b, coveredMs: 0 } : b));
    const u = evaluateOpd(input({ now: MAR.from + 5 * 3_600_000, uplinks: [{ device: 'r', interface: 'e', buckets: bs }] }));
    expect(u.unobserved).toStrictEqual([{ from: MAR.from + 12 * B, to: MAR.from + 48 * B, counted: true }]);
  });

  it('with a quota that rounds to 0 bytes and 0 bit/s: no percentage, and any use is over it', () => {
    const u = evaluateOpd(
      input({ opd: { id: 'o', name: 'O', quota: { volumeGB: 1e-10, rateMbps: 1e-7 } }, uplinks: [{ device: 'r', interface: 'e', buckets: steady(MAR.from, 1, 1000n) }] }),
    );
    expect(u.quota).toStrictEqual({ volumeBytes: '0', rateBps: 0, direction: 'total' });
    expect(u.usedPct).toStrictEqual({});
    expect(u.status).toBe('over');
  });
});

describe('evaluateOpd: the end of the month', () => {
  it('is complete at its end instant: no projection at `to`, one a millisecond before', () => {
    const bs = steady(MAR.from, 4 * 288, 1000n);
    const at = (now: number) => evaluateOpd(input({ now, uplinks: [{ device: 'r', interface: 'e', buckets: bs }] }));
    expect(at(MAR.to).projection).toBeUndefined();
    expect(at(MAR.to).projectedBytes).toBeUndefined();
    // 1 152 000 bytes counted over the 4 observed days: 8 928 000 over 31, 0.89 % of 1 GB.
    expect(at(MAR.to - 1).projection).toStrictEqual({ basisFrom: MAR.from, basisTo: MAR.from + 4 * DAY, observedDays: 4, pct: 0.89 });
    expect(at(MAR.to - 1).projectedBytes).toBe('8928000');
  });
});

describe('evaluateOpd: projection of the current month', () => {
  const now = MAR.from + 3 * DAY;
  // 3 days at 4 Mbit/s in: 864 buckets of 150 MB, 129.6 GB; over 31 days 1 339.2 GB.
  const bs = steady(MAR.from, 3 * 288, 150_000_000n);

  it('projects without a percentage when the OPD has only a rate quota, and is not projected_over', () => {
    const u = evaluateOpd(input({ now, opd: { id: 'o', name: 'O', quota: { rateMbps: 10 } }, uplinks: [{ device: 'r', interface: 'e', buckets: bs }] }));
    expect(u.projectedBytes).toBe('1339200000000');
    expect(u.projection).toStrictEqual({ basisFrom: MAR.from, basisTo: now, observedDays: 3 });
    expect([u.status, u.usedPct]).toEqual(['ok', { rate: 40 }]);
  });

  it('is not projected_over when the projection is exactly the quota, and is one byte above it', () => {
    const at = (volumeGB: number) => evaluateOpd(input({ now, opd: { id: 'o', name: 'O', quota: { volumeGB } }, uplinks: [{ device: 'r', interface: 'e', buckets: bs }] }));
    // 129.6 of 1 339.2 GB: 9.68 % used, 100 % projected.
    expect(at(1339.2)).toMatchObject({ status: 'ok', usedPct: { volume: 9.68 }, projection: { pct: 100 } });
    expect(at(1339.199999999).status).toBe('projected_over');
  });

  it('says how much is observed before it projects, in Indonesian and English', () => {
    // 36 hours of samples: 1.5 days of 3.
    const early = steady(MAR.from, 432, 1000n);
    const at = (language?: 'en' | 'id') =>
      evaluateOpd(input({ now: MAR.from + 36 * 3_600_000, uplinks: [{ device: 'r', interface: 'e', buckets: early }], options: { ...OPTS, language } }));
    expect(at('en').projection).toStrictEqual({ basisFrom: MAR.from, basisTo: MAR.from + 1.5 * DAY, observedDays: 1.5, reason: 'no projection yet: 1.5 days of 3 days observed' });
    expect(at().projection?.reason).toBe('belum diproyeksikan: baru 1,5 hari dari 3 hari teramati');
    expect(at('id').projection?.reason).toBe('belum diproyeksikan: baru 1,5 hari dari 3 hari teramati');
    expect(at('en').projectedBytes).toBeUndefined();
  });
});

describe('evaluateOpd: what the recommendation is given', () => {
  /** A fully observed March at `mbps` in, with a rate quota of 100 Mbit/s. */
  const march = (mbps: number, history?: MonthFigures[], now = MAR.to + DAY) =>
    evaluateOpd(
      input({
        now,
        opd: { id: 'o', name: 'O', quota: { rateMbps: 100 } },
        uplinks: [{ device: 'r', interface: 'e', buckets: steady(MAR.from, MONTH_BUCKETS, BigInt((mbps * 1e6 * 300) / 8)) }],
        history,
      }),
    );
  const past = (month: string, usedPctRate: number): MonthFigures => ({ month, p95Bps: usedPctRate * 1e6, usedPctRate, coverage: 1 });

  it('passes the earlier months: two months above 85 % are an increase', () => {
    const r = march(90, [past('2026-02', 88)]).recommendation;
    // the highest p95, 90 Mbit/s / 0.7 = 128.6 → 150 Mbit/s
    expect([r.action, r.suggestedRateBps]).toEqual(['increase', 150e6]);
    expect(r.basis).toStrictEqual([
      { month: '2026-03', p95Bps: 90e6, usedPctRate: 90, coverage: 1 },
      { month: '2026-02', p95Bps: 88e6, usedPctRate: 88, coverage: 1 },
      noDataBasis('2026-01'),
    ]);
    expect(march(90).recommendation.action).toBe('keep');
  });

  it('uses no history of the evaluated month itself or of later months', () => {
    const r = march(50, [past('2026-03', 99), past('2026-04', 99), past('2026-02', 99)]).recommendation;
    expect(r.action).toBe('keep');
    expect(r.basis[0]).toStrictEqual({ month: '2026-03', p95Bps: 50e6, usedPctRate: 50, coverage: 1 });
  });

  it('decreases after a complete month, but not while the month runs', () => {
    const history = [past('2026-02', 20), past('2026-01', 15)];
    // highest p95 20 Mbit/s / 0.7 = 28.6 → 30 Mbit/s
    expect(march(10, history).recommendation).toMatchObject({ action: 'decrease', suggestedRateBps: 30e6 });
    // A millisecond before the end, with every bucket of the month seen: 31 days observed.
    const running = march(10, history, MAR.to - 1).recommendation;
    expect(running.action).toBe('keep');
    expect(plain(running.reason)).toMatch(/^Sementara, berdasarkan 31 hari data: .*data bulan lengkap belum cukup untuk menyarankan penurunan\.$/);
  });

  it('advises an increase for a month over its volume quota whatever its coverage', () => {
    // One bucket of 2 GB against 1 GB: 200 %, coverage 5 min of 31 days. Suggested: 2 GB / 80 %
    // = 2.5 → 3 GB.
    const u = evaluateOpd(input({ opd: { id: 'o', name: 'O', quota: { volumeGB: 1 } }, uplinks: [{ device: 'r', interface: 'e', buckets: steady(MAR.from, 1, 2_000_000_000n) }] }));
    expect(u.status).toBe('over');
    expect(u.recommendation).toMatchObject({ action: 'increase', suggestedVolumeBytes: '3000000000' });
    expect(plain(u.recommendation.reason)).toBe('Pemakaian bulan ini melebihi alokasi (volume 200,0 %, dengan cakupan data 0,0 %); alokasi disarankan dinaikkan menjadi 3 GB per bulan.');
  });
});

describe('figuresOf', () => {
  it('hands on exactly the figures the evaluation has, and marks a month without data', () => {
    const volumeOnly = evaluateOpd(input({ opd: { id: 'o', name: 'O', quota: { volumeGB: 1 } }, uplinks: [{ device: 'r', interface: 'e', buckets: steady(MAR.from, 1, 250_000_000n) }] }));
    expect(volumeOnly.quota).toStrictEqual({ volumeBytes: '1000000000', direction: 'total' });
    // 250 MB in one bucket: 6.67 Mbit/s, 25 % of 1 GB.
    expect(figuresOf(volumeOnly, '2026-03', false)).toStrictEqual({ month: '2026-03', p95Bps: 6_666_666.666666667, usedPctVolume: 25, coverage: volumeOnly.coverage, complete: false });
    const rateOnly = evaluateOpd(input({ opd: { id: 'o', name: 'O', quota: { rateMbps: 10 } }, uplinks: [{ device: 'r', interface: 'e', buckets: steady(MAR.from, 1, 75_000_000n) }] }));
    expect(rateOnly.quota).toStrictEqual({ rateBps: 10e6, direction: 'total' });
    expect(figuresOf(rateOnly, '2026-03')).toStrictEqual({ month: '2026-03', p95Bps: 2e6, usedPctRate: 20, coverage: rateOnly.coverage, complete: true });
    const empty = evaluateOpd(input({ uplinks: [{ device: 'r', interface: 'e', buckets: [] }] }));
    expect(figuresOf(empty, '2026-03')).toStrictEqual({ month: '2026-03', p95Bps: 0, usedPctRate: 0, usedPctVolume: 0, coverage: 0, complete: true, noData: true });
  });
});
