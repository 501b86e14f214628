// Complete local days of each device's own up-time timeline, persisted (table uptime_day), so
// the first read of a month after a restart reads one row per device and day instead of every
// sample (43,200 per device-month at 1-minute pings). A day's row is written once the day is
// over and read back only for the same hold (two of the agent's intervals). Days in the past
// change only by late samples: the ingest transaction deletes the rows a stored ping, poll or
// host sample reaches (Store.writeBody: day in (ts − 1 day, ts + hold]), so a row is never
// stale, also across a crash. Only the collector writes rows; `pantau report` only reads them.
import type { Store } from '../storage/store.js';
import type { Segment, SegState } from './timeline.js';

const CODE: Record<SegState, number> = { up: 0, down: 1, unknown: 2 };
const STATE: SegState[] = ['up', 'down', 'unknown'];

/** Segments of one day as a flat JSON array [fromOffset, toOffset, state code, ...], offsets in ms from the day's start. */
export function encodeDay(day: number, segs: readonly Segment[]): string {
  const flat: number[] = [];
  for (const s of segs) flat.push(s.from - day, s.to - day, CODE[s.state]);
  return JSON.stringify(flat);
}

export function decodeDay(day: number, text: string): Segment[] {
  const flat = JSON.parse(text) as number[];
  const out: Segment[] = [];
  for (let i = 0; i + 2 < flat.length; i += 3) out.push({ from: day + flat[i], to: day + flat[i + 1], state: STATE[flat[i + 2]] });
  return out;
}

export interface DayRow {
  device: number;
  day: number;
  holdMs: number;
  segs: Segment[];
}

export class DayStore {
  private readonly q;
  private readonly putAll: (rows: readonly DayRow[]) => void;

  constructor(store: Store) {
    const d = store.db;
    this.q = {
      days: d.prepare('SELECT day, segs FROM uptime_day WHERE device = ? AND day >= ? AND day < ? AND hold_ms = ?').raw(),
      put: d.prepare('INSERT INTO uptime_day (device, day, hold_ms, segs) VALUES (?, ?, ?, ?) ON CONFLICT (device, day) DO UPDATE SET hold_ms = excluded.hold_ms, segs = excluded.segs'),
    };
    this.putAll = d.transaction((rows: readonly DayRow[]) => {
      for (const r of rows) this.q.put.run(r.device, r.day, r.holdMs, encodeDay(r.day, r.segs));
    });
  }

  /** The stored days of `device` starting in [from, to) computed with `holdMs`. */
  days(device: number, from: number, to: number, holdMs: number): Map<number, Segment[]> {
    const out = new Map<number, Segment[]>();
    for (const [day, text] of this.q.days.all(device, from, to, holdMs) as [number, string][]) out.set(day, decodeDay(day, text));
    return out;
  }

  /** Writes the rows in one transaction (one fsync for a month of many devices). */
  put(rows: readonly DayRow[]): void {
    if (rows.length) this.putAll(rows);
  }
}
