import { describe, expect, it } from 'vitest';
import { escapeProse } from '../../collector/report/escape.js';
import { renderHtml } from '../../collector/report/html.js';
import type { DocumentOptions } from '../../collector/report/document.js';
import { collectorSchema } from '../../config/collector.js';
import { makeDaily, makeEmptyReport, makeUsageReport } from './fixture.js';

const EVALUATION = { ...collectorSchema.parse({}).evaluation, minCoveragePct: 50, projectAfterDays: 3 };
const ISSUER = {
  government: 'Pemerintah Kabupaten Tangerang',
  name: 'Dinas Komunikasi dan Informatika',
  address: 'Jl. H. Somawinata No. 1, Tigaraksa',
  city: 'Tigaraksa',
  signatory: { name: 'Drs. Budi Santoso, M.Si.', title: 'Kepala Dinas Komunikasi dan Informatika', nip: '19700101 199503 1 001' },
};
// 1×1 transparent PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

/** The text of an HTML fragment: tags dropped, entities of the escaper decoded, spaces collapsed. */
function text(html: string): string {
  return html
    .replace(/<style[\s\S]*?<\/style>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&').replace(/&nbsp;|\u00a0/g, ' ')
    .replace(/\s+/g, ' ');
}

/** The annex block of one OPD. */
function annexOf(html: string, opd: string): string {
  const at = html.indexOf(`id="opd-${opd}"`);
  expect(at).toBeGreaterThan(0);
  return html.slice(at, html.indexOf('<div class="opd-detail"', at + 10) > 0 ? html.indexOf('<div class="opd-detail"', at + 10) : undefined);
}

function rowOf(html: string, name: string): string {
  const table = html.slice(html.indexOf('<table class="eval">'));
  const row = table.split('<tr').find((r) => r.includes(`>${name}<`));
  expect(row).toBeDefined();
  return row!;
}

describe('report HTML', () => {
  const report = makeUsageReport({ count: 40 });
  const daily = makeDaily(report);
  const doc: DocumentOptions = { language: 'id', daily, method: EVALUATION };

  it('keeps a figure and its unit together in running text', () => {
    expect(escapeProse('p95 mencapai 85,4 % dari alokasi 30 Mbit/s, 1.200 GB; 3 hari & <b>')).toBe(
      'p95 mencapai 85,4&nbsp;% dari alokasi 30&nbsp;Mbit/s, 1.200&nbsp;GB; 3 hari &amp; &lt;b&gt;',
    );
    expect(escapeProse('10 GBit')).toBe('10 GBit');
  });

  it('escapes OPD names and every other text', () => {
    const html = renderHtml(report, { ...doc, issuer: { name: 'Diskominfo <Tangerang>' } });
    expect(html).not.toContain('<Koperasi>');
    expect(html).toContain('Dinas &lt;Koperasi&gt; &amp; UKM &quot;Usaha Mikro&quot;');
    expect(html).toContain('Diskominfo &lt;Tangerang&gt;');
  });

  it('is a standalone document: inline CSS and SVG, the logo as a data URI, nothing fetched', () => {
    const html = renderHtml(report, { ...doc, issuer: ISSUER, logo: { mime: 'image/png', data: PNG } });
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).not.toMatch(/<link\b|<script\b|url\(|@import/i);
    expect([...html.matchAll(/src="([^"]*)"/g)].map((m) => m[1])).toEqual([`data:image/png;base64,${PNG.toString('base64')}`]);
    expect(html).toMatch(/<svg[^>]*viewBox/);
  });

  it('speaks Indonesian by default and English on request', () => {
    const id = renderHtml(report, { language: collectorSchema.parse({}).report.language });
    expect(id).toContain('<html lang="id">');
    expect(text(id)).toContain('Periode : Oktober 2026');
    expect(id).toContain('Ringkasan untuk Tim Koordinasi');
    const en = renderHtml(makeUsageReport({ count: 40, language: 'en' }), { language: 'en' });
    expect(en).toContain('<html lang="en">');
    expect(text(en)).toContain('Period : October 2026');
    expect(en).toContain('Summary for the Coordination Team');
    expect(en).not.toContain('Ringkasan');
  });

  it('puts the summary first, with over-quota OPDs and the reasons for each recommended change', () => {
    const html = renderHtml(report, doc);
    const summaryAt = html.indexOf('Ringkasan untuk Tim Koordinasi');
    const tableAt = html.indexOf('Tabel evaluasi');
    expect(summaryAt).toBeGreaterThan(0);
    expect(summaryAt).toBeLessThan(tableAt);
    for (const o of report.opds.filter((x) => x.recommendation.action !== 'keep')) {
      const at = html.indexOf(escapeProse(o.recommendation.reason)); // figures keep their unit: "30&nbsp;Mbit/s"
      expect(at).toBeGreaterThan(summaryAt);
      expect(at).toBeLessThan(tableAt);
    }
    expect(html.slice(summaryAt, tableAt)).toContain('RSUD Kabupaten Tangerang');
    expect(html).toContain('Melebihi kuota');
  });

  it('shows exact GB figures in Indonesian format', () => {
    const o = report.opds[0];
    const hundredths = (BigInt(o.countedBytes) * 100n + 500_000_000n) / 1_000_000_000n;
    const expected = `${(hundredths / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, '.')},${(hundredths % 100n).toString().padStart(2, '0')}`;
    expect(renderHtml(report, { language: 'id' })).toContain(expected);
  });

  it('puts the suggested volume in its own column beside the suggested rate', () => {
    const html = renderHtml(report, doc);
    const rec = html.slice(html.indexOf('<table class="rec">'), html.indexOf('</table>', html.indexOf('<table class="rec">')));
    const heads = [...rec.matchAll(/<th[^>]*>([^<]*)<\/th>/g)].map((m) => m[1]);
    expect(heads.indexOf('Usulan volume (GB)')).toBe(heads.indexOf('Usulan laju (Mbit/s)') + 1);
    const rsud = report.opds.find((o) => o.opd === 'rsud')!; // increase: 800 GB quota → 1.200 GB suggested
    expect(rsud.recommendation.suggestedVolumeBytes).toBe('1200000000000');
    expect(text(rec.split('<tr').find((r) => r.includes('RSUD'))!)).toMatch(/Naikkan 800 GB 20 Mbit\/s 21,0 30 1\.200 p95/);
  });
});

describe('report HTML: honest figures', () => {
  it('shows an OPD without data as "Data tidak tersedia": no volume, no "Normal", no "Pertahankan"', () => {
    const report = makeUsageReport({ count: 12, noData: ['bappeda'] });
    const html = renderHtml(report, { language: 'id', method: EVALUATION });
    const row = text(rowOf(html, 'Badan Perencanaan Pembangunan Daerah'));
    expect(row).toContain('Data tidak tersedia');
    expect(row).toContain('Tidak dapat dinilai');
    expect(row).not.toMatch(/Normal|Pertahankan|0,00|0,0 %/);
    const annex = text(annexOf(html, 'bappeda'));
    expect(annex).toContain('Data tidak tersedia');
    expect(annex).not.toMatch(/Normal|Pertahankan|0,00 GB/);
    expect(text(html)).toContain('Perangkat Daerah tanpa data Badan Perencanaan Pembangunan Daerah');
  });

  it('treats an OPD with nothing observed as without data even when an evaluation left it at ok/keep', () => {
    const report = makeUsageReport({ count: 6 });
    const o = report.opds[1];
    Object.assign(o, { inBytes: '0', outBytes: '0', totalBytes: '0', countedBytes: '0', coverage: 0, status: 'ok' });
    delete o.observedFrom;
    o.recommendation.action = 'keep';
    const row = text(rowOf(renderHtml(report, { language: 'id' }), o.name));
    expect(row).toContain('Data tidak tersedia');
    expect(row).not.toMatch(/Normal|Pertahankan/);
  });

  it('says plainly that a month without any observation has no figures and no recommendation', () => {
    const html = renderHtml(makeEmptyReport({ count: 8 }), { language: 'id', method: EVALUATION });
    expect(text(html)).toContain('Tidak ada data pemantauan untuk periode ini: tidak satu pun Perangkat Daerah teramati.');
    expect(html).not.toContain('<table class="eval">');
    expect(html).not.toMatch(/Normal|Pertahankan|Naikkan|Turunkan|0,00 GB/);
    expect(text(html)).toMatch(/8 Tanpa data/);
  });

  it('marks the current month as provisional in the period, the notice and the table title', () => {
    const report = makeUsageReport({ count: 10, month: '2026-12', inProgressAt: Date.UTC(2026, 11, 14, 7, 25) });
    const t = text(renderHtml(report, { language: 'id' }));
    expect(t).toContain('Periode : Desember 2026 (sementara, s.d. 14 Des pukul 14.25 WIB)');
    expect(t).toContain('Bulan berjalan: angka sementara, s.d. 14 Des pukul 14.25 WIB.');
    expect(t).toContain('Tabel evaluasi (sementara, s.d. 14 Des pukul 14.25 WIB)');
    const en = text(renderHtml(makeUsageReport({ count: 10, month: '2026-12', language: 'en', inProgressAt: Date.UTC(2026, 11, 14, 7, 25) }), { language: 'en' }));
    expect(en).toContain('Period : December 2026 (provisional, up to 14 Dec, 14:25 WIB)');
  });

  it('gives a projection over 100 % its own status, with the projection and its basis', () => {
    const report = makeUsageReport({ count: 12, month: '2026-12', inProgressAt: Date.UTC(2026, 11, 14, 7, 25) });
    const over = report.opds.filter((o) => o.status === 'projected_over');
    expect(over.length).toBeGreaterThan(0);
    const html = renderHtml(report, { language: 'id' });
    for (const o of over) {
      expect(text(rowOf(html, o.name))).toContain('Diproyeksikan melampaui kuota');
      const annex = text(annexOf(html, o.opd));
      expect(annex).toMatch(/Proyeksi akhir bulan: [\d.,]+ GB \([\d.,]+ %\), dari 13,6 hari teramati \(1 Des pukul 00\.00 WIB – 14 Des pukul 14\.25 WIB\)/);
      expect(annex).not.toContain('Normal');
    }
  });

  it('states coverage, the observed span and the unobserved ranges, and a withheld recommendation with its reason', () => {
    const report = makeUsageReport({ count: 14, withheld: ['dukcapil'] });
    const html = renderHtml(report, { language: 'id' });
    const annex = text(annexOf(html, 'dukcapil'));
    expect(annex).toContain('Tidak dapat dinilai — Cakupan data 30,0 % di bawah batas 50 %: rekomendasi tidak diberikan.');
    expect(annex).toContain('Cakupan dasar rekomendasi 30,0 %');
    expect(annex).toContain('Teramati: 1 Okt pukul 00.00 WIB – 1 Nov pukul 00.00 WIB');
    expect(annex).toMatch(/Tidak teramati: 6 Okt pukul 00\.00 WIB – \d+ Okt pukul \d\d\.\d\d WIB/);
    // A basis month without data is named as such.
    expect(text(annexOf(html, 'bappeda'))).toContain('Agustus 2026: tanpa data');
  });

  it('states from when data exists in the first month of operation', () => {
    const report = makeUsageReport({ count: 5, dataSince: Date.UTC(2026, 9, 17, 2, 0) });
    expect(text(renderHtml(report, { language: 'id' }))).toContain('Pemantauan oleh Pantau berjalan sejak 17 Oktober 2026 pukul 09.00 (Asia/Jakarta); sebelum itu tidak ada data');
    expect(renderHtml(makeUsageReport({ count: 5, dataSince: Date.UTC(2026, 5, 1) }), { language: 'id' })).not.toContain('berjalan sejak');
  });
});

describe('report HTML: a document an office can file', () => {
  const report = makeUsageReport({ count: 8, month: '2026-11' });

  it('has a letterhead, a numbered subject and a signature block from report.issuer', () => {
    const html = renderHtml(report, { language: 'id', issuer: ISSUER, documentNumber: '000.5.2/{ROMAN}/BW/{YYYY}-{MM}' });
    const t = text(html);
    expect(t).toMatch(/^ ?Evaluasi Penggunaan Bandwidth — November 2026 PEMERINTAH|Pemerintah Kabupaten Tangerang/);
    expect(t).toContain('Pemerintah Kabupaten Tangerang Dinas Komunikasi dan Informatika Jl. H. Somawinata No. 1, Tigaraksa');
    expect(t).toContain('Nomor : 000.5.2/XI/BW/2026-11');
    expect(t).toContain('Perihal : Evaluasi Penggunaan Bandwidth — November 2026');
    expect(t).toContain('Tigaraksa, 1 Desember 2026 Kepala Dinas Komunikasi dan Informatika Drs. Budi Santoso, M.Si. NIP 19700101 199503 1 001');
    // The signature closes the letter, before the annex.
    expect(html.indexOf('class="signature"')).toBeLessThan(html.indexOf('Lampiran: rincian'));
    expect(renderHtml(report, { language: 'id' })).not.toMatch(/class="signature"|>Nomor</);
  });

  it('gives the legal basis (Tangerang Pasal 25 by default), the method, GB = 10^9 bytes and the configured thresholds', () => {
    const method = { ...EVALUATION, warnVolumePct: 75, increaseAbovePct: 88, decreaseBelowPct: 25, minCoveragePct: 60, coverageMaxGapSeconds: 900 };
    const t = text(renderHtml(report, { language: 'id', method }));
    const section = t.slice(t.indexOf('Dasar dan metode'));
    expect(section).toContain('Peraturan Bupati Tangerang Nomor 41 Tahun 2023, Pasal 25');
    expect(section).toContain('disampaikan kepada Tim Koordinasi SPBE sebagai bahan perencanaan kebutuhan Bandwidth');
    expect(section).toContain('1 GB = 10⁹ byte');
    expect(section).toContain('persentil ke-95 (nearest rank)');
    expect(section).toContain('lebih dari 900 detik');
    expect(section).toContain('volume di atas 75 %');
    expect(section).toContain('p95 di atas 88 % kuota laju pada sedikitnya 2 dari 3 bulan');
    expect(section).toContain('di bawah 25 %');
    expect(section).toContain('cakupan data di bawah 60 %');
    expect(section).toContain('sedikitnya 3 hari');
    const bogor = text(renderHtml(report, { language: 'id', legalBasis: 'Peraturan Wali Kota Bogor Nomor 24 Tahun 2021, Pasal 17' }));
    expect(bogor).toContain('Dasar hukum Peraturan Wali Kota Bogor Nomor 24 Tahun 2021, Pasal 17');
    expect(bogor).not.toContain('Peraturan Bupati Tangerang');
  });

  it('wraps long OPD names in the charts instead of clipping them', () => {
    const html = renderHtml(makeUsageReport({ count: 20 }), { language: 'id', daily: makeDaily(makeUsageReport({ count: 20 })) });
    const name = 'Dinas Pemberdayaan Perempuan, Perlindungan Anak, Pengendalian Penduduk dan Keluarga Berencana';
    const label = html.split('<text').find((t) => t.includes('Dinas Pemberdayaan'))!;
    expect([...label.matchAll(/<tspan[^>]*>([^<]*)<\/tspan>/g)].map((m) => m[1]).join(' ')).toBe(name);
    expect(html).toContain(`<div class="dn">${name}</div>`);
    expect(html).not.toContain('…');
  });

  it('gives the daily charts a GB scale, day-of-month labels and a legend for the weekend shading', () => {
    const r = makeUsageReport({ count: 3 });
    const html = renderHtml(r, { language: 'id', daily: makeDaily(r) });
    const daily = html.slice(html.indexOf('data-chart="daily-1"'));
    expect(text(daily.slice(0, daily.indexOf('<svg')))).toContain('Hari kerja Sabtu dan Minggu · GB/hari');
    const svg = daily.slice(daily.indexOf('<svg'), daily.indexOf('</svg>'));
    const labels = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(labels.slice(0, 3)).toEqual(['0', expect.stringMatching(/^[\d.]+$/), expect.stringMatching(/^[\d.]+$/)]);
    expect(Number(labels[2].replaceAll('.', ''))).toBeGreaterThan(Number(labels[1].replaceAll('.', '')));
    expect(labels.slice(3)).toEqual(['1', '8', '15', '22', '31']);
    // 31 October 2026 is a Saturday: its bar is in the weekend colour.
    expect(svg).toMatch(/fill="#9db7cf"><title>2026-10-31:/);
    expect(svg).toMatch(/fill="#2f6f9f"><title>2026-10-30:/);
  });
});
