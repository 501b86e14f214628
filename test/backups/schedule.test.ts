// Schedules in the deployment's zone: slots before and after any instant, across local midnight
// in WIB (UTC+7) and WITA (UTC+8), for daily and weekly cron expressions.
import { describe, expect, it } from 'vitest';
import { Schedule } from '../../collector/backups/schedule.js';

const t = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

describe('Schedule', () => {
  it('finds a daily 23:30 WITA slot on both sides of local midnight', () => {
    const s = new Schedule('30 23 * * *', 'Asia/Makassar');
    // 23:59 WITA on 10 March = 15:59 UTC; 00:01 WITA on 11 March = 16:01 UTC.
    expect(iso(s.previous(t('2026-03-10T15:59:00Z')))).toBe('2026-03-10T15:30:00.000Z');
    expect(iso(s.next(t('2026-03-10T15:59:00Z')))).toBe('2026-03-11T15:30:00.000Z');
    expect(iso(s.previous(t('2026-03-10T16:01:00Z')))).toBe('2026-03-10T15:30:00.000Z');
    // At the slot itself: previous is the slot, next is the day after.
    expect(iso(s.previous(t('2026-03-10T15:30:00Z')))).toBe('2026-03-10T15:30:00.000Z');
    expect(iso(s.next(t('2026-03-10T15:30:00Z')))).toBe('2026-03-11T15:30:00.000Z');
  });

  it('puts a daily 00:15 WIB slot on the local date, which is the day before in UTC', () => {
    const s = new Schedule('15 0 * * *', 'Asia/Jakarta');
    // 00:15 WIB on 1 April = 17:15 UTC on 31 March.
    expect(iso(s.next(t('2026-03-31T12:00:00Z')))).toBe('2026-03-31T17:15:00.000Z');
    const april = s.between(t('2026-03-31T17:00:00Z'), t('2026-04-30T17:00:00Z')); // April in WIB
    expect(april).toHaveLength(30);
    expect(iso(april[0])).toBe('2026-03-31T17:15:00.000Z');
    expect(iso(april.at(-1))).toBe('2026-04-29T17:15:00.000Z');
  });

  it('finds a weekly Monday 00:30 slot on the local Monday in WIB and WITA', () => {
    // 2 March 2026 is a Monday. 00:30 WIB = 17:30 UTC Sunday; 00:30 WITA = 16:30 UTC Sunday.
    const wib = new Schedule('30 0 * * 1', 'Asia/Jakarta');
    const wita = new Schedule('30 0 * * mon', 'Asia/Makassar');
    const sundayEvening = t('2026-03-01T17:00:00Z'); // 00:00 WIB Monday, 01:00 WITA Monday
    expect(iso(wib.next(sundayEvening))).toBe('2026-03-01T17:30:00.000Z');
    expect(iso(wita.previous(sundayEvening))).toBe('2026-03-01T16:30:00.000Z');
    expect(iso(wib.previous(sundayEvening))).toBe('2026-02-22T17:30:00.000Z');
    expect(wib.between(t('2026-02-28T17:00:00Z'), t('2026-03-31T17:00:00Z')).map(iso)).toEqual([
      '2026-03-01T17:30:00.000Z',
      '2026-03-08T17:30:00.000Z',
      '2026-03-15T17:30:00.000Z',
      '2026-03-22T17:30:00.000Z',
      '2026-03-29T17:30:00.000Z',
    ]);
  });

  it('understands node-cron day tokens (last day of the month)', () => {
    const s = new Schedule('0 2 L * *', 'Asia/Jakarta');
    expect(iso(s.next(t('2026-02-10T00:00:00Z')))).toBe('2026-02-27T19:00:00.000Z'); // 28 Feb 02:00 WIB
  });
});
