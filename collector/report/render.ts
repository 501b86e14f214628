// One entry point for `pantau report --format`: the same UsageReport in html, csv, json or pdf.
import type { UsageReport } from '../../protocol/usage.js';
import { renderCsv, renderJson } from './csv.js';
import type { DocumentOptions } from './document.js';
import { renderHtml } from './html.js';
import { formatMonth, strings, type Language } from './i18n.js';

export type ReportFormat = 'html' | 'csv' | 'json' | 'pdf';
export const REPORT_FORMATS: readonly ReportFormat[] = ['html', 'csv', 'json', 'pdf'];

export interface RenderOptions extends DocumentOptions {
  chromiumPath?: string;
}

/** "pantau-bandwidth-2026-10.pdf" */
export function reportFileName(month: string, format: ReportFormat): string {
  return `pantau-bandwidth-${month}.${format}`;
}

export const CONTENT_TYPES: Record<ReportFormat, string> = {
  html: 'text/html; charset=utf-8',
  csv: 'text/csv; charset=utf-8; header=present',
  json: 'application/json',
  pdf: 'application/pdf',
};

/** The PDF's running footer: "Evaluasi Penggunaan Bandwidth — Oktober 2026". */
export function pdfFooter(report: UsageReport, language: Language): string {
  return `${strings(language).title} — ${formatMonth(report.month, language)}`;
}

/** Rejects with ChromiumMissingError (one line: what to install) for a PDF without Chromium. */
export async function renderReport(report: UsageReport, format: ReportFormat, opts: RenderOptions): Promise<Buffer> {
  switch (format) {
    case 'html':
      return Buffer.from(renderHtml(report, opts), 'utf8');
    case 'csv':
      return Buffer.from(renderCsv(report, opts.language), 'utf8');
    case 'json':
      return Buffer.from(renderJson(report), 'utf8');
    case 'pdf':
      return (await import('./browser.js')).renderPdf(renderHtml(report, opts), {
        language: opts.language,
        footer: pdfFooter(report, opts.language),
        executablePath: opts.chromiumPath,
      });
  }
}
