// Complete local days of each device's own timeline, kept in memory: a month is read from the
// store once (43,200 rows per kind of observation at 60-second intervals), then from here.
// The timeline is local in time (the state at t depends only on the last observation of each
// kind at or before t and its age), so a month is exactly the concatenation of its days.
// A sample stored for a cached day drops that day and the one its observation reaches into.
import type { Sample } from '../../protocol/samples.js';
import type { Segment } from './timeline.js';

const DAY = 86_400_000;

export class DayCache {
  private readonly days = new Map<string, Segment[]>();

  /** `offsetMs`: the zone's fixed UTC offset (the config refuses zones with daylight saving). */
  constructor(private readonly offsetMs: number) {}

  /** Local midnight at or before `t`. */
  dayStart(t: number): number {
    return Math.floor((t + this.offsetMs) / DAY) * DAY - this.offsetMs;
  }

  get(device: string, day: number): Segment[] | undefined {
    return this.days.get(`${device}\u0000${day}`);
  }

  set(device: string, day: number, segs: Segment[]): Segment[] {
    this.days.set(`${device}\u0000${day}`, segs);
    return segs;
  }

  /** Drops the days that stored observations change: [ts, ts + holdMs] of each. */
  stored(samples: readonly Sample[], holdMs: (device: string) => number): void {
    if (this.days.size === 0) return;
    for (const s of samples) {
      if (s.type !== 'ping' && s.type !== 'poll' && s.type !== 'host') continue;
      for (let d = this.dayStart(s.ts); d <= s.ts + holdMs(s.device); d += DAY) this.days.delete(`${s.device}\u0000${d}`);
    }
  }

  get size(): number {
    return this.days.size;
  }
}

export { DAY };
