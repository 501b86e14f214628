// One entry point for `pantau report --format`: the same UsageReport in html, csv, json or pdf.
import type { UsageReport } from '../../protocol/usage.js';
import type { DailySeries } from './charts.js';
import { renderCsv, renderJson } from './csv.js';
import { renderHtml } from './html.js';
import { formatMonth, strings, type Language } from './i18n.js';

export type ReportFormat = 'html' | 'csv' | 'json' | 'pdf';
export const REPORT_FORMATS: readonly ReportFormat[] = ['html', 'csv', 'json', 'pdf'];

export interface RenderOptions {
  language: Language;
  title?: string;
  deployment?: string;
  daily?: DailySeries[];
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

export function pdfFooter(report: UsageReport, opts: RenderOptions): string {
  const s = strings(opts.language);
  return [opts.deployment, `${opts.title ?? s.title} · ${formatMonth(report.month, opts.language)}`].filter(Boolean).join(' · ');
}

export async function renderReport(report: UsageReport, format: ReportFormat, opts: RenderOptions): Promise<Buffer> {
  switch (format) {
    case 'html':
      return Buffer.from(renderHtml(report, opts), 'utf8');
    case 'csv':
      return Buffer.from(renderCsv(report), 'utf8');
    case 'json':
      return Buffer.from(renderJson(report), 'utf8');
    case 'pdf':
      return (await import('./pdf.js')).renderPdf(renderHtml(report, opts), {
        language: opts.language,
        footer: pdfFooter(report, opts),
        executablePath: opts.chromiumPath,
      });
  }
}
