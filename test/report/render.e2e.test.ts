// Real Chromium (playwright-core, /usr/bin/chromium): the HTML report laid out at A4 width
// overflows nowhere, a screenshot is kept for people to look at, and the PDF is a PDF.
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { renderHtml } from '../../collector/report/html.js';
import { CHROMIUM_ARGS, chromiumPath, renderPdf } from '../../collector/report/pdf.js';
import { renderReport } from '../../collector/report/render.js';
import { makeDaily, makeUsageReport } from './fixture.js';

const A4_PX = 794; // 210 mm at 96 px per inch

let browser: Browser;
beforeAll(async () => {
  browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
});
afterAll(async () => {
  await browser?.close();
});

async function overflowing(page: Page): Promise<{ doc: number; items: string[] }> {
  return page.evaluate(() => {
    const items: string[] = [];
    const describe = (el: Element) => `${el.tagName.toLowerCase()}${el.className ? '.' + String(el.className).split(' ')[0] : ''}: ${(el.textContent ?? '').trim().slice(0, 40)}`;
    for (const el of Array.from(document.querySelectorAll('table, section, .kpis, .daily-grid, .opd-detail, header, svg'))) {
      const he = el as HTMLElement;
      if (he.scrollWidth > he.clientWidth + 1 && he.clientWidth > 0) items.push(`${describe(el)} scroll ${he.scrollWidth} > client ${he.clientWidth}`);
    }
    // Every cell's content must stay inside its cell and every element inside the viewport.
    for (const el of Array.from(document.querySelectorAll('td, th'))) {
      const he = el as HTMLElement;
      if (he.scrollWidth > he.clientWidth + 1) items.push(`${describe(el)} scroll ${he.scrollWidth} > client ${he.clientWidth}`);
    }
    for (const el of Array.from(document.querySelectorAll('body *'))) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.right > window.innerWidth + 0.5 && !el.closest('svg title')) items.push(`${describe(el)} right edge ${r.right}`);
    }
    return { doc: document.documentElement.scrollWidth, items };
  });
}

describe('report in Chromium at A4 width', () => {
  for (const [lang, count, shot] of [
    ['id', 40, 'test-artifacts/report.png'],
    ['en', 60, 'test-artifacts/report-en.png'],
    ['id', 5, 'test-artifacts/report-5.png'],
  ] as const) {
    it(`lays out ${count} OPDs in ${lang} without horizontal overflow`, async () => {
      const report = makeUsageReport({ count, language: lang });
      const html = renderHtml(report, { language: lang, daily: makeDaily(report), deployment: 'Dinas Komunikasi dan Informatika Kabupaten Tangerang' });
      const page = await browser.newPage({ viewport: { width: A4_PX, height: 1123 } });
      try {
        const requests: string[] = [];
        page.on('request', (r) => requests.push(r.url()));
        await page.setContent(html, { waitUntil: 'load' });
        mkdirSync('test-artifacts', { recursive: true });
        await page.screenshot({ path: shot, fullPage: true });
        const { doc, items } = await overflowing(page);
        expect(items).toEqual([]);
        expect(doc).toBeLessThanOrEqual(A4_PX);
        expect(requests.filter((u) => !u.startsWith('about:') && !u.startsWith('data:'))).toEqual([]);
        const tables = await page.$$eval('table', (ts) => ts.map((t) => [t.scrollWidth, t.clientWidth]));
        expect(tables.length).toBeGreaterThan(3);
        for (const [sw, cw] of tables) expect(sw).toBeLessThanOrEqual(cw);
      } finally {
        await page.close();
      }
    });
  }

  it('the overflow probe itself catches a table wider than the page', async () => {
    const page = await browser.newPage({ viewport: { width: A4_PX, height: 600 } });
    try {
      await page.setContent('<table style="width:100%;table-layout:fixed"><tr><td style="white-space:nowrap">' + 'x'.repeat(400) + '</td></tr></table>');
      expect((await overflowing(page)).items.length).toBeGreaterThan(0);
    } finally {
      await page.close();
    }
  });

  it('prints the same HTML to an A4 PDF', async () => {
    const report = makeUsageReport({ count: 12 });
    const pdf = await renderPdf(renderHtml(report, { language: 'id', daily: makeDaily(report) }), { language: 'id' });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    // A4 is 595 × 842 points.
    const boxes = [...pdf.toString('latin1').matchAll(/\/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]/g)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(boxes.length).toBeGreaterThan(1);
    for (const [w, h] of boxes) {
      expect(Math.round(w)).toBe(596);
      expect(Math.round(h)).toBe(843);
    }
    const viaFormat = await renderReport(report, 'pdf', { language: 'en' });
    expect(viaFormat.subarray(0, 4).toString('latin1')).toBe('%PDF');
  });
});
