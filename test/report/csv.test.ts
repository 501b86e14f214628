import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, csvField, renderCsv, renderJson } from '../../collector/report/csv.js';
import { makeEmptyReport, makeUsageReport } from './fixture.js';
import { parseCsv } from './peers.js';

describe('report CSV and JSON', () => {
  const report = makeUsageReport({ count: 40 });

  it('writes one row per OPD under stable English column names', () => {
    const rows = parseCsv(renderCsv(report));
    expect(rows[0].slice(0, 20)).toEqual([
      'opd', 'name', 'in_bytes', 'out_bytes', 'total_bytes', 'counted_bytes', 'quota_volume_bytes', 'quota_rate_bps',
      'used_pct_volume', 'used_pct_rate', 'p95_in_bps', 'p95_out_bps', 'p95_max_bps', 'peak_in_bps', 'peak_out_bps',
      'peak_max_bps', 'coverage', 'projected_bytes', 'status', 'recommendation',
    ]);
    expect(rows[0]).toEqual(CSV_COLUMNS.map(([n]) => n));
    expect(rows).toHaveLength(report.opds.length + 1);
  });

  it('carries exact integer bytes and the report figures unchanged', () => {
    const [head, ...rows] = parseCsv(renderCsv(report));
    const col = (name: string) => head.indexOf(name);
    rows.forEach((r, i) => {
      const o = report.opds[i];
      expect(r[col('opd')]).toBe(o.opd);
      expect(r[col('name')]).toBe(o.name);
      expect(BigInt(r[col('total_bytes')])).toBe(BigInt(o.totalBytes));
      expect(r[col('in_bytes')]).toBe(o.inBytes);
      expect(r[col('counted_bytes')]).toBe(o.countedBytes);
      expect(r[col('quota_volume_bytes')]).toBe(o.quota.volumeBytes ?? '');
      expect(r[col('p95_max_bps')]).toBe(String(o.p95Bps.maxBps));
      expect(r[col('used_pct_rate')]).toBe(o.usedPct.rate === undefined ? '' : String(o.usedPct.rate));
      expect(r[col('coverage')]).toBe(String(o.coverage));
      expect(r[col('recommendation')]).toBe(o.recommendation.action);
      expect(r[col('reason')]).toBe(o.recommendation.reason);
    });
  });

  it('quotes per RFC 4180 and ends lines in CRLF', () => {
    expect(csvField('Dinas <Koperasi> & UKM "Usaha Mikro"')).toBe('"Dinas <Koperasi> & UKM ""Usaha Mikro"""');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('line\nbreak')).toBe('"line\nbreak"');
    expect(csvField(undefined)).toBe('');
    const text = renderCsv(report);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.split('\r\n')).toHaveLength(report.opds.length + 2);
  });

  it('appends the issue-9 columns after the earlier ones, suggested volume among them', () => {
    const [head, ...rows] = parseCsv(renderCsv(report));
    expect(head.slice(head.indexOf('timezone') + 1, head.indexOf('data_since') + 1)).toEqual([
      'suggested_volume_bytes', 'recommendation_coverage', 'observed_from', 'observed_to', 'unobserved',
      'projection_basis_from', 'projection_basis_to', 'projection_observed_days', 'report_state', 'provisional_until', 'data_since',
    ]);
    expect(head[head.indexOf('data_since') + 1]).toBe('backup_state'); // issue 10's columns follow
    const col = (name: string) => head.indexOf(name);
    const rsud = rows.find((r) => r[col('opd')] === 'rsud')!;
    expect(rsud[col('recommendation')]).toBe('increase');
    expect(rsud[col('suggested_rate_bps')]).toBe('30000000');
    expect(rsud[col('suggested_volume_bytes')]).toBe('1200000000000');
    expect(rsud[col('observed_from')]).toBe('2026-10-01T00:00:00+07:00');
    expect(rsud[col('observed_to')]).toBe('2026-11-01T00:00:00+07:00');
    expect(rsud[col('report_state')]).toBe('complete');
    expect(rsud[col('provisional_until')]).toBe('');
    const gappy = rows.find((r) => r[col('opd')] === 'diskominfo')!; // coverage 72.4 %
    expect(gappy[col('unobserved')]).toMatch(/^2026-10-06T00:00:00\+07:00\/2026-10-\d\dT\d\d:\d\d:\d\d\+07:00$/);
  });

  it('leaves the figures of an OPD without data empty, never zero, and says no_data and withheld', () => {
    const r = makeUsageReport({ count: 6, noData: ['dprd'] });
    const [head, ...rows] = parseCsv(renderCsv(r));
    const row = rows.find((x) => x[head.indexOf('opd')] === 'dprd')!;
    for (const c of ['in_bytes', 'out_bytes', 'total_bytes', 'counted_bytes', 'used_pct_volume', 'used_pct_rate', 'p95_max_bps', 'peak_max_bps', 'observed_from'])
      expect([c, row[head.indexOf(c)]]).toEqual([c, '']);
    expect(row[head.indexOf('coverage')]).toBe('0');
    expect(row[head.indexOf('status')]).toBe('no_data');
    expect(row[head.indexOf('recommendation')]).toBe('withheld');
    expect(row[head.indexOf('quota_rate_bps')]).toBe(String(r.opds[1].quota.rateBps));
    const empty = parseCsv(renderCsv(makeEmptyReport({ count: 3 })));
    expect(empty.slice(1).map((x) => x[empty[0].indexOf('report_state')])).toEqual(['no_data', 'no_data', 'no_data']);
  });

  it('marks the figures of the current month as provisional up to the report time', () => {
    const r = makeUsageReport({ count: 4, month: '2026-12', inProgressAt: Date.UTC(2026, 11, 14, 7, 25), dataSince: Date.UTC(2026, 11, 1, 3, 0) });
    const [head, row] = parseCsv(renderCsv(r));
    expect(row[head.indexOf('report_state')]).toBe('in_progress');
    expect(row[head.indexOf('provisional_until')]).toBe('2026-12-14T14:25:00+07:00');
    expect(row[head.indexOf('data_since')]).toBe('2026-12-01T10:00:00+07:00');
    expect(row[head.indexOf('projection_basis_from')]).toBe('2026-12-01T10:00:00+07:00');
    expect(row[head.indexOf('projection_observed_days')]).toBe('13.2');
    expect(BigInt(row[head.indexOf('projected_bytes')])).toBeGreaterThan(BigInt(row[head.indexOf('counted_bytes')]));
  });

  it('renders JSON equal to the UsageReport', () => {
    expect(JSON.parse(renderJson(report))).toEqual(report);
  });
});
