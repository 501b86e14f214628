import { describe, expect, it } from 'vitest';
import { nextRateStep, recommend, standardRateStep, type MonthFigures, type RecommendInput } from '../../collector/accounting/recommend.js';

/** The reasons keep a no-break space before %; compare them as plain text. */
const plain = (s: string) => s.replace(/\u00a0/g, ' ');
const OPTS = { warnVolumePct: 80, increaseAbovePct: 85, increaseMonths: 2, decreaseBelowPct: 30, months: 3 };
const RATE = 100e6;

function month(month: string, usedPctRate: number, coverage = 1): MonthFigures {
  return { month, p95Bps: (usedPctRate / 100) * RATE, usedPctRate, coverage };
}

function rec(cur: MonthFigures, history: MonthFigures[], over: Partial<RecommendInput> = {}) {
  return recommend({
    current: { ...cur, complete: cur.complete ?? true },
    history,
    rateBps: RATE,
    monthVolumeBytes: 0n,
    over: { volume: false, rate: (cur.usedPctRate ?? 0) >= 100 },
    options: OPTS,
    ...over,
  });
}

describe('recommend: increase', () => {
  it('increases when p95 exceeded 85 % of the rate in 2 of the last 3 months', () => {
    const r = rec(month('2026-03', 88), [month('2026-02', 40), month('2026-01', 90)]);
    expect(r.action).toBe('increase');
    expect(r.suggestedRateBps).toBe(150e6); // 90 Mbit/s / 0.7 = 128.6 → 150
    expect(plain(r.reason)).toMatch(/2 dari 3 bulan terakhir.*dinaikkan menjadi 150,0 Mbit\/s/);
    expect(r.basis.map((b) => b.month)).toEqual(['2026-03', '2026-02', '2026-01']);
  });

  it('keeps when only one month exceeded, and ignores months outside the window', () => {
    const r = rec(month('2026-03', 88), [month('2026-02', 40), month('2026-01', 50), month('2025-12', 99)]);
    expect(r.action).toBe('keep');
    expect(r.basis.map((b) => b.month)).toEqual(['2026-03', '2026-02', '2026-01']);
  });

  it('increases when the month is over its volume, suggesting a volume', () => {
    const r = rec({ month: '2026-03', p95Bps: 0, usedPctVolume: 120, coverage: 1 }, [], {
      rateBps: undefined,
      volumeBytes: 1_000_000_000_000n,
      monthVolumeBytes: 1_200_000_000_000n,
      over: { volume: true, rate: false },
      options: { ...OPTS, language: 'en' },
    });
    expect(r.action).toBe('increase');
    expect(r.suggestedVolumeBytes).toBe('1500000000000'); // 1200 GB / 80 %
    expect(r.suggestedRateBps).toBeUndefined();
    expect(plain(r.reason)).toMatch(/^This month's use exceeded the allocation \(volume 120.0 %\); an increase to 1,500 GB a month is advised\.$/);
  });

  it('increases when p95 reached the rate allocation this month, to at least the next step', () => {
    const r = rec(month('2026-03', 100), []);
    expect(r.action).toBe('increase');
    expect(r.suggestedRateBps).toBe(150e6);
  });

  it('suggests at least the next step above the current allocation on an increase', () => {
    // At a target utilisation of 100 %, p95 of 88 Mbit/s alone would suggest the current 100 Mbit/s.
    const r = rec(month('2026-03', 88), [month('2026-02', 86)], { options: { ...OPTS, targetUtilisation: 1 } });
    expect([r.action, r.suggestedRateBps]).toEqual(['increase', 150e6]);
  });
});

describe('recommend: decrease', () => {
  it('decreases when p95 stayed below 30 % in each of the last 3 months with full data', () => {
    const r = rec(month('2026-03', 20), [month('2026-02', 25), month('2026-01', 10)]);
    expect(r.action).toBe('decrease');
    expect(r.suggestedRateBps).toBe(40e6); // 25 Mbit/s / 0.7 = 35.7 → 40
    expect(plain(r.reason)).toMatch(/di bawah 30,0 % .* 3 bulan terakhir dengan data lengkap.*diturunkan menjadi 40,0 Mbit\/s/);
  });

  it('suggests no rate on a decrease when the standard step would not be below the allocation', () => {
    const small = (m: string) => ({ month: m, p95Bps: 0.25e6, usedPctRate: 25, coverage: 1 });
    const r = rec(small('2026-03'), [small('2026-02'), small('2026-01')], { rateBps: 1e6 });
    expect(r.action).toBe('decrease');
    expect(r.suggestedRateBps).toBeUndefined(); // 0.25 / 0.7 → 1 Mbit/s, the current allocation
  });

  it('keeps when one month of the window lacks full data, and says why', () => {
    const r = rec(month('2026-03', 20), [month('2026-02', 25, 0.8), month('2026-01', 10)]);
    expect(r.action).toBe('keep');
    expect(plain(r.reason)).toMatch(/belum cukup untuk menyarankan penurunan/);
  });

  it('keeps while the month is still running, or a month is missing', () => {
    expect(rec({ ...month('2026-03', 20), complete: false }, [month('2026-02', 25), month('2026-01', 10)]).action).toBe('keep');
    expect(rec(month('2026-03', 20), [month('2026-01', 10)]).action).toBe('keep');
  });

  it('keeps when the volume is well used even though the rate is not', () => {
    const withVolume = (pctV: number) => ({ ...month('2026-03', 20), usedPctVolume: pctV });
    const hist = [{ ...month('2026-02', 20), usedPctVolume: 10 }, { ...month('2026-01', 20), usedPctVolume: 10 }];
    expect(rec(withVolume(10), hist, { volumeBytes: 10n ** 12n }).action).toBe('decrease');
    expect(rec(withVolume(60), hist, { volumeBytes: 10n ** 12n }).action).toBe('keep');
  });
});

describe('recommend: language and no quota', () => {
  it('speaks Indonesian by default and English when asked', () => {
    const cur = month('2026-03', 50);
    expect(plain(rec(cur, []).reason)).toBe('Pemakaian dalam batas alokasi (p95 50,0 % dari alokasi laju); di atas 85,0 % pada 0 dari 3 bulan, 2 bulan tanpa data; alokasi dipertahankan.');
    expect(plain(rec(cur, [], { options: { ...OPTS, language: 'en' } }).reason)).toBe('Use is within the allocation (p95 50.0 % of the rate allocation); above 85.0 % in 0 of the 3 months, 2 of them without data; kept.');
  });

  it('keeps without an allocation and suggests one from p95', () => {
    const r = rec({ month: '2026-03', p95Bps: 12e6, coverage: 1 }, [], { rateBps: undefined });
    expect(r).toMatchObject({ action: 'keep', suggestedRateBps: 20e6 });
    expect(plain(r.reason)).toMatch(/belum memiliki alokasi bandwidth; p95 bulan ini 12,0 Mbit\/s, usulan alokasi 20,0 Mbit\/s/);
  });
});

describe('standard rate steps', () => {
  it('rounds up to the allocation steps as they are sold', () => {
    expect([0.5e6, 1e6, 1.1e6, 128.6e6, 1001e6, 12_000e6].map(standardRateStep)).toEqual([1e6, 1e6, 2e6, 150e6, 1500e6, 20_000e6]);
    expect([nextRateStep(100e6), nextRateStep(99e6)]).toEqual([150e6, 100e6]);
  });
});

describe('recommend: honest reasons and withheld recommendations', () => {
  it('names a month at 85.2 % of volume "near the quota" and explains the keep with its months without data', () => {
    const cur: MonthFigures = { month: '2026-11', p95Bps: 10e6, usedPctRate: 10, usedPctVolume: 85.2, coverage: 1 };
    const r = rec(cur, [], { status: 'warning', volumeBytes: 10n ** 12n });
    expect(r.action).toBe('keep');
    expect(plain(r.reason)).toBe('Pemakaian mendekati kuota (p95 10,0 % dari alokasi laju, volume 85,2 %); di atas 85,0 % pada 1 dari 3 bulan, 2 bulan tanpa data; alokasi dipertahankan.');
    expect(plain(rec(cur, [], { status: 'warning', volumeBytes: 10n ** 12n, options: { ...OPTS, language: 'en' } }).reason)).toBe(
      'Use is near the quota (p95 10.0 % of the rate allocation, volume 85.2 %); above 85.0 % in 1 of the 3 months, 2 of them without data; kept.',
    );
  });

  it('lists every month of the window in the basis, those without data marked', () => {
    const r = rec(month('2026-03', 50), [month('2026-01', 40), { ...month('2026-02', 0), noData: true }]);
    expect(r.basis).toEqual([
      { month: '2026-03', p95Bps: 50e6, usedPctRate: 50, coverage: 1 },
      { month: '2026-02', noData: true, coverage: 0 },
      { month: '2026-01', p95Bps: 40e6, usedPctRate: 40, coverage: 1 },
    ]);
  });

  it('withholds the recommendation for a month without data', () => {
    const r = rec({ ...month('2026-03', 0, 0), noData: true }, [month('2026-02', 99), month('2026-01', 99)]);
    expect(r).toMatchObject({ action: 'withheld', coverage: 0 });
    expect(r.suggestedRateBps).toBeUndefined();
  });

  it('withholds below minCoveragePct but not at it', () => {
    expect(rec(month('2026-03', 50, 0.4999), []).action).toBe('withheld');
    expect(rec(month('2026-03', 50, 0.5), []).action).toBe('keep');
    expect(rec(month('2026-03', 50, 0.2), [], { options: { ...OPTS, minCoveragePct: 10 } }).action).toBe('keep');
  });

  it('still advises an increase for a month over its volume allocation at low coverage, and says the coverage', () => {
    const cur: MonthFigures = { month: '2026-03', p95Bps: 10e6, usedPctRate: 10, usedPctVolume: 120, coverage: 0.3 };
    const r = rec(cur, [], { volumeBytes: 10n ** 12n, monthVolumeBytes: 12n * 10n ** 11n, over: { volume: true, rate: false } });
    expect(r.action).toBe('increase');
    expect(plain(r.reason)).toMatch(/dengan cakupan data 30,0 %/);
  });

  it('waits for projectAfterDays of the current month, then says it is provisional', () => {
    const cur = { ...month('2026-03', 50), complete: false };
    expect(rec(cur, [], { observedDays: 2.9 })).toMatchObject({ action: 'withheld', reason: 'Baru 2,9 hari data bulan ini; rekomendasi menunggu 3 hari data.' });
    expect(plain(rec(cur, [], { observedDays: 3 }).reason)).toMatch(/^Sementara, berdasarkan 3 hari data: Pemakaian dalam batas alokasi/);
  });
});
