// The monthly bandwidth evaluation as one standalone HTML document (inline CSS, SVG charts and
// a data: logo, no external resources, A4 printable), in the order an office files it: the
// letterhead with number and subject, the month's state, the summary for the Tim Koordinasi
// SPBE, the charts, the evaluation table, "Dasar dan metode", the signature, then the annex.
// The same document is printed to the PDF; the e-mail body is mail-body.ts.
import type { UsageReport } from '../../protocol/usage.js';
import { usageChunks, usageLegend } from './charts.js';
import { dailyChunks, dailyLegend } from './daily.js';
import { detail } from './detail.js';
import type { DocumentOptions } from './document.js';
import { escapeHtml as esc } from './escape.js';
import { stateOf } from './honesty.js';
import { formatInstant, formatMonth, strings } from './i18n.js';
import { letterhead, signature } from './letterhead.js';
import { methodSection } from './method.js';
import { backupsHtml } from './backups-section.js';
import { REPORT_CSS } from './style.js';
import { evaluationSection, summarySection } from './tables.js';
import { uptimeSectionHtml } from './uptime-section.js';

/**
 * A chart section: the heading, its note and the first chunk are kept together on a page.
 * Each chunk carries `data-chart="<name>-<n>"`, the element the e-mail's images are taken from.
 */
function chartSection(name: string, title: string, note: string, legend: string, chunks: string[]): string {
  if (!chunks.length) return '';
  const chunk = (c: string, i: number) => `<div class="chart-chunk" data-chart="${name}-${i + 1}">${i === 0 ? legend : ''}${c}</div>`;
  return `<section><div class="keep"><h2>${esc(title)}</h2><p class="small muted">${esc(note)}</p>${chunk(chunks[0], 0)}</div>
${chunks.slice(1).map((c, i) => chunk(c, i + 1)).join('\n')}</section>`;
}

/** The charts of the report, each chunk with its data-chart name (usage-N, daily-N). */
export function chartsHtml(report: UsageReport, o: DocumentOptions): string {
  const s = strings(o.language);
  if (stateOf(report) === 'no_data') return '';
  const warn = o.method?.warnVolumePct ?? 80;
  const usage = chartSection('usage', s.chartUsage, s.chartUsageNote, usageLegend(o.language, warn), usageChunks(report.opds, o.language, warn));
  const daily = o.daily?.length
    ? chartSection('daily', s.chartDaily, s.chartDailyNote, dailyLegend(o.language), dailyChunks(report.opds, o.daily, o.language))
    : '';
  return usage + daily;
}

/** The complete HTML document, every text escaped. */
export function renderHtml(report: UsageReport, o: DocumentOptions): string {
  const lang = o.language;
  const s = strings(lang);
  const noData = stateOf(report) === 'no_data';
  return `<!DOCTYPE html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(`${s.title} — ${formatMonth(report.month, lang)}`)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<main class="page">
${letterhead(report, o)}
${summarySection(report, o)}
${chartsHtml(report, o)}
${noData ? '' : evaluationSection(report, o)}
${backupsHtml(report, o)}
${uptimeSectionHtml(report, lang)}
${methodSection(o)}
${signature(report, o)}
${noData ? '' : `<section><h2 class="page-break">${esc(s.details)}</h2>\n${report.opds.map((x, i) => detail(x, i, report, o)).join('\n')}\n</section>`}
<p class="sign">${esc(s.footer)} · ${esc(formatInstant(report.generatedAt, report.timezone, lang))}</p>
</main>
</body>
</html>
`;
}
