// Calendar months in the deployment's IANA time zone: 'YYYY-MM' ↔ [from, to) in ms since the
// epoch. Offsets come from Intl (the platform's tz database), never hard-coded, so zones with
// daylight saving work too: a month starts at the first instant whose local date is the 1st.

export interface MonthRange {
  /** Local midnight of the 1st, ms since the epoch (inclusive). */
  from: number;
  /** Local midnight of the next month's 1st (exclusive). */
  to: number;
}

const MONTH_RE = /^(\d{4})-(\d{2})$/;

/** Parses 'YYYY-MM' (years 1970–9999); throws a RangeError saying what was expected. */
export function parseMonth(month: string): { year: number; month: number } {
  const m = MONTH_RE.exec(String(month));
  const year = m ? Number(m[1]) : NaN;
  const mon = m ? Number(m[2]) : NaN;
  if (!m || year < 1970 || mon < 1 || mon > 12)
    throw new RangeError(`expected a month as YYYY-MM such as 2026-03 (month 01-12, year from 1970), found "${month}"`);
  return { year, month: mon };
}

export function isMonth(s: string): boolean {
  try {
    parseMonth(s);
    return true;
  } catch {
    return false;
  }
}

export function formatMonthKey(year: number, month: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;
}

/** The month `delta` months after (or before, when negative) `month`. */
export function addMonths(month: string, delta: number): string {
  const { year, month: m } = parseMonth(month);
  const idx = year * 12 + (m - 1) + delta;
  return formatMonthKey(Math.floor(idx / 12), (idx % 12) + 1);
}

/** The `n` months before `month`, newest first, not including `month`: ('2026-02', 2) → ['2026-01', '2025-12']. */
export function previousMonths(month: string, n: number): string[] {
  parseMonth(month);
  return Array.from({ length: Math.max(0, Math.floor(n)) }, (_, i) => addMonths(month, -(i + 1)));
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: tz,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw new RangeError(`expected an IANA time zone such as Asia/Jakarta, Asia/Makassar or Asia/Jayapura, found "${tz}"`);
    }
    formatters.set(tz, f);
  }
  return f;
}

/** The local wall-clock time of instant `ts` in `tz`, expressed as if it were UTC ms. */
export function localWallMs(ts: number, tz: string): number {
  const parts = formatter(tz).formatToParts(new Date(ts));
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value); // formatToParts has every part asked for
  const hour = get('hour') % 24; // some engines print midnight as 24
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), hour, get('minute'), get('second'));
  return wall + (((ts % 1000) + 1000) % 1000);
}

/** The UTC offset of `tz` at `ts`, ms (local − UTC). */
export function offsetAt(ts: number, tz: string): number {
  return localWallMs(ts, tz) - ts;
}

const DAY = 86_400_000;

/** The first instant whose local wall-clock time in `tz` is at or after `wall` (UTC-as-local ms). */
function firstInstantAtLocal(wall: number, tz: string): number {
  const candidates = new Set([offsetAt(wall - DAY, tz), offsetAt(wall, tz), offsetAt(wall + DAY, tz)].map((o) => wall - o));
  let best = Infinity;
  for (const t of candidates) if (localWallMs(t, tz) === wall && t < best) best = t;
  if (best !== Infinity) return best;
  // The local time does not exist (a daylight-saving jump over midnight): the first instant after the jump.
  let lo = wall - DAY; // local time certainly before `wall`
  let hi = wall + DAY; // certainly after
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (localWallMs(mid, tz) >= wall) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** [from, to) of `month` in `tz`: local midnight of the 1st to local midnight of the next 1st. */
export function monthRange(month: string, tz: string): MonthRange {
  const { year, month: m } = parseMonth(month);
  formatter(tz); // validates the zone with a clear message
  const from = firstInstantAtLocal(Date.UTC(year, m - 1, 1), tz);
  const to = firstInstantAtLocal(Date.UTC(year, m, 1), tz);
  return { from, to };
}

/** The 'YYYY-MM' that instant `ts` falls in, in `tz`. */
export function monthOf(ts: number, tz: string): string {
  const d = new Date(localWallMs(ts, tz));
  return formatMonthKey(d.getUTCFullYear(), d.getUTCMonth() + 1);
}
