import { describe, expect, it } from 'vitest';
import { addMonths, isMonth, monthOf, monthRange, parseMonth, previousMonths } from '../../collector/accounting/months.js';

const H = 3_600_000;

describe('monthRange', () => {
  it('runs from local midnight of the 1st to local midnight of the next 1st in WIB, WITA and WIT', () => {
    expect(monthRange('2026-03', 'Asia/Jakarta')).toEqual({ from: Date.UTC(2026, 2, 1) - 7 * H, to: Date.UTC(2026, 3, 1) - 7 * H });
    expect(monthRange('2026-03', 'Asia/Makassar')).toEqual({ from: Date.UTC(2026, 2, 1) - 8 * H, to: Date.UTC(2026, 3, 1) - 8 * H });
    expect(monthRange('2026-03', 'Asia/Jayapura')).toEqual({ from: Date.UTC(2026, 2, 1) - 9 * H, to: Date.UTC(2026, 3, 1) - 9 * H });
  });

  it('has the length of the month, leap February included', () => {
    const len = (m: string) => { const r = monthRange(m, 'Asia/Makassar'); return (r.to - r.from) / (24 * H); };
    expect([len('2028-02'), len('2026-02'), len('2026-04'), len('2026-12')]).toEqual([29, 28, 30, 31]);
  });

  it('crosses the year from December to January', () => {
    expect(monthRange('2026-12', 'Asia/Jakarta').to).toBe(monthRange('2027-01', 'Asia/Jakarta').from);
    expect(monthRange('2027-01', 'Asia/Jakarta').from).toBe(Date.UTC(2026, 11, 31, 17));
  });

  it('follows daylight saving where a zone has it', () => {
    expect(monthRange('2026-03', 'Europe/Berlin').from).toBe(Date.UTC(2026, 1, 28, 23)); // CET, +1
    expect(monthRange('2026-04', 'Europe/Berlin').from).toBe(Date.UTC(2026, 2, 31, 22)); // CEST, +2
    expect((monthRange('2026-03', 'Europe/Berlin').to - monthRange('2026-03', 'Europe/Berlin').from) / H).toBe(31 * 24 - 1);
  });

  it('starts a month whose local midnight does not exist at the jump after it', () => {
    // Paraguay moved its clocks from 00:00 to 01:00 on 1 October 2023 (UTC-4 → UTC-3).
    const oct = monthRange('2023-10', 'America/Asuncion');
    expect(oct.from).toBe(Date.UTC(2023, 9, 1, 4));
    expect(monthRange('2023-09', 'America/Asuncion').to).toBe(oct.from);
    expect(monthOf(oct.from - 1, 'America/Asuncion')).toBe('2023-09');
  });

  it('starts a month whose local midnight happens twice at the first one', () => {
    // Cuba turns its clocks back from 01:00 to 00:00 on 1 November 2026 (UTC-4 → UTC-5).
    expect(monthRange('2026-11', 'America/Havana').from).toBe(Date.UTC(2026, 10, 1, 4));
    expect(monthRange('2026-10', 'America/Havana').to).toBe(Date.UTC(2026, 10, 1, 4));
  });

  it('names the time zone it cannot use', () => {
    expect(() => monthRange('2026-03', 'Mars/Olympus')).toThrow(/IANA time zone.*Mars\/Olympus/);
  });
});

describe('monthOf', () => {
  it('puts an instant in the local month of the deployment', () => {
    const { from } = monthRange('2026-03', 'Asia/Makassar');
    expect(monthOf(from - 1, 'Asia/Makassar')).toBe('2026-02');
    expect(monthOf(from, 'Asia/Makassar')).toBe('2026-03');
    expect(monthOf(from, 'Asia/Jakarta')).toBe('2026-02'); // 23:00 WIB on 28 February
    expect(monthOf(from, 'Asia/Jayapura')).toBe('2026-03');
  });
});

describe('month keys', () => {
  it('lists the previous months newest first, across the year', () => {
    expect(previousMonths('2026-02', 3)).toEqual(['2026-01', '2025-12', '2025-11']);
    expect(previousMonths('2026-02', 0)).toEqual([]);
    expect(addMonths('2025-11', 14)).toBe('2027-01');
  });

  it('refuses what is not YYYY-MM with a clear message', () => {
    for (const bad of ['2026-13', '2026-00', '2026-3', '26-03', '2026/03', '', '1969-12'])
      expect(() => parseMonth(bad), bad).toThrow(/expected a month as YYYY-MM/);
    expect(parseMonth('2026-03')).toEqual({ year: 2026, month: 3 });
    expect([isMonth('2026-03'), isMonth('2026-3')]).toEqual([true, false]);
    expect(() => previousMonths('March', 2)).toThrow(/found "March"/);
  });
});
