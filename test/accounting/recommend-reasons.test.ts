// The recommendation's reasons word for word, in Indonesian and English, one branch of the rule
// at a time (issue 9: "reasons agree with the status and the rule"), and the suggested figures
// at their edges (no p95 at all, a target above the next step, the 1 GB floor). Every figure
// is computed by hand in the comments.
import { describe, expect, it } from 'vitest';
import { nextRateStep, recommend, standardRateStep, type MonthFigures, type RecommendInput, type RecommendOptions } from '../../collector/accounting/recommend.js';

/** The reasons keep a no-break space before %; compare them as plain text. */
const plain = (s: string) => s.replace(/\u00a0/g, ' ');
const OPTS: RecommendOptions = { warnVolumePct: 80, increaseAbovePct: 85, increaseMonths: 2, decreaseBelowPct: 30, months: 3 };
const EN: RecommendOptions = { ...OPTS, language: 'en' };
const RATE = 100e6;
const GB = 1_000_000_000n;
const VOLUME = 1000n * GB;

/** A month with a rate allocation of 100 Mbit/s used at `pct` (p95 = pct Mbit/s). */
const rateMonth = (month: string, pct: number, coverage = 1): MonthFigures => ({ month, p95Bps: pct * 1e6, usedPctRate: pct, coverage });
/** A month with only a volume allocation of 1000 GB used at `pct`, p95 1 Mbit/s. */
const volumeMonth = (month: string, pct: number, coverage = 1): MonthFigures => ({ month, p95Bps: 1e6, usedPctVolume: pct, coverage });

function rec(cur: MonthFigures, history: MonthFigures[], over: Partial<RecommendInput> = {}) {
  return recommend({
    current: { ...cur, complete: cur.complete ?? true },
    history,
    rateBps: RATE,
    monthVolumeBytes: 0n,
    over: { volume: false, rate: false },
    options: OPTS,
    ...over,
  });
}
const volumeOnly = (cur: MonthFigures, history: MonthFigures[], over: Partial<RecommendInput> = {}) => rec(cur, history, { rateBps: undefined, volumeBytes: VOLUME, ...over });
const reasons = (f: (options: RecommendOptions) => ReturnType<typeof recommend>, options = OPTS) => [plain(f(options).reason), plain(f({ ...options, language: 'en' }).reason)];

describe('recommend: withheld, word for word', () => {
  it('for a month without data', () => {
    expect(reasons((options) => rec({ ...rateMonth('2026-03', 0, 0), noData: true }, [], { options }))).toEqual([
      'Tidak ada data pemantauan pada bulan ini; alokasi tidak dapat dinilai.',
      'No data was observed in this month; the allocation cannot be assessed.',
    ]);
  });

  it('below minCoveragePct, naming the coverage and the threshold', () => {
    expect(reasons((options) => rec(rateMonth('2026-03', 50, 0.4), [], { options }))).toEqual([
      'Cakupan data bulan ini 40,0 %, di bawah batas 50,0 % untuk menilai; rekomendasi ditahan.',
      'Data coverage of this month is 40.0 %, below the 50.0 % needed to judge; no recommendation.',
    ]);
    expect(reasons((options) => rec(rateMonth('2026-03', 50, 0.555), [], { options }), { ...OPTS, minCoveragePct: 60 })).toEqual([
      'Cakupan data bulan ini 55,5 %, di bawah batas 60,0 % untuk menilai; rekomendasi ditahan.',
      'Data coverage of this month is 55.5 %, below the 60.0 % needed to judge; no recommendation.',
    ]);
  });

  it('before projectAfterDays of the current month, naming both', () => {
    const cur = { ...rateMonth('2026-03', 50), complete: false };
    expect(reasons((options) => rec(cur, [], { observedDays: 0.5, options }))).toEqual([
      'Baru 12 jam data bulan ini; rekomendasi menunggu 3 hari data.',
      'Only 12 hours of this month observed so far; the recommendation waits for 3 days of data.',
    ]);
    expect(reasons((options) => rec(cur, [], { observedDays: 4.5, options }), { ...OPTS, projectAfterDays: 5 })).toEqual([
      'Baru 4,5 hari data bulan ini; rekomendasi menunggu 5 hari data.',
      'Only 4.5 days of this month observed so far; the recommendation waits for 5 days of data.',
    ]);
    expect(rec(cur, [], { observedDays: 5, options: { ...OPTS, projectAfterDays: 5 } }).action).toBe('keep');
  });
});

