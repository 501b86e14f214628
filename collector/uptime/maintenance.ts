// Planned maintenance in up-time: a device's down time inside a maintenance window (a silence
// matching the device, its OPD or device_down; collector/alerts/silences.ts windowsOf) is
// `maintenance`, reported apart from outages and left out of availability. Up time and unknown
// time inside a window stay what they are: a window never makes unobserved time count. Pure.
import type { MaintenancePeriod } from '../../protocol/uptime.js';
import type { Segment, SegState } from './timeline.js';

/** A maintenance window as the silences give it, clipped to the asked period. */
export interface MaintenanceWindow {
  start: number;
  end: number;
  silence: number;
  reason: string;
}

/** The maintenance windows of a device within [from, to) (as they were in force). */
export type MaintenanceSource = (device: string, from: number, to: number) => MaintenanceWindow[];

export type FigState = SegState | 'maintenance';

export interface FigSegment {
  from: number;
  to: number;
  state: FigState;
}

/** The union of the windows as sorted, disjoint [start, end) ranges. */
function union(windows: readonly MaintenanceWindow[]): [number, number][] {
  const sorted = windows.filter((w) => w.end > w.start).map((w): [number, number] => [w.start, w.end]).sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

/** `segs` with their down time inside any window turned into `maintenance` (neighbours merged). */
export function planned(segs: readonly Segment[], windows: readonly MaintenanceWindow[]): FigSegment[] {
  const ranges = union(windows);
  if (ranges.length === 0) return segs.map((s) => ({ ...s }));
  const out: FigSegment[] = [];
  const push = (from: number, to: number, state: FigState) => {
    if (to <= from) return;
    const last = out[out.length - 1];
    if (last && last.state === state && last.to === from) last.to = to;
    else out.push({ from, to, state });
  };
  for (const s of segs) {
    if (s.state !== 'down') {
      push(s.from, s.to, s.state);
      continue;
    }
    let cursor = s.from;
    for (const [a, b] of ranges) {
      if (b <= cursor || a >= s.to) continue;
      push(cursor, Math.max(cursor, a), 'down');
      push(Math.max(cursor, a), Math.min(b, s.to), 'maintenance');
      cursor = Math.min(b, s.to);
    }
    push(cursor, s.to, 'down');
  }
  return out;
}

/** Each run of maintenance time, with the silences (id and reason) whose windows it lies in. */
export function maintenancePeriods(segs: readonly FigSegment[], windows: readonly MaintenanceWindow[]): MaintenancePeriod[] {
  return segs
    .filter((s) => s.state === 'maintenance')
    .map((s) => {
      const seen = new Set<number>();
      const by = windows.filter((w) => w.start < s.to && w.end > s.from && !seen.has(w.silence) && seen.add(w.silence));
      return { start: s.from, end: s.to, durationS: (s.to - s.from) / 1000, silences: by.map((w) => ({ id: w.silence, reason: w.reason })) };
    });
}
