// A device's month from its timeline: up, down, maintenance and unknown time, availability,
// outages, maintenance periods, MTTR and MTBF. Pure.
// Availability = up / (up + down) = up / (period − maintenance − unknown): planned maintenance
// (down time inside a silence's window, maintenance.ts) and unknown time are left out of both,
// and reported apart (with `observed`), so a month observed for one hour is not "100 %" and a
// planned shutdown is not an outage. Unknown time is never counted as up.
import type { MaintenancePeriod, Outage } from '../../protocol/uptime.js';
import { maintenancePeriods, type FigSegment, type FigState, type MaintenanceWindow } from './maintenance.js';

export interface MonthFigures {
  upS: number;
  downS: number;
  maintenanceS: number;
  unknownS: number;
  periodS: number;
  availabilityPct: number | null;
  observed: number;
  outages: Outage[];
  maintenance: MaintenancePeriod[];
  mttrS: number | null;
  mtbfS: number | null;
}

const secs = (ms: number): number => ms / 1000;

/**
 * `segs` cover [from, to) (`planned()` applied when there are maintenance windows). `after`: the
 * state at `to` for the current month (`to` is now: a down segment reaching it is an outage
 * still going on, unless the device is up, unknown or in maintenance at this instant), or
 * `month_end` for a month that is over. `windows`: the silences behind maintenance periods.
 */
export function monthFigures(segs: readonly FigSegment[], from: number, to: number, after: FigState | 'month_end', windows: readonly MaintenanceWindow[] = []): MonthFigures {
  let up = 0;
  let down = 0;
  let planned = 0;
  let unknown = 0;
  const outages: Outage[] = [];
  segs.forEach((s, i) => {
    const ms = s.to - s.from;
    if (s.state === 'up') up += ms;
    else if (s.state === 'unknown') unknown += ms;
    else if (s.state === 'maintenance') planned += ms;
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
    maintenanceS: secs(planned),
    unknownS: secs(unknown),
    periodS: secs(to - from),
    availabilityPct: up + down > 0 ? (up / (up + down)) * 100 : null,
    observed: to > from ? (up + down + planned) / (to - from) : 0,
    outages,
    maintenance: maintenancePeriods(segs, windows),
    mttrS: repaired.length ? repaired.reduce((a, o) => a + o.durationS, 0) / repaired.length : null,
    mtbfS: outages.length ? secs(up) / outages.length : null,
  };
}
