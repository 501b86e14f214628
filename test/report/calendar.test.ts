import { describe, expect, it } from 'vitest';
import { localMonth, previousFiring, previousMonth, reportMonthFor } from '../../collector/report/calendar.js';

const WIB = 'Asia/Jakarta';

describe('report calendar', () => {
  it('reports the month before the firing, in the deployment zone', () => {
    // 2026-11-01 08:00 WIB is 01:00 UTC.
    expect(reportMonthFor(Date.parse('2026-11-01T01:00:00Z'), WIB)).toBe('2026-10');
    // 2026-10-31 23:30 UTC is already 1 November in WIT (UTC+9).
    expect(localMonth(Date.parse('2026-10-31T23:30:00Z'), 'Asia/Jayapura')).toBe('2026-11');
    expect(localMonth(Date.parse('2026-10-31T23:30:00Z'), WIB)).toBe('2026-11');
    expect(localMonth(Date.parse('2026-10-31T16:30:00Z'), WIB)).toBe('2026-10');
    expect(previousMonth('2027-01')).toBe('2026-12');
  });

  it('finds the last firing of "0 8 1 * *" at or before now', () => {
    expect(previousFiring('0 8 1 * *', WIB, Date.parse('2026-11-24T16:00:00Z'))).toBe(Date.parse('2026-11-01T01:00:00Z'));
    expect(previousFiring('0 8 1 * *', WIB, Date.parse('2026-11-01T01:00:00Z'))).toBe(Date.parse('2026-11-01T01:00:00Z'));
    expect(previousFiring('0 8 1 * *', WIB, Date.parse('2026-11-01T00:59:59Z'))).toBe(Date.parse('2026-10-01T01:00:00Z'));
    expect(previousFiring('0 8 1 * *', 'Asia/Makassar', Date.parse('2027-01-05T00:00:00Z'))).toBe(Date.parse('2027-01-01T00:00:00Z'));
  });

  it('gives nothing for an expression that did not fire in the window', () => {
    expect(previousFiring('0 0 1 1 *', WIB, Date.parse('2026-11-24T00:00:00Z'), 60)).toBeUndefined();
    expect(previousFiring('0 0 1 1 *', WIB, Date.parse('2026-11-24T00:00:00Z'))).toBe(Date.parse('2025-12-31T17:00:00Z'));
  });
});
