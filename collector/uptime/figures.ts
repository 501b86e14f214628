// A device's month from its timeline: up, down and unknown time, availability, outages, MTTR
// and MTBF. Pure. Availability is up / (up + down): unknown time is left out of both and
// reported apart (with `observed`), so a month observed for one hour is not "100 %".
import type { Outage } from '../../protocol/uptime.js';
import type { Segment, SegState } from './timeline.js';

export interface MonthFigures {
  upS: number;
  downS: number;
  unknownS: number;
  periodS: number;
  availabilityPct: number | null;
  observed: number;
  outages: Outage[];
  mttrS: number | null;
  mtbfS: number | null;
}

const secs = (ms: number): number => ms / 1000;

/**
 * `segs` cover [from, to). `after`: the state at `to` for the current month (`to` is now: a
 * down segment reaching it is an outage still going on, unless the device is up or unknown at
 * this instant), or `month_end` for a month that is over.
 */
export function monthFigures(segs: readonly Segment[], from: number, to: number, after: SegState | 'month_end'): MonthFigures {
  let up = 0;
  let down = 0;
  let unknown = 0;
  const outages: Outage[] = [];
  segs.forEach((s, i) => {
    const ms = s.to - s.from;
    if (s.state === 'up') up += ms;
    else if (s.state === 'unknown') unknown += ms;
    else {
      down += ms;
      const next = segs[i + 1]?.state ?? after;
      if (next === 'down') outages.push({ start: s.from, end: null, durationS: secs(ms) });
      else outages.push({ start: s.from, end: s.to, durationS: secs(ms), endedBy: next });
    }
  });
  const repaired = outages.filter((o) => o.endedBy === 'up');
  return {
    upS: secs(up),
    downS: secs(down),
    unknownS: secs(unknown),
    periodS: secs(to - from),
    availabilityPct: up + down > 0 ? (up / (up + down)) * 100 : null,
    observed: to > from ? (up + down) / (to - from) : 0,
    outages,
    mttrS: repaired.length ? repaired.reduce((a, o) => a + o.durationS, 0) / repaired.length : null,
    mtbfS: outages.length ? secs(up) / outages.length : null,
  };
}
