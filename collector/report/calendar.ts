// Calendar arithmetic for the report schedule, in the deployment's IANA zone: the local month
// of an instant, the month before it, and the last time a cron expression fired (node-cron
// only looks forward; catching up after downtime needs the previous firing).
import cron from 'node-cron';

interface LocalParts {
  year: number;
  month: number; // 1..12
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function localParts(ms: number, timezone: string): LocalParts {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timezone, f);
  }
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(new Date(ms))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return { year: p.year, month: p.month, day: p.day, hour: p.hour, minute: p.minute, second: p.second };
}

/** Offset of `timezone` from UTC at instant `ms`, in ms (WIB: +7 h). */
function offsetAt(ms: number, timezone: string): number {
  const p = localParts(ms, timezone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(ms / 1000) * 1000;
}

/** The instant at which the zone's wall clock shows the given local time. */
export function localToInstant(y: number, mo: number, d: number, h: number, mi: number, s: number, timezone: string): number {
  const naive = Date.UTC(y, mo - 1, d, h, mi, s);
  let t = naive - offsetAt(naive, timezone);
  t = naive - offsetAt(t, timezone); // second pass settles a DST transition between the guesses
  return t;
}

/** "YYYY-MM" of the instant in the zone. */
export function localMonth(ms: number, timezone: string): string {
  const p = localParts(ms, timezone);
  return `${p.year}-${String(p.month).padStart(2, '0')}`;
}

/** "2026-01" → "2025-12". */
export function previousMonth(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

/** The month a report firing at `ms` covers: the month before the firing, in the zone. */
export function reportMonthFor(ms: number, timezone: string): string {
  return previousMonth(localMonth(ms, timezone));
}

export function isMonth(s: string): boolean {
  return /^\d{4}-(0[1-9]|1[0-2])$/.test(s);
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
