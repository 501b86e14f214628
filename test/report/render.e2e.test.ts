// Real Chromium (playwright-core, /usr/bin/chromium): the HTML report laid out at A4 width
// overflows nowhere and breaks no table-header word, screenshots are kept in test-artifacts/
// for people to look at, and the PDF says what the report says (read back with pdftotext).
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { renderHtml } from '../../collector/report/html.js';
import { CHROMIUM_ARGS, ChromiumMissingError, chromiumPath, renderPdf } from '../../collector/report/browser.js';
import type { DocumentOptions } from '../../collector/report/document.js';
import { renderReport } from '../../collector/report/render.js';
import { collectorSchema } from '../../config/collector.js';
import { makeDaily, makeEmptyReport, makeUsageReport } from './fixture.js';
import { flat, pdfPages } from './peers.js';

const A4_PX = 794; // 210 mm at 96 px per inch
const METHOD = { ...collectorSchema.parse({}).evaluation, minCoveragePct: 50, projectAfterDays: 3 };
const ISSUER = {
  government: 'Pemerintah Kabupaten Tangerang',
  name: 'Dinas Komunikasi dan Informatika',
  address: 'Jl. H. Somawinata No. 1, Tigaraksa, Kabupaten Tangerang, Banten 15720',
  city: 'Tigaraksa',
  signatory: { name: 'Drs. Budi Santoso, M.Si.', title: 'Kepala Dinas Komunikasi dan Informatika', nip: '19700101 199503 1 001' },
};

let browser: Browser;
beforeAll(async () => {
  browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
  mkdirSync('test-artifacts', { recursive: true });
});
afterAll(async () => {
  await browser?.close();
});

async function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const items: string[] = [];
    const describe = (el: Element) => `${el.tagName.toLowerCase()}${el.className ? '.' + String(el.className).split(' ')[0] : ''}: ${(el.textContent ?? '').trim().slice(0, 40)}`;
    for (const el of Array.from(document.querySelectorAll('table, section, .kpis, .kpi, .daily-grid, .opd-detail, header, svg, td, th'))) {
      const he = el as HTMLElement;
      if (he.clientWidth > 0 && he.scrollWidth > he.clientWidth + 1) items.push(`${describe(el)} scroll ${he.scrollWidth} > client ${he.clientWidth}`);
    }
    for (const el of Array.from(document.querySelectorAll('body *:not(svg *)'))) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.right > window.innerWidth + 0.5 && !el.closest('svg title')) items.push(`${describe(el)} right edge ${r.right}`);
    }
    if (document.documentElement.scrollWidth > window.innerWidth) items.push(`document ${document.documentElement.scrollWidth} wide`);
    return items;
  });
}

/** Every word of every table-header cell that the layout split over two lines ("Cakupa / n"). */
async function brokenHeaderWords(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const broken: string[] = [];
    for (const th of Array.from(document.querySelectorAll('th'))) {
      const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (const m of (node.textContent ?? '').matchAll(/\S+/g)) {
          const range = document.createRange();
          range.setStart(node, m.index!);
          range.setEnd(node, m.index! + m[0].length);
          const tops = new Set(Array.from(range.getClientRects()).filter((r) => r.width > 0).map((r) => Math.round(r.top)));
          if (tops.size > 1) broken.push(`"${m[0]}" in "${th.textContent}"`);
        }
      }
    }
    return broken;
  });
}

/** Every figure ("1.234,57", "85,3 %", "100 Mbit/s") that the layout split over two lines. */
async function splitFigures(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const split: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (n.parentElement?.closest('svg, style, title')) continue;
      for (const f of (n.textContent ?? '').matchAll(/\d[\d.,]*(?:[\s\u00a0](?:GB|Mbit\/s|%))?/g)) {
        const r = document.createRange();
        r.setStart(n, f.index!);
        r.setEnd(n, f.index! + f[0].length);
        if (new Set(Array.from(r.getClientRects()).filter((x) => x.width > 0).map((x) => Math.round(x.top))).size > 1) split.push(f[0]);
      }
    }
    return split;
  });
}

