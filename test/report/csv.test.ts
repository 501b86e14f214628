import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, csvField, renderCsv, renderJson } from '../../collector/report/csv.js';
import { makeUsageReport } from './fixture.js';
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

  it('renders JSON equal to the UsageReport', () => {
    expect(JSON.parse(renderJson(report))).toEqual(report);
  });
});
