// Headless Chromium (playwright-core and the system's Chromium; no browser download) makes
// what HTML alone cannot: the A4 PDF with a page-number footer, and PNG images of the charts
// for the e-mail (Gmail and Outlook drop inline SVG). One browser per call, closed whatever
// happens. Without Chromium every call fails with ChromiumMissingError, one line saying what
// to install.
import { accessSync, constants } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
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

/** Chromium is not installed where Pantau looks for it. */
export class ChromiumMissingError extends Error {
  override name = 'ChromiumMissingError';
  constructor(readonly path: string) {
    super(`PDF and chart images need Chromium, not found at ${path}: install it (apt-get install chromium) or set PANTAU_CHROMIUM to its path`);
  }
}

export interface BrowserOptions {
  language: Language;
  /** Left part of the PDF footer on every page, e.g. "Evaluasi Penggunaan Bandwidth — Oktober 2026". */
  footer?: string;
  /** Defaults to $PANTAU_CHROMIUM or /usr/bin/chromium. */
  executablePath?: string;
  /** Whole rendering budget in ms (default 60 s). */
  timeoutMs?: number;
}

export interface ChartImage {
  /** The chart's data-chart name: usage-1, daily-2, … */
  name: string;
  png: Buffer;
  width: number;
  height: number;
}

export function chromiumPath(explicit?: string): string {
  return explicit ?? process.env.PANTAU_CHROMIUM ?? '/usr/bin/chromium';
}

/** Throws ChromiumMissingError unless an executable file is at `path`. */
export function assertChromium(path: string): void {
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new ChromiumMissingError(path);
  }
}

/** Runs `use` with a launched browser, closed whatever happens. */
async function withBrowser<T>(opts: BrowserOptions, use: (browser: Browser) => Promise<T>): Promise<T> {
  const path = chromiumPath(opts.executablePath);
  assertChromium(path);
  const browser = await chromium.launch({ executablePath: path, args: CHROMIUM_ARGS, timeout: opts.timeoutMs ?? 60_000 });
  try {
    return await use(browser);
  } finally {
    await browser.close().catch(() => undefined);
  }
}

async function open(browser: Browser, html: string, opts: BrowserOptions, media: 'print' | 'screen'): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 794, height: 1123 }, deviceScaleFactor: media === 'screen' ? 2 : 1 });
  page.setDefaultTimeout(opts.timeoutMs ?? 60_000);
  // The document has no external resources; block any request so rendering never waits on the network.
  await page.route('**/*', (route) => route.abort());
  await page.setContent(html, { waitUntil: 'load' });
  await page.emulateMedia({ media });
  return page;
}

async function printPdf(browser: Browser, html: string, opts: BrowserOptions): Promise<Buffer> {
  const s = strings(opts.language);
  const page = await open(browser, html, opts, 'print');
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
  await page.close();
  return Buffer.from(pdf);
}

async function shootCharts(browser: Browser, html: string, opts: BrowserOptions): Promise<ChartImage[]> {
  const page = await open(browser, html, opts, 'screen');
  const out: ChartImage[] = [];
  for (const el of await page.$$('[data-chart]')) {
    const name = (await el.getAttribute('data-chart')) ?? `chart-${out.length + 1}`;
    const box = await el.boundingBox();
    if (!box) continue;
    out.push({ name, png: Buffer.from(await el.screenshot({ type: 'png' })), width: Math.round(box.width), height: Math.round(box.height) });
  }
  await page.close();
  return out;
}

/** Renders `html` to an A4 PDF with a page-number footer; resolves to the PDF bytes. */
export async function renderPdf(html: string, opts: BrowserOptions): Promise<Buffer> {
  return withBrowser(opts, (b) => printPdf(b, html, opts));
}

/** PNG images (at twice the CSS size, for sharp phone screens) of every `[data-chart]` element of `html`. */
export async function renderChartImages(html: string, opts: BrowserOptions): Promise<ChartImage[]> {
  return withBrowser(opts, (b) => shootCharts(b, html, opts));
}

/** The PDF and the chart images from one browser (one Chromium start for the e-mail). */
export async function renderPdfAndCharts(html: string, opts: BrowserOptions, want: { pdf: boolean; charts: boolean }): Promise<{ pdf?: Buffer; charts: ChartImage[] }> {
  return withBrowser(opts, async (b) => ({
    ...(want.pdf ? { pdf: await printPdf(b, html, opts) } : {}),
    charts: want.charts ? await shootCharts(b, html, opts) : [],
  }));
}