describe('report in Chromium at A4 width', () => {
  const cases = [
    ['id', 40, 'report-id-40', { noData: ['dpk', 'kec-mauk'], withheld: ['dispora'] }],
    ['en', 60, 'report-en-60', { noData: ['dpk'], withheld: ['dispora'] }],
    ['id', 30, 'report-id-current', { month: '2026-12', noData: ['dpk'], inProgressAt: Date.UTC(2026, 11, 14, 7, 25), dataSince: Date.UTC(2026, 11, 2, 3, 0) }],
    ['en', 5, 'report-en-5', {}],
  ] as const;
  for (const [lang, count, shot, extra] of cases) {
    it(`lays out ${count} OPDs in ${lang} (${shot}) without overflow, without a header word broken, without a figure split`, async () => {
      const report = makeUsageReport({ count, language: lang, ...extra });
      const html = renderHtml(report, { language: lang, daily: makeDaily(report), method: METHOD, issuer: ISSUER, documentNumber: '000.5.2/{ROMAN}/BW/{YYYY}' });
      const page = await browser.newPage({ viewport: { width: A4_PX, height: 1123 } });
      try {
        const requests: string[] = [];
        page.on('request', (r) => requests.push(r.url()));
        await page.setContent(html, { waitUntil: 'load' });
        await page.screenshot({ path: `test-artifacts/${shot}.png`, fullPage: true });
        expect(await overflowing(page)).toEqual([]);
        expect(await brokenHeaderWords(page)).toEqual([]);
        expect(await splitFigures(page)).toEqual([]);
        expect(await page.$$eval('th', (t) => t.length)).toBeGreaterThan(15);
        expect(requests.filter((u) => !u.startsWith('about:') && !u.startsWith('data:'))).toEqual([]);
        // Print layout: the same checks on the A4 page box.
        await page.emulateMedia({ media: 'print' });
        await page.setViewportSize({ width: Math.round(((210 - 26) / 25.4) * 96), height: 1000 });
        expect(await overflowing(page)).toEqual([]);
        expect(await brokenHeaderWords(page)).toEqual([]);
        expect(await splitFigures(page)).toEqual([]);
      } finally {
        await page.close();
      }
    });
  }

  it('the probes themselves catch a cell wider than the page, a header word and a figure split over two lines', async () => {
    const page = await browser.newPage({ viewport: { width: A4_PX, height: 600 } });
    try {
      await page.setContent('<table style="width:100%;table-layout:fixed"><tr><td style="white-space:nowrap">' + 'x'.repeat(400) + '</td></tr></table>');
      expect((await overflowing(page)).length).toBeGreaterThan(0);
      await page.setContent('<table style="width:60px;table-layout:fixed"><thead><tr><th style="overflow-wrap:anywhere;font:12px sans-serif">Cakupan Rekomendasi</th></tr></thead></table>');
      expect(await brokenHeaderWords(page)).toEqual(['"Rekomendasi" in "Cakupan Rekomendasi"']);
      await page.setContent('<table style="width:40px"><tr><td style="font:12px sans-serif">105,0\u00a0%</td></tr></table>');
      expect(await splitFigures(page)).toEqual([]);
      await page.setContent('<table style="width:40px;table-layout:fixed"><tr><td style="font:12px sans-serif;overflow-wrap:break-word">105,0\u00a0%</td></tr></table>');
      expect(await splitFigures(page)).toEqual(['105,0\u00a0%']);
    } finally {
      await page.close();
    }
  });

  it('prints an A4 PDF whose text is the report: letterhead, provisional month, no-data OPD, figures, method, signature, page numbers', async () => {
    const report = makeUsageReport({ count: 30, month: '2026-12', noData: ['bappeda'], inProgressAt: Date.UTC(2026, 11, 14, 7, 25) });
    const doc: DocumentOptions = { language: 'id', daily: makeDaily(report), method: METHOD, issuer: ISSUER, documentNumber: '000.5.2/{ROMAN}/BW/{YYYY}' };
    const pdf = await renderReport(report, 'pdf', doc);
    const boxes = [...pdf.toString('latin1').matchAll(/\/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]/g)].map((m) => [Math.round(Number(m[1])), Math.round(Number(m[2]))]);
    expect(boxes.length).toBeGreaterThan(3);
    for (const b of boxes) expect(b).toEqual([596, 843]); // A4: 595.28 × 841.89 points
    const pages = pdfPages(pdf);
    expect(pages).toHaveLength(boxes.length);
    const all = flat(pages.join(' '));
    expect(flat(pages[0])).toMatch(/PEMERINTAH KABUPATEN TANGERANG DINAS KOMUNIKASI DAN INFORMATIKA/);
    expect(flat(pages[0])).toContain('Nomor : 000.5.2/XII/BW/2026');
    expect(flat(pages[0])).toContain('Periode : Desember 2026 (sementara, s.d. 14 Des pukul 14.25 WIB)');
    expect(all).toContain('Dasar dan metode');
    expect(all).toContain('Peraturan Bupati Tangerang Nomor 41 Tahun 2023, Pasal 25');
    expect(all).toContain('Drs. Budi Santoso, M.Si.');
    expect(all).toContain('NIP 19700101 199503 1 001');
    expect(all).toMatch(/Badan Perencanaan Pembangunan Daerah\s.*Data tidak tersedia/);
    const rsud = report.opds.find((o) => o.opd === 'rsud')!;
    const gb = (BigInt(rsud.countedBytes) * 100n + 500_000_000n) / 1_000_000_000n;
    expect(all).toContain(`${(gb / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, '.')},${(gb % 100n).toString().padStart(2, '0')}`);
    pages.forEach((p, i) => expect(flat(p)).toContain(`Halaman ${i + 1} dari ${pages.length}`));
    // Chart headings are on the same page as their charts.
    const usageAt = pages.findIndex((p) => p.includes('Pemakaian terhadap kuota per Perangkat Daerah'));
    const top = [...report.opds].filter((o) => o.status !== 'no_data').sort((a, b) => Math.max(b.usedPct.volume ?? 0, b.usedPct.rate ?? 0) - Math.max(a.usedPct.volume ?? 0, a.usedPct.rate ?? 0))[0];
    expect(flat(pages[usageAt])).toContain(top.name);
    expect(flat(pages[usageAt])).toMatch(/ 20 % (.* )?40 % 60 % /); // the chart axis
    const dailyAt = pages.findIndex((p) => p.includes('Volume harian per Perangkat Daerah'));
    expect(flat(pages[dailyAt])).toContain('Hari kerja Sabtu dan Minggu');
    expect(flat(pages[dailyAt])).toContain(report.opds[0].name);
  });

  it('says in one line what to install when Chromium is missing', async () => {
    const report = makeUsageReport({ count: 3 });
    const err = await renderReport(report, 'pdf', { language: 'id', chromiumPath: '/nonexistent/chromium' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChromiumMissingError);
    expect((err as Error).message).toBe(
      'PDF and chart images need Chromium, not found at /nonexistent/chromium: install it (apt-get install chromium) or set PANTAU_CHROMIUM to its path',
    );
  });

  it('prints a month without data as a short document that says so', async () => {
    const pdf = await renderPdf(renderHtml(makeEmptyReport({ count: 6 }), { language: 'en', method: METHOD }), { language: 'en' });
    const text = flat(pdfPages(pdf).join(' '));
    expect(text).toContain('No monitoring data for this period: no department was observed.');
    expect(text).not.toMatch(/Normal|Keep|0\.00 GB/);
  });
});
