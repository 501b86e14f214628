import { describe, expect, it } from 'vitest';
import { formatDays } from '../../collector/accounting/days.js';

// formatDays names how much of a month is observed in the reasons of a provisional
// recommendation and of a withheld projection: whole hours below one day, days to one
// decimal (rounded down, so it never claims more than was observed) from one day on.
describe('formatDays', () => {
  it('counts whole hours below one day, rounded down', () => {
    expect(formatDays(0.5, 'id')).toBe('12 jam');
    expect(formatDays(0.5, 'en')).toBe('12 hours');
    // 14 h 59 min is 14 hours, not 15
    expect(formatDays((14 * 60 + 59) / 1440, 'id')).toBe('14 jam');
    expect(formatDays((23 * 60 + 59) / 1440, 'en')).toBe('23 hours');
  });

  it('says "1 hour" in English for one hour and "0 hours" for less', () => {
    expect(formatDays(1 / 24, 'en')).toBe('1 hour');
    expect(formatDays(1.5 / 24, 'en')).toBe('1 hour');
    expect(formatDays(1 / 24, 'id')).toBe('1 jam');
    expect(formatDays(0, 'en')).toBe('0 hours');
    expect(formatDays(0, 'id')).toBe('0 jam');
    expect(formatDays(2 / 24, 'en')).toBe('2 hours');
  });

  it('switches to days at exactly one day', () => {
    expect(formatDays(1, 'id')).toBe('1 hari');
    expect(formatDays(1, 'en')).toBe('1 day');
    expect(formatDays(1.05, 'en')).toBe('1 day');
  });

  it('gives days to one decimal, rounded down, with a decimal comma in Indonesian', () => {
    expect(formatDays(2.5, 'id')).toBe('2,5 hari');
    expect(formatDays(2.5, 'en')).toBe('2.5 days');
    expect(formatDays(2.99, 'id')).toBe('2,9 hari');
    expect(formatDays(2.99, 'en')).toBe('2.9 days');
    expect(formatDays(3, 'en')).toBe('3 days');
    expect(formatDays(30.5, 'id')).toBe('30,5 hari');
    expect(formatDays(1.1, 'en')).toBe('1.1 days');
  });

  it('speaks Indonesian without a language', () => {
    expect([formatDays(2.5), formatDays(0.5)]).toEqual(['2,5 hari', '12 jam']);
  });
});
