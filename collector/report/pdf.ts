// PDF of the report: the HTML document printed by headless Chromium (playwright-core, the
// system's Chromium; no browser download) on A4 with a page-number footer. The browser is
// closed whatever happens.
import { chromium } from 'playwright-core';
import { strings, type Language } from './i18n.js';
import { escapeHtml as esc } from './escape.js';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface PdfOptions {
  language: Language;
  /** Left part of the footer on every page, e.g. "Evaluasi Penggunaan Bandwidth · Oktober 2026". */
  footer?: string;
  /** Defaults to $PANTAU_CHROMIUM or /usr/bin/chromium. */
  executablePath?: string;
  /** Whole rendering budget in ms (default 60 s). */
  timeoutMs?: number;
}

export function chromiumPath(explicit?: string): string {
  return explicit ?? process.env.PANTAU_CHROMIUM ?? '/usr/bin/chromium';
}

/** Renders `html` to an A4 PDF; resolves to the PDF bytes (they start with "%PDF"). */
export async function renderPdf(html: string, opts: PdfOptions): Promise<Buffer> {
  const s = strings(opts.language);
  const timeout = opts.timeoutMs ?? 60_000;
  const browser = await chromium.launch({ executablePath: chromiumPath(opts.executablePath), args: CHROMIUM_ARGS, timeout });
  try {
    const page = await browser.newPage();
    page.setDefaultTimeout(timeout);
    // The document has no external resources; block any request so printing never waits on the network.
    await page.route('**/*', (route) => route.abort());
    await page.setContent(html, { waitUntil: 'load' });
    await page.emulateMedia({ media: 'print' });
    const footer = `<div style="width:100%;font:7pt sans-serif;color:#5f6b7a;padding:0 13mm;display:flex;justify-content:space-between">
<span>${esc(opts.footer ?? s.title)}</span><span>${esc(s.page)} <span class="pageNumber"></span> ${esc(s.of)} <span class="totalPages"></span></span></div>`;
    const pdf = await page.pdf({
      format: 'A4',
      printBackground: true,
      displayHeaderFooter: true,
      headerTemplate: '<span></span>',
      footerTemplate: footer,
      margin: { top: '14mm', right: '13mm', bottom: '16mm', left: '13mm' },
    });
    return Buffer.from(pdf);
  } finally {
    await browser.close().catch(() => undefined);
  }
}