describe('recommend: increase, word for word', () => {
  it('for a current month already over its volume after 2 days: provisional, not withheld, volume only', () => {
    // 1 200 GB projected / 80 % = 1 500 GB; the rate (10 %) is not raised.
    const cur: MonthFigures = { month: '2026-03', p95Bps: 10e6, usedPctRate: 10, usedPctVolume: 120, coverage: 1, complete: false };
    const r = (options: RecommendOptions) =>
      rec(cur, [], { observedDays: 2, volumeBytes: VOLUME, monthVolumeBytes: 1200n * GB, over: { volume: true, rate: false }, options });
    expect(r(OPTS)).toMatchObject({ action: 'increase', suggestedVolumeBytes: '1500000000000' });
    expect(r(OPTS).suggestedRateBps).toBeUndefined();
    expect(reasons(r)).toEqual([
      'Sementara, berdasarkan 2 hari data: Pemakaian bulan ini melebihi alokasi (volume 120,0 %, p95 10,0 % dari alokasi laju); alokasi disarankan dinaikkan menjadi 1.500 GB per bulan.',
      "Provisional, on 2 days of data: This month's use exceeded the allocation (volume 120.0 %, p95 10.0 % of the rate allocation); an increase to 1,500 GB a month is advised.",
    ]);
  });

  it('for a month over its rate: the target when it is above the next step, no coverage note at exactly 90 %', () => {
    // p95 200 Mbit/s / 0.7 = 285.7 → 300 Mbit/s, above the next step (150).
    const r = (options: RecommendOptions) => rec(rateMonth('2026-03', 200, 0.9), [], { over: { volume: false, rate: true }, options });
    expect(r(OPTS).suggestedRateBps).toBe(300e6);
    expect(reasons(r)).toEqual([
      'Pemakaian bulan ini melebihi alokasi (p95 200,0 % dari alokasi laju); alokasi disarankan dinaikkan menjadi 300,0 Mbit/s.',
      "This month's use exceeded the allocation (p95 200.0 % of the rate allocation); an increase to 300.0 Mbit/s is advised.",
    ]);
    expect(reasons((options) => rec(rateMonth('2026-03', 200, 0.8), [], { over: { volume: false, rate: true }, options }))).toEqual([
      'Pemakaian bulan ini melebihi alokasi (p95 200,0 % dari alokasi laju, dengan cakupan data 80,0 %); alokasi disarankan dinaikkan menjadi 300,0 Mbit/s.',
      "This month's use exceeded the allocation (p95 200.0 % of the rate allocation, with data coverage 80.0 %); an increase to 300.0 Mbit/s is advised.",
    ]);
  });

  it('after 2 months above 85 %, counting the months without data', () => {
    // highest p95 90 Mbit/s / 0.7 = 128.6 → 150 Mbit/s
    expect(reasons((options) => rec(rateMonth('2026-03', 90), [rateMonth('2026-01', 88)], { options }))).toEqual([
      'Pemakaian melebihi 85,0 % alokasi pada 2 dari 3 bulan terakhir, 1 bulan tanpa data; alokasi disarankan dinaikkan menjadi 150,0 Mbit/s.',
      'Use exceeded 85.0 % of the allocation in 2 of the last 3 months, 1 of them without data; an increase to 150.0 Mbit/s is advised.',
    ]);
  });

  it('of both allocations, joined with "dan" / "and"', () => {
    // rate above 85 % in March and January, volume in March and February: 3 months exceeded.
    // 860 GB / 80 % = 1 075 GB → 1 100 GB.
    const both = (month: string, r: number, v: number): MonthFigures => ({ ...rateMonth(month, r), usedPctVolume: v });
    const r = (options: RecommendOptions) =>
      rec(both('2026-03', 90, 86), [both('2026-02', 40, 90), both('2026-01', 88, 10)], { volumeBytes: VOLUME, monthVolumeBytes: 860n * GB, options });
    expect(r(OPTS)).toMatchObject({ action: 'increase', suggestedRateBps: 150e6, suggestedVolumeBytes: '1100000000000' });
    expect(reasons(r)).toEqual([
      'Pemakaian melebihi 85,0 % alokasi pada 3 dari 3 bulan terakhir; alokasi disarankan dinaikkan menjadi 150,0 Mbit/s dan 1.100 GB per bulan.',
      'Use exceeded 85.0 % of the allocation in 3 of the last 3 months; an increase to 150.0 Mbit/s and 1,100 GB a month is advised.',
    ]);
  });
});

