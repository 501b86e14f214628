// The report's summary for the Tim Koordinasi (key figures, OPDs needing attention, recommended
// changes with suggested rate and volume) and the evaluation table, one row per OPD. An OPD
// without data shows "Data tidak tersedia" where figures would be, never zeros.
import type { OpdUsage, UsageReport } from '../../protocol/usage.js';
import { action, allocation, fig, pctCell, pill } from './cells.js';
import type { DocumentOptions } from './document.js';
import { escapeHtml as esc, escapeProse } from './escape.js';
import { actionOf, isNoData, isProvisional, provisionalLabel, reasonOf, stateOf, statusOf } from './honesty.js';
import { formatFraction, formatGB, formatMbps, strings, type Language, type Strings } from './i18n.js';

const LOW_COVERAGE = 0.9;

function cols(widths: number[]): string {
  return `<colgroup>${widths.map((w) => `<col style="width:${w}%">`).join('')}</colgroup>`;
}

function head(cells: [string, string][]): string {
  return `<thead><tr>${cells.map(([c, t]) => `<th${c ? ` class="${c}"` : ''}>${esc(t)}</th>`).join('')}</tr></thead>`;
}

function warnRate(o: DocumentOptions): number {
  return o.method?.warnRatePct ?? 90;
}
function warnVolume(o: DocumentOptions): number {
  return o.method?.warnVolumePct ?? 80;
}

function kpis(r: UsageReport, s: Strings, lang: Language): string {
  const measured = r.opds.filter((o) => !isNoData(o));
  const total = measured.reduce((a, o) => a + BigInt(o.totalBytes), 0n);
  const count = (st: string) => r.opds.filter((o) => statusOf(o) === st).length;
  const acts = (a: string) => r.opds.filter((o) => actionOf(o) === a).length;
  const kpi = (v: string, k: string, cls = '') => `<div class="kpi ${cls}"><div class="v">${fig(v)}</div><div class="k">${esc(k)}</div></div>`;
  const list = [
    kpi(String(r.opds.length), s.kpiOpds),
    kpi(measured.length ? `${formatGB(total, lang, 0)} GB` : '–', s.kpiVolume, 'wide'),
    kpi(String(count('over')), s.kpiOver, count('over') ? 'over' : ''),
    kpi(String(count('warning')), s.kpiWarning, count('warning') ? 'warning' : ''),
    ...(isProvisional(r) ? [kpi(String(count('projected_over')), s.kpiProjected, count('projected_over') ? 'warning' : '')] : []),
    ...(count('no_data') ? [kpi(String(count('no_data')), s.kpiNoData, 'nodata')] : []),
    kpi(String(acts('increase')), s.kpiIncrease),
    kpi(String(acts('decrease')), s.kpiDecrease),
  ];
  return `<div class="kpis">${list.join('')}</div>`;
}

function attention(r: UsageReport, o: DocumentOptions, s: Strings): string {
  const lang = o.language;
  const hot = r.opds
    .filter((x) => ['over', 'warning', 'projected_over'].includes(statusOf(x)))
    .sort((a, b) => Math.max(b.usedPct.volume ?? 0, b.usedPct.rate ?? 0) - Math.max(a.usedPct.volume ?? 0, a.usedPct.rate ?? 0));
  if (!hot.length) return `<p class="muted">${esc(s.noAttention)}</p>`;
  const provisional = isProvisional(r);
  const last = (x: OpdUsage) =>
    provisional ? (x.projectedBytes !== undefined ? fig(`${formatGB(x.projectedBytes, lang)} GB`) : `<span class="muted">${esc(s.noProjection)}</span>`) : allocation(x, s, lang);
  return `<table>${cols([30, 20, 11, 11, 14, 14])}
${head([['', s.opd], ['', s.status], ['n', s.usedPctVolume], ['n', s.usedPctRate], ['n', `${s.used} (GB)`], ['n', provisional ? s.projected : s.allocation]])}
<tbody>${hot
    .map(
      (x) =>
        `<tr><td>${esc(x.name)}</td><td>${pill(x, s)}</td>${pctCell(x.usedPct.volume, lang, warnVolume(o))}${pctCell(x.usedPct.rate, lang, warnRate(o))}<td class="n">${fig(formatGB(x.countedBytes, lang))}</td><td class="n">${last(x)}</td></tr>`,
    )
    .join('\n')}</tbody></table>`;
}

