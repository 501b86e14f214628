import { describe, expect, it } from 'vitest';
import { documentNumber, formatFraction, formatGB, formatMbps, formatMoment, formatMonth, formatPct, subjectFor } from '../../collector/report/i18n.js';

describe('report number formatting', () => {
  it('formats bytes as GB exactly from bigint, beyond 2^64', () => {
    // 2^64 + 1 bytes = 18446744073.709551617 GB: a float would lose the last digits.
    expect(formatGB((1n << 64n) + 1n, 'en')).toBe('18,446,744,073.71');
    expect(formatGB('123456789012345678901234567', 'id')).toBe('123.456.789.012.345.678,90');
    expect(formatGB('999999999999999999999995000000', 'en', 2)).toBe('1,000,000,000,000,000,000,000.00');
  });

  it('rounds half up at the second decimal', () => {
    expect(formatGB('1004999999', 'en')).toBe('1.00');
    expect(formatGB('1005000000', 'en')).toBe('1.01');
    expect(formatGB('0', 'id')).toBe('0,00');
    expect(formatGB(3_000_000_000_000n, 'id', 0)).toBe('3.000');
  });

  it('uses "." for thousands and "," for decimals in Indonesian, the reverse in English', () => {
    expect(formatGB('1234567890123', 'id')).toBe('1.234,57');
    expect(formatGB('1234567890123', 'en')).toBe('1,234.57');
    expect(formatMbps(1_234_560_000, 'id')).toBe('1.234,6');
    expect(formatMbps(1_234_560_000, 'en')).toBe('1,234.6');
    expect(formatPct(85.25, 'id', 1)).toBe('85,3\u00a0%');
    expect(formatPct(undefined, 'en')).toBe('–');
    expect(formatFraction(0.9731, 'en')).toBe('97.3\u00a0%');
  });

  it('names months in the report language', () => {
    expect(formatMonth('2026-10', 'id')).toBe('Oktober 2026');
    expect(formatMonth('2026-10', 'en')).toBe('October 2026');
    expect(subjectFor('2026-11', 'id')).toBe('Evaluasi Penggunaan Bandwidth — November 2026');
    expect(subjectFor('2026-10', 'en')).toBe('Bandwidth Usage Evaluation — October 2026');
    expect(subjectFor('2026-12', 'id', true)).toBe('Evaluasi Penggunaan Bandwidth — Desember 2026 (sementara)');
  });

  it('writes the moment figures stop at in the zone, the way each language writes time', () => {
    const t = Date.UTC(2026, 11, 14, 7, 25);
    expect(formatMoment(t, 'Asia/Jakarta', 'id')).toBe('14 Des pukul 14.25 WIB');
    expect(formatMoment(t, 'Asia/Makassar', 'id')).toBe('14 Des pukul 15.25 WITA');
    expect(formatMoment(t, 'Asia/Jayapura', 'en')).toBe('14 Dec, 16:25 WIT');
    expect(formatMoment(Date.UTC(2026, 11, 13, 17, 5), 'Asia/Jakarta', 'id')).toBe('14 Des pukul 00.05 WIB');
  });

  it('fills a document number pattern with the report month', () => {
    expect(documentNumber('000.5.2/{ROMAN}/BW/{YYYY}', '2026-11')).toBe('000.5.2/XI/BW/2026');
    expect(documentNumber('{YYYY}{MM}-BW/{ROMAN}', '2027-04')).toBe('202704-BW/IV');
  });
});