describe('recommend: decrease, word for word', () => {
  it('to the target step below the allocation', () => {
    // highest p95 25 Mbit/s / 0.7 = 35.7 → 40 Mbit/s
    expect(reasons((options) => rec(rateMonth('2026-03', 20), [rateMonth('2026-02', 25), rateMonth('2026-01', 10)], { options }))).toEqual([
      'Pemakaian tetap di bawah 30,0 % alokasi selama 3 bulan terakhir dengan data lengkap (tertinggi 25,0 %); alokasi dapat diturunkan menjadi 40,0 Mbit/s.',
      'Use stayed below 30.0 % of the allocation in each of the last 3 months with full data (highest 25.0 %); the allocation can be decreased to 40.0 Mbit/s.',
    ]);
  });

  it('without a suggested rate when no month has a p95 above 0', () => {
    const r = (options: RecommendOptions) => rec(rateMonth('2026-03', 0), [rateMonth('2026-02', 0), rateMonth('2026-01', 0)], { options });
    expect(r(OPTS).action).toBe('decrease');
    expect(r(OPTS).suggestedRateBps).toBeUndefined();
    expect(reasons(r)).toEqual([
      'Pemakaian tetap di bawah 30,0 % alokasi selama 3 bulan terakhir dengan data lengkap (tertinggi 0,0 %); alokasi dapat diturunkan.',
      'Use stayed below 30.0 % of the allocation in each of the last 3 months with full data (highest 0.0 %); the allocation can be decreased.',
    ]);
  });

  it('of a volume allocation alone: no rate suggested, the basis without rate figures', () => {
    const r = volumeOnly(volumeMonth('2026-03', 10), [volumeMonth('2026-02', 20), volumeMonth('2026-01', 5)]);
    expect(r).toStrictEqual({
      action: 'decrease',
      reason: 'Pemakaian tetap di bawah 30,0\u00a0% alokasi selama 3 bulan terakhir dengan data lengkap (tertinggi 20,0\u00a0%); alokasi dapat diturunkan.',
      coverage: 1,
      basis: [
        { month: '2026-03', p95Bps: 1e6, usedPctVolume: 10, coverage: 1 },
        { month: '2026-02', p95Bps: 1e6, usedPctVolume: 20, coverage: 1 },
        { month: '2026-01', p95Bps: 1e6, usedPctVolume: 5, coverage: 1 },
      ],
    });
  });
});

