// The recommendation for an OPD with both a rate and a volume allocation: which allocation an
// increase suggests raising, what the basis lists, and how a suggested volume is rounded
// (mutation testing found these unguarded). Actions and figures only: the reasons' wording is
// tested in recommend.test.ts.
import { describe, expect, it } from 'vitest';
import { recommend, type MonthFigures, type RecommendInput } from '../../collector/accounting/recommend.js';

const OPTS = { warnVolumePct: 80, increaseAbovePct: 85, increaseMonths: 2, decreaseBelowPct: 30, months: 3 };
const RATE = 100e6;
const GB = 1_000_000_000n;
const VOLUME = 1000n * GB;

const m = (month: string, ratePct: number, volumePct: number, coverage = 1): MonthFigures => ({ month, p95Bps: (ratePct / 100) * RATE, usedPctRate: ratePct, usedPctVolume: volumePct, coverage });

function both(cur: MonthFigures, history: MonthFigures[], over: Partial<RecommendInput['over']> = {}, monthVolumeBytes = (VOLUME * BigInt(Math.round(cur.usedPctVolume! * 100))) / 10_000n) {
  return recommend({
    current: { ...cur, complete: true },
    history,
    rateBps: RATE,
    volumeBytes: VOLUME,
    monthVolumeBytes,
    over: { rate: false, volume: false, ...over },
    options: OPTS,
  });
}

describe('recommend with a rate and a volume allocation: which one to raise', () => {
  it('suggests only a rate when only the rate exceeded 85 % in 2 months', () => {
    const r = both(m('2026-03', 90, 50), [m('2026-02', 88, 40), m('2026-01', 20, 30)]);
    expect([r.action, r.suggestedRateBps, r.suggestedVolumeBytes]).toEqual(['increase', 150e6, undefined]);
  });

  it('suggests only a volume when only the volume exceeded 85 % in 2 months', () => {
    const r = both(m('2026-03', 50, 90), [m('2026-02', 40, 88), m('2026-01', 20, 30)]);
    // 900 GB / 80 % = 1125 GB → two significant digits up: 1200 GB
    expect([r.action, r.suggestedRateBps, r.suggestedVolumeBytes]).toEqual(['increase', undefined, (1200n * GB).toString()]);
  });

  it('suggests both when the rate and the volume each exceeded 85 % in 2 months', () => {
    const r = both(m('2026-03', 90, 90), [m('2026-02', 88, 88), m('2026-01', 20, 30)]);
    expect([r.action, r.suggestedRateBps, r.suggestedVolumeBytes]).toEqual(['increase', 150e6, (1200n * GB).toString()]);
  });

  it('suggests both when 2 months exceeded, one on rate and one on volume (mixed)', () => {
    const r = both(m('2026-03', 90, 50), [m('2026-02', 40, 88), m('2026-01', 20, 30)]);
    // this month's 500 GB / 80 % = 625 GB → 630 GB
    expect([r.action, r.suggestedRateBps, r.suggestedVolumeBytes]).toEqual(['increase', 150e6, (630n * GB).toString()]);
  });

  it('suggests only a volume when this month is over its volume and the rate is fine', () => {
    const r = both(m('2026-03', 40, 120), [m('2026-02', 40, 60)], { volume: true });
    expect([r.action, r.suggestedRateBps, r.suggestedVolumeBytes]).toEqual(['increase', undefined, (1500n * GB).toString()]);
  });

  it('suggests only a rate when this month is over its rate and the volume is fine', () => {
    const r = both(m('2026-03', 100, 40), [m('2026-02', 40, 60)], { rate: true });
    expect([r.action, r.suggestedRateBps, r.suggestedVolumeBytes]).toEqual(['increase', 150e6, undefined]);
  });

  it('names both figures of this month when it is over', () => {
    const r = both(m('2026-03', 100, 120), [], { rate: true, volume: true });
    expect(r.reason.replace(/\u00a0/g, ' ')).toMatch(/\(volume 120,0 %, p95 100,0 % dari alokasi laju\)/);
  });
});

describe('recommend with a rate and a volume allocation: keep and decrease', () => {
  it('decreases only when both the rate and the volume stayed below 30 %', () => {
    const low = [m('2026-02', 20, 25), m('2026-01', 10, 5)];
    expect(both(m('2026-03', 20, 10), low).action).toBe('decrease');
    expect(both(m('2026-03', 20, 31), low).action).toBe('keep');
    expect(both(m('2026-03', 31, 10), low).action).toBe('keep');
  });

  it('does not decrease when a month lacks one of the two figures', () => {
    const noVolume: MonthFigures = { month: '2026-02', p95Bps: 20e6, usedPctRate: 20, coverage: 1 };
    const noRate: MonthFigures = { month: '2026-02', p95Bps: 20e6, usedPctVolume: 20, coverage: 1 };
    expect(both(m('2026-03', 20, 10), [noVolume, m('2026-01', 10, 5)]).action).toBe('keep');
    expect(both(m('2026-03', 20, 10), [noRate, m('2026-01', 10, 5)]).action).toBe('keep');
  });

  it('names the highest use of either kind in the reason of a decrease', () => {
    const r = both(m('2026-03', 20, 10), [m('2026-02', 12, 27.5), m('2026-01', 10, 5)]);
    expect(r.action).toBe('decrease');
    expect(r.reason.replace(/\u00a0/g, ' ')).toMatch(/tertinggi 27,5 %/);
  });

  it('lists each month of the basis with exactly the figures it has', () => {
    const noVolume: MonthFigures = { month: '2026-02', p95Bps: 20e6, usedPctRate: 20, coverage: 0.5 };
    const r = both(m('2026-03', 20, 10), [noVolume]);
    expect(r.basis).toEqual([
      { month: '2026-03', p95Bps: 20e6, usedPctRate: 20, usedPctVolume: 10, coverage: 1 },
      { month: '2026-02', p95Bps: 20e6, usedPctRate: 20, coverage: 0.5 },
      { month: '2026-01', noData: true, coverage: 0 },
    ]);
  });
});

describe('recommend: a suggested volume is rounded up', () => {
  const volumeOnly = (monthVolumeBytes: bigint) =>
    recommend({
      current: { month: '2026-03', p95Bps: 1e6, usedPctVolume: 120, coverage: 1, complete: true },
      history: [],
      volumeBytes: GB,
      monthVolumeBytes,
      over: { rate: false, volume: true },
      options: OPTS,
    }).suggestedVolumeBytes;

  it('to whole GB up to 10 GB, and never below 1 GB', () => {
    expect(volumeOnly(400_000_000n)).toBe(GB.toString()); // 0.5 GB → 1 GB
    expect(volumeOnly(0n)).toBe(GB.toString());
    expect(volumeOnly(4n * GB)).toBe((5n * GB).toString()); // 5 GB exactly
    expect(volumeOnly(4n * GB + 1n)).toBe((6n * GB).toString()); // 5.000000001 GB → 6 GB
    expect(volumeOnly(8n * GB)).toBe((10n * GB).toString()); // 10 GB exactly
  });

  it('to two significant digits above 10 GB', () => {
    expect(volumeOnly(8n * GB + 1n)).toBe((11n * GB).toString()); // 10.000000001 GB → 11 GB
    expect(volumeOnly(100n * GB)).toBe((130n * GB).toString()); // 125 GB → 130 GB
    expect(volumeOnly(960n * GB)).toBe((1200n * GB).toString()); // 1200 GB exactly
  });
});
