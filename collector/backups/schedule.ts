// A backup schedule: the instants a cron expression names in the deployment's time zone,
// forwards and backwards from any instant (node-cron itself only walks forwards from the real
// clock). The expression is expanded by node-cron's own parser, and a day is matched by
// node-cron's own matcher, so `L`, `W`, `#` and the AND of day-of-month and day-of-week mean
// exactly what they mean to config validation and to the report schedule.
import cron from 'node-cron';
import { localWallMs, offsetAt } from '../accounting/months.js';

const DAY = 86_400_000;
/** How far a walk looks for the next or previous slot: a yearly schedule still has one. */
const HORIZON_DAYS = 800;

export class Schedule {
  /** Times of day of a matching day, ms after local midnight, ascending. */
  private readonly times: number[];
  private readonly matches: (at: Date) => boolean;
  private readonly dayCache = new Map<number, boolean>();

  constructor(
    readonly expression: string,
    readonly timezone: string,
  ) {
    const f = cron.parse(expression);
    const times: number[] = [];
    for (const h of f.hour) for (const m of f.minute) for (const s of f.second) times.push(((h * 60 + m) * 60 + s) * 1000);
    this.times = times.sort((a, b) => a - b);
    const task = cron.createTask(expression, () => undefined, { timezone });
    void task.destroy(); // only its matcher is used: no timer, out of node-cron's registry
    this.matches = (d) => task.match(d);
  }

  /** Instant of local wall time `wall` (UTC-as-local ms); the zones Pantau accepts have no daylight saving. */
  private instant(wall: number): number {
    const guess = wall - offsetAt(wall, this.timezone);
    return wall - offsetAt(guess, this.timezone);
  }

  /** Whether the local day starting at wall ms `day` is a day the schedule fires on. */
  private dayMatches(day: number): boolean {
    let v = this.dayCache.get(day);
    if (v === undefined) {
      v = this.matches(new Date(this.instant(day + this.times[0])));
      if (this.dayCache.size > 4000) this.dayCache.clear();
      this.dayCache.set(day, v);
    }
    return v;
  }

  /** The slots in [from, to), ascending (at most `limit`). */
  between(from: number, to: number, limit = 50_000): number[] {
    const out: number[] = [];
    if (to <= from) return out;
    const first = Math.floor(localWallMs(from, this.timezone) / DAY) * DAY;
    const last = Math.floor(localWallMs(to, this.timezone) / DAY) * DAY;
    for (let day = first; day <= last && out.length < limit; day += DAY) {
      if (!this.dayMatches(day)) continue;
      for (const t of this.times) {
        const at = this.instant(day + t);
        if (at >= from && at < to) out.push(at);
      }
    }
    return out;
  }

  /** The last slot at or before `at`, or undefined when there is none within the horizon. */
  previous(at: number): number | undefined {
    const start = Math.floor(localWallMs(at, this.timezone) / DAY) * DAY;
    for (let day = start, n = 0; n < HORIZON_DAYS; day -= DAY, n++) {
      if (!this.dayMatches(day)) continue;
      for (let i = this.times.length - 1; i >= 0; i--) {
        const s = this.instant(day + this.times[i]);
        if (s <= at) return s;
      }
    }
    return undefined;
  }

  /** The first slot strictly after `at`, or undefined when there is none within the horizon. */
  next(at: number): number | undefined {
    const start = Math.floor(localWallMs(at, this.timezone) / DAY) * DAY;
    for (let day = start, n = 0; n < HORIZON_DAYS; day += DAY, n++) {
      if (!this.dayMatches(day)) continue;
      for (const t of this.times) {
        const s = this.instant(day + t);
        if (s > at) return s;
      }
    }
    return undefined;
  }
}