/** Recommended changes and withheld assessments, with suggested rate and volume side by side. */
function recommendations(r: UsageReport, o: DocumentOptions, s: Strings): string {
  const lang = o.language;
  const rows = r.opds.filter((x) => ['increase', 'decrease'].includes(actionOf(x)) || (actionOf(x) === 'withheld' && !isNoData(x)));
  if (!rows.length) return `<p class="muted">${esc(s.noRecommendations)}</p>`;
  const rate = (b: number | undefined) => (b === undefined ? '–' : `<b>${fig(formatMbps(b, lang, 0))}</b>`);
  const vol = (b: string | undefined) => (b === undefined ? '–' : `<b>${fig(formatGB(b, lang, 0))}</b>`);
  return `<table class="rec">${cols([19, 15, 13, 9, 9, 10, 25])}
${head([['', s.opd], ['', s.recommendation], ['n', s.allocation], ['n', `${s.p95} (Mbit/s)`], ['n', `${s.suggestedRate} (Mbit/s)`], ['n', `${s.suggestedVolume} (GB)`], ['', s.reason]])}
<tbody>${rows
    .map(
      (x) =>
        `<tr><td>${esc(x.name)}</td><td>${action(x, s)}</td><td class="n">${allocation(x, s, lang)}</td><td class="n">${fig(formatMbps(x.p95Bps.maxBps, lang))}</td><td class="n">${rate(x.recommendation.suggestedRateBps)}</td><td class="n">${vol(x.recommendation.suggestedVolumeBytes)}</td><td>${escapeProse(reasonOf(x, lang))}</td></tr>`,
    )
    .join('\n')}</tbody></table>`;
}

export function summarySection(r: UsageReport, o: DocumentOptions): string {
  const s = strings(o.language);
  if (stateOf(r) === 'no_data') return `<section><h2>${esc(s.summary)}</h2>${kpis(r, s, o.language)}</section>`;
  const noData = r.opds.filter(isNoData);
  return `<section><h2>${esc(s.summary)}</h2>${kpis(r, s, o.language)}
<h3>${esc(s.attention)}</h3>${attention(r, o, s)}
${noData.length ? `<h3>${esc(s.noDataList)}</h3><p>${noData.map((x) => esc(x.name)).join(', ')}</p>` : ''}
<h3>${esc(s.recommendations)}</h3>${recommendations(r, o, s)}</section>`;
}

export function evaluationSection(r: UsageReport, o: DocumentOptions): string {
  const s = strings(o.language);
  const lang = o.language;
  const rows = r.opds.map((x, i) => {
    const name = `<td class="c">${i + 1}</td><td>${esc(x.name)}${statusOf(x) !== 'ok' ? `<br>${pill(x, s)}` : ''}</td><td class="n">${allocation(x, s, lang)}</td>`;
    if (isNoData(x))
      return `<tr class="row-no_data">${name}<td class="nodata" colspan="6">${esc(s.noData)}</td><td>${action(x, s)}</td></tr>`;
    return `<tr class="row-${esc(statusOf(x))}">${name}<td class="n">${fig(formatGB(x.countedBytes, lang))}</td>${pctCell(x.usedPct.volume, lang, warnVolume(o))}<td class="n">${fig(formatMbps(x.p95Bps.maxBps, lang))}</td>${pctCell(x.usedPct.rate, lang, warnRate(o))}<td class="n">${fig(formatMbps(x.peakBps.maxBps, lang))}</td><td class="n${x.coverage < LOW_COVERAGE ? ' warn-num' : ''}">${fig(formatFraction(x.coverage, lang))}</td><td>${action(x, s)}</td></tr>`;
  });
  const title = isProvisional(r) ? `${s.table} (${provisionalLabel(r, lang)})` : s.table;
  return `<section><h2>${esc(title)}</h2><table class="eval">${cols([4, 19.5, 10, 10.5, 8.5, 8, 8.5, 8, 8.5, 14.5])}
${head([['c', 'No'], ['', `${s.opd} / ${s.status}`], ['n', s.allocation], ['n', `${s.used} (GB)`], ['n', s.usedPctVolume], ['n', `${s.p95} (Mbit/s)`], ['n', s.usedPctRate], ['n', `${s.peak} (Mbit/s)`], ['n', s.coverageShort], ['', s.recommendation]])}
<tbody>${rows.join('\n')}</tbody></table></section>`;
}