describe('recommend: keep, word for word', () => {
  it('with every month of the window known, and with a volume allocation alone', () => {
    expect(reasons((options) => rec(rateMonth('2026-03', 50), [rateMonth('2026-02', 40), rateMonth('2026-01', 88)], { options }))).toEqual([
      'Pemakaian dalam batas alokasi (p95 50,0 % dari alokasi laju); di atas 85,0 % pada 1 dari 3 bulan; alokasi dipertahankan.',
      'Use is within the allocation (p95 50.0 % of the rate allocation); above 85.0 % in 1 of the 3 months; kept.',
    ]);
    expect(reasons((options) => volumeOnly(volumeMonth('2026-03', 60), [], { options }))).toEqual([
      'Pemakaian dalam batas alokasi (volume 60,0 %); di atas 85,0 % pada 0 dari 3 bulan, 2 bulan tanpa data; alokasi dipertahankan.',
      'Use is within the allocation (volume 60.0 %); above 85.0 % in 0 of the 3 months, 2 of them without data; kept.',
    ]);
  });

  it('for a month projected past its quota', () => {
    const r = (options: RecommendOptions) => volumeOnly({ ...volumeMonth('2026-03', 40), complete: false }, [], { status: 'projected_over', observedDays: 10, options });
    expect(reasons(r)).toEqual([
      'Sementara, berdasarkan 10 hari data: Pemakaian diproyeksikan melampaui kuota pada akhir bulan (volume 40,0 %); di atas 85,0 % pada 0 dari 3 bulan, 2 bulan tanpa data; alokasi dipertahankan.',
      'Provisional, on 10 days of data: Use is projected past the quota by month end (volume 40.0 %); above 85.0 % in 0 of the 3 months, 2 of them without data; kept.',
    ]);
  });

  it('when every month is low but one is not complete', () => {
    const r = (options: RecommendOptions) => rec({ ...rateMonth('2026-03', 20), complete: false }, [rateMonth('2026-02', 25), rateMonth('2026-01', 10)], { observedDays: 3, options });
    expect(reasons(r)).toEqual([
      'Sementara, berdasarkan 3 hari data: Pemakaian dalam batas alokasi (p95 20,0 % dari alokasi laju); di atas 85,0 % pada 0 dari 3 bulan; alokasi dipertahankan; data bulan lengkap belum cukup untuk menyarankan penurunan.',
      'Provisional, on 3 days of data: Use is within the allocation (p95 20.0 % of the rate allocation); above 85.0 % in 0 of the 3 months; kept; not enough complete months of data to advise a decrease.',
    ]);
  });

  it('without any allocation: a suggestion from p95, none when p95 is 0', () => {
    const none = (p95Bps: number) => (options: RecommendOptions) => rec({ month: '2026-03', p95Bps, coverage: 1 }, [], { rateBps: undefined, options });
    expect(none(12e6)(OPTS).suggestedRateBps).toBe(20e6);
    expect(reasons(none(12e6))).toEqual([
      'Perangkat Daerah ini belum memiliki alokasi bandwidth; p95 bulan ini 12,0 Mbit/s, usulan alokasi 20,0 Mbit/s.',
      "No bandwidth allocation is set for this department; this month's p95 is 12.0 Mbit/s, a suggested allocation is 20.0 Mbit/s.",
    ]);
    expect(none(0)(OPTS)).not.toHaveProperty('suggestedRateBps');
    expect(reasons(none(0))).toEqual([
      'Perangkat Daerah ini belum memiliki alokasi bandwidth; p95 bulan ini 0,0 Mbit/s.',
      "No bandwidth allocation is set for this department; this month's p95 is 0.0 Mbit/s.",
    ]);
  });
});

describe('suggested figures at their edges', () => {
  it('takes a rate a thousandth of a bit/s above a step as that step (float slack), and the next step strictly above', () => {
    expect(standardRateStep(1e6 + 0.001)).toBe(1e6);
    expect(standardRateStep(1e6 + 1)).toBe(2e6);
    expect([nextRateStep(1e6), nextRateStep(0)]).toEqual([2e6, 1e6]);
  });

  it('suggests a volume of at least 1 GB, whole GB up to 99 GB, two significant digits above', () => {
    // monthVolumeBytes / 80 %, rounded up
    const suggested = (monthVolumeBytes: bigint) =>
      volumeOnly(volumeMonth('2026-03', 120), [], { monthVolumeBytes, over: { volume: true, rate: false } }).suggestedVolumeBytes;
    expect([0n, 800_000_000n, 8n * GB, 8_100_000_000n, 79_200_000_000n, 79_300_000_000n, 99_200_000_000n].map(suggested)).toEqual(
      // 0, 1, 10, 10.125 → 11, 99, 99.125 → 100, 124 → 130 GB
      ['1000000000', '1000000000', '10000000000', '11000000000', '99000000000', '100000000000', '130000000000'],
    );
  });
});
