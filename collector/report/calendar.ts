// Calendar arithmetic for the report schedule, in the deployment's IANA zone: the local month
// of an instant, the month before it, and the last time a cron expression fired (node-cron
// only looks forward; catching up after downtime needs the previous firing).
import cron from 'node-cron';
import { addMonths, isMonth, localWallMs, monthOf, offsetAt } from '../accounting/months.js';

interface LocalParts {
  year: number;
  month: number; // 1..12
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function localParts(ms: number, timezone: string): LocalParts {
  const d = new Date(localWallMs(ms, timezone));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds() };
}

/** The instant at which the zone's wall clock shows the given local time. */
export function localToInstant(y: number, mo: number, d: number, h: number, mi: number, s: number, timezone: string): number {
  const naive = Date.UTC(y, mo - 1, d, h, mi, s);
  let t = naive - offsetAt(naive, timezone);
  t = naive - offsetAt(t, timezone); // second pass settles a DST transition between the guesses
  return t;
}

/** "YYYY-MM" of the instant in the zone. */
export const localMonth = monthOf;

/** "2026-01" → "2025-12". */
export function previousMonth(month: string): string {
  return addMonths(month, -1);
}

export { isMonth };

/** The month a report firing at `ms` covers: the month before the firing, in the zone. */
export function reportMonthFor(ms: number, timezone: string): string {
  return previousMonth(localMonth(ms, timezone));
}


/**
 * The latest instant ≤ `now` at which `expression` fires in `timezone`, looking back at most
 * `maxDays` days; undefined when it did not fire in that window. Walks local days backwards
 * and, on each day, the expression's hours, minutes and seconds from the latest.
 */
export function previousFiring(expression: string, timezone: string, now: number, maxDays = 400): number | undefined {
  const fields = cron.parse(expression);
  const task = cron.createTask(expression, () => undefined, { timezone });
  try {
    const hours = [...fields.hour].sort((a, b) => b - a);
    const minutes = [...fields.minute].sort((a, b) => b - a);
    const seconds = [...fields.second].sort((a, b) => b - a);
    const today = localParts(now, timezone);
    const nowSec = today.hour * 3600 + today.minute * 60 + today.second;
    let budget = 500_000; // guards expressions that (almost) never match, such as 30 February
    for (let back = 0; back <= maxDays; back++) {
      const day = new Date(Date.UTC(today.year, today.month - 1, today.day - back));
      const [y, mo, d] = [day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate()];
      for (const h of hours)
        for (const mi of minutes)
          for (const s of seconds) {
            if (back === 0 && h * 3600 + mi * 60 + s > nowSec) continue; // later today
            if (--budget < 0) return undefined;
            const t = localToInstant(y, mo, d, h, mi, s, timezone);
            if (t <= now && task.match(new Date(t))) return t;
          }
    }
    return undefined;
  } finally {
    void task.destroy();
  }
}
