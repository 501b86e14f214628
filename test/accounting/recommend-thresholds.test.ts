// The recommendation's thresholds at exactly their figures (issue 9 part 4), on the side README
// ("Recommendation") puts them: increase when use EXCEEDED increaseAbovePct (85 %: 85.00 % is
// not above it); decrease when use stayed BELOW decreaseBelowPct (30 %: 30.00 % is not below
// it) in months with coverage AT LEAST 90 % (0.9 counts as full data). Only actions and
// suggested figures are asserted here; the reasons' wording is tested in recommend.test.ts.
import { describe, expect, it } from 'vitest';
import { recommend, type MonthFigures, type RecommendInput } from '../../collector/accounting/recommend.js';

const OPTS = { warnVolumePct: 80, increaseAbovePct: 85, increaseMonths: 2, decreaseBelowPct: 30, months: 3 };
const RATE = 100e6;
const VOLUME = 1_000_000_000_000n;

/** A month with a rate allocation of 100 Mbit/s used at `pct` (p95 = pct Mbit/s). */
const rateMonth = (month: string, pct: number, coverage = 1): MonthFigures => ({ month, p95Bps: (pct / 100) * RATE, usedPctRate: pct, coverage });
/** A month with only a volume allocation of 1000 GB used at `pct`. */
const volumeMonth = (month: string, pct: number, coverage = 1): MonthFigures => ({ month, p95Bps: 1e6, usedPctVolume: pct, coverage });

function rateRec(cur: MonthFigures, history: MonthFigures[], fullCoverage?: number) {
  return recommend({
    current: { ...cur, complete: true },
    history,
    rateBps: RATE,
    monthVolumeBytes: 0n,
    over: { volume: false, rate: false },
    options: fullCoverage === undefined ? OPTS : { ...OPTS, fullCoverage },
  });
}

function volumeRec(cur: MonthFigures, history: MonthFigures[]): ReturnType<typeof recommend> {
  const input: RecommendInput = {
    current: { ...cur, complete: true },
    history,
    volumeBytes: VOLUME,
    monthVolumeBytes: (VOLUME * BigInt(Math.round(cur.usedPctVolume! * 100))) / 10_000n,
    over: { volume: false, rate: false },
    options: OPTS,
  };
  return recommend(input);
}

describe('recommend: the increase threshold (use above 85 %)', () => {
  it('does not count p95 at exactly 85 % of the rate as exceeding it', () => {
    const r = rateRec(rateMonth('2026-03', 85), [rateMonth('2026-02', 85), rateMonth('2026-01', 40)]);
    expect(r.action).toBe('keep');
    expect(r.suggestedRateBps).toBeUndefined();
  });

  it('counts p95 at 85.01 % of the rate as exceeding it, and increases after 2 such months', () => {
    const r = rateRec(rateMonth('2026-03', 85.01), [rateMonth('2026-02', 85.01), rateMonth('2026-01', 40)]);
    expect(r.action).toBe('increase');
    expect(r.suggestedRateBps).toBe(150e6); // 85.01 Mbit/s / 0.7 = 121.4 → 150
  });

  it('does not count a volume at exactly 85 % of the allocation as exceeding it', () => {
    const r = volumeRec(volumeMonth('2026-03', 85), [volumeMonth('2026-02', 85), volumeMonth('2026-01', 40)]);
    expect(r.action).toBe('keep');
    expect(r.suggestedVolumeBytes).toBeUndefined();
  });

  it('counts a volume at 85.01 % of the allocation as exceeding it, and suggests a volume', () => {
    const r = volumeRec(volumeMonth('2026-03', 85.01), [volumeMonth('2026-02', 85.01), volumeMonth('2026-01', 40)]);
    expect(r.action).toBe('increase');
    // 850.1 GB counted / 80 % = 1062.6 GB → two significant digits up: 1100 GB
    expect(r.suggestedVolumeBytes).toBe('1100000000000');
    expect(r.suggestedRateBps).toBeUndefined();
  });

  it('needs exceeding months to reach increaseMonths: one month above 85 % keeps', () => {
    expect(rateRec(rateMonth('2026-03', 99), [rateMonth('2026-02', 85), rateMonth('2026-01', 85)]).action).toBe('keep');
  });
});

describe('recommend: the decrease threshold (use below 30 %)', () => {
  it('does not decrease when p95 was exactly 30 % of the rate in one month', () => {
    const r = rateRec(rateMonth('2026-03', 20), [rateMonth('2026-02', 30), rateMonth('2026-01', 10)]);
    expect(r.action).toBe('keep');
    expect(r.suggestedRateBps).toBeUndefined();
  });

  it('decreases when p95 was 29.99 % of the rate at most', () => {
    const r = rateRec(rateMonth('2026-03', 20), [rateMonth('2026-02', 29.99), rateMonth('2026-01', 10)]);
    expect(r.action).toBe('decrease');
    expect(r.suggestedRateBps).toBe(50e6); // 29.99 Mbit/s / 0.7 = 42.8 → 50
  });

  it('does not decrease when the volume was exactly 30 % of the allocation in one month', () => {
    expect(volumeRec(volumeMonth('2026-03', 10), [volumeMonth('2026-02', 30), volumeMonth('2026-01', 10)]).action).toBe('keep');
    expect(volumeRec(volumeMonth('2026-03', 10), [volumeMonth('2026-02', 29.99), volumeMonth('2026-01', 10)]).action).toBe('decrease');
  });
});

describe('recommend: full data for a decrease (coverage at least 0.9)', () => {
  it('takes a month with coverage exactly 0.9 as full data', () => {
    const r = rateRec(rateMonth('2026-03', 20, 0.9), [rateMonth('2026-02', 25, 0.9), rateMonth('2026-01', 10, 0.9)]);
    expect(r.action).toBe('decrease');
    expect(r.suggestedRateBps).toBe(40e6);
  });

  it('holds a decrease back when one month has coverage 0.8999', () => {
    const r = rateRec(rateMonth('2026-03', 20), [rateMonth('2026-02', 25, 0.8999), rateMonth('2026-01', 10)]);
    expect(r.action).toBe('keep');
  });

  it('takes the coverage threshold from the options when set', () => {
    const months = [rateMonth('2026-02', 25, 0.95), rateMonth('2026-01', 10)];
    expect(rateRec(rateMonth('2026-03', 20), months, 0.95).action).toBe('decrease');
    expect(rateRec(rateMonth('2026-03', 20), months, 0.96).action).toBe('keep');
  });
});
