import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../collector/report/html.js';
import { collectorSchema } from '../../config/collector.js';
import { makeDaily, makeUsageReport } from './fixture.js';

describe('report HTML', () => {
  const report = makeUsageReport({ count: 40 });
  const daily = makeDaily(report);

  it('escapes OPD names and every other text', () => {
    const html = renderHtml(report, { language: 'id', daily, deployment: 'Diskominfo <Tangerang>' });
    expect(html).not.toContain('<Koperasi>');
    expect(html).toContain('Dinas &lt;Koperasi&gt; &amp; UKM &quot;Usaha Mikro&quot;');
    expect(html).toContain('Diskominfo &lt;Tangerang&gt;');
  });

  it('is a standalone document: inline CSS and SVG, nothing fetched', () => {
    const html = renderHtml(report, { language: 'id', daily });
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).not.toMatch(/<link\b|<script\b|<img\b|url\(|src=|@import/i);
    expect(html).toMatch(/<svg[^>]*viewBox/);
    expect(html).toContain('table-layout: fixed');
  });

  it('speaks Indonesian by default and English on request', () => {
    expect(collectorSchema.parse({}).report.language).toBe('id');
    const id = renderHtml(report, { language: collectorSchema.parse({}).report.language });
    expect(id).toContain('<html lang="id">');
    expect(id).toContain('Evaluasi Penggunaan Bandwidth');
    expect(id).toContain('Periode: Oktober 2026');
    expect(id).toContain('Ringkasan untuk Tim Koordinasi');
    const en = renderHtml(makeUsageReport({ count: 40, language: 'en' }), { language: 'en' });
    expect(en).toContain('<html lang="en">');
    expect(en).toContain('Period: October 2026');
    expect(en).toContain('Summary for the Coordination Team');
    expect(en).not.toContain('Ringkasan');
  });

  it('puts the summary first, with over-quota OPDs and the reasons for each recommended change', () => {
    const html = renderHtml(report, { language: 'id', daily });
    const summaryAt = html.indexOf('Ringkasan untuk Tim Koordinasi');
    expect(summaryAt).toBeGreaterThan(0);
    expect(summaryAt).toBeLessThan(html.indexOf('Tabel evaluasi'));
    for (const o of report.opds.filter((x) => x.recommendation.action !== 'keep')) {
      const at = html.indexOf(o.recommendation.reason.replaceAll('"', '&quot;'));
      expect(at).toBeGreaterThan(summaryAt);
      expect(at).toBeLessThan(html.indexOf('Tabel evaluasi'));
    }
    // RSUD is over quota in the fixture: named in the summary's attention table.
    expect(html.slice(summaryAt, html.indexOf('Tabel evaluasi'))).toContain('RSUD Kabupaten Tangerang');
    expect(html).toContain('Melebihi kuota');
  });

  it('shows exact GB figures in Indonesian format', () => {
    const o = report.opds[0];
    const gb = BigInt(o.countedBytes);
    const hundredths = (gb * 100n + 500_000_000n) / 1_000_000_000n;
    const expected = `${(hundredths / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, '.')},${(hundredths % 100n).toString().padStart(2, '0')}`;
    expect(renderHtml(report, { language: 'id' })).toContain(expected);
  });
});
