// The timeline rules on their own: how long an observation stands, how kinds combine, what
// `via` does, and the month's figures from segments.
import { describe, expect, it } from 'vitest';
import { behind, combine, observedTimeline } from '../../collector/uptime/timeline.js';
import { monthFigures } from '../../collector/uptime/figures.js';

const S = 1000;

describe('observedTimeline', () => {
  it('holds each observation until the next, at most holdMs, and is unknown before the first and after the last', () => {
    const obs = [
      { ts: 10 * S, ok: true },
      { ts: 70 * S, ok: false },
      { ts: 130 * S, ok: true },
      { ts: 400 * S, ok: true }, // 270 s after the one before: 120 s held, 150 s unknown
    ];
    expect(observedTimeline(obs, 120 * S, 0, 600 * S)).toEqual([
      { from: 0, to: 10 * S, state: 'unknown' },
      { from: 10 * S, to: 70 * S, state: 'up' },
      { from: 70 * S, to: 130 * S, state: 'down' },
      { from: 130 * S, to: 250 * S, state: 'up' },
      { from: 250 * S, to: 400 * S, state: 'unknown' },
      { from: 400 * S, to: 520 * S, state: 'up' },
      { from: 520 * S, to: 600 * S, state: 'unknown' },
    ]);
  });

  it('lets an observation made before the range reach into it, and cuts at the range end', () => {
    expect(observedTimeline([{ ts: -30 * S, ok: false }, { ts: 50 * S, ok: false }], 120 * S, 0, 100 * S)).toEqual([{ from: 0, to: 100 * S, state: 'down' }]);
  });
});

describe('combine and behind', () => {
  it('is up when any kind says up, down when one says down and none up', () => {
    const ping = [{ from: 0, to: 50, state: 'up' as const }, { from: 50, to: 100, state: 'down' as const }];
    const poll = [{ from: 0, to: 30, state: 'down' as const }, { from: 30, to: 70, state: 'unknown' as const }, { from: 70, to: 100, state: 'up' as const }];
    expect(combine([ping, poll], 0, 100)).toEqual([
      { from: 0, to: 50, state: 'up' },
      { from: 50, to: 70, state: 'down' },
      { from: 70, to: 100, state: 'up' },
    ]);
    expect(combine([], 0, 100)).toEqual([{ from: 0, to: 100, state: 'unknown' }]);
  });

  it('turns down time behind a parent that is down into unknown, and keeps the rest', () => {
    const child = [{ from: 0, to: 40, state: 'up' as const }, { from: 40, to: 100, state: 'down' as const }];
    const parent = [{ from: 0, to: 60, state: 'down' as const }, { from: 60, to: 100, state: 'up' as const }];
    expect(behind(child, parent, 0, 100)).toEqual([
      { from: 0, to: 40, state: 'up' },
      { from: 40, to: 60, state: 'unknown' },
      { from: 60, to: 100, state: 'down' },
    ]);
  });
});

describe('monthFigures', () => {
  const segs = [
    { from: 0, to: 100 * S, state: 'up' as const },
    { from: 100 * S, to: 160 * S, state: 'down' as const },
    { from: 160 * S, to: 400 * S, state: 'up' as const },
    { from: 400 * S, to: 500 * S, state: 'down' as const },
    { from: 500 * S, to: 600 * S, state: 'unknown' as const },
  ];
  it('gives availability over observed time only, outages, MTTR of repaired ones and MTBF', () => {
    const f = monthFigures(segs, 0, 600 * S, 'month_end');
    expect(f).toEqual({
      upS: 340, downS: 160, maintenanceS: 0, unknownS: 100, periodS: 600, maintenance: [], availabilityPct: (340 / 500) * 100, observed: 500 / 600,
      outages: [
        { start: 100 * S, end: 160 * S, durationS: 60, endedBy: 'up' },
        { start: 400 * S, end: 500 * S, durationS: 100, endedBy: 'unknown' },
      ],
      mttrS: 60, mtbfS: 170,
    });
  });
  it('marks an outage reaching now as ongoing, or ended by what is seen at this instant', () => {
    const cut = segs.slice(0, 4);
    expect(monthFigures(cut, 0, 500 * S, 'down').outages[1]).toEqual({ start: 400 * S, end: null, durationS: 100 });
    expect(monthFigures(cut, 0, 500 * S, 'up').outages[1]).toEqual({ start: 400 * S, end: 500 * S, durationS: 100, endedBy: 'up' });
    expect(monthFigures(cut, 0, 500 * S, 'month_end').outages[1].endedBy).toBe('month_end');
  });
  it('has no availability without observed time: null, never 100 %', () => {
    expect(monthFigures([{ from: 0, to: 600 * S, state: 'unknown' }], 0, 600 * S, 'month_end')).toMatchObject({ availabilityPct: null, observed: 0, mttrS: null, mtbfS: null, outages: [] });
  });
});
