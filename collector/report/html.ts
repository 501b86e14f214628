// The monthly bandwidth evaluation as one standalone HTML document (inline CSS and SVG, no
// external resources, A4 printable): a summary for the Tim Koordinasi SPBE first, then the
// charts, the evaluation table (one row per OPD) and an annex with the details of each OPD.
// The same document is the mail body and, through Chromium, the PDF.
import type { OpdUsage, UsageReport } from '../../protocol/usage.js';
import { dailyChart, usageChart, type DailySeries } from './charts.js';
import { escapeHtml as esc } from './escape.js';
import {
  formatFraction,
  formatGB,
  formatInstant,
  formatMbps,
  formatMonth,
  formatPct,
  strings,
  type Language,
  type Strings,
} from './i18n.js';
import { REPORT_CSS } from './style.js';

export interface HtmlOptions {
  language: Language;
  /** Overrides the default title ("Evaluasi Penggunaan Bandwidth"). */
  title?: string;
  /** Who issues the report, e.g. "Dinas Komunikasi dan Informatika Kabupaten Tangerang". */
  deployment?: string;
  /** Daily volume per OPD for the daily chart; the chart is left out without it. */
  daily?: DailySeries[];
}

const LOW_COVERAGE = 0.9;

function pill(o: OpdUsage, s: Strings): string {
  return `<span class="pill st-${esc(o.status)}">${esc(s.statusName[o.status] ?? o.status)}</span>`;
}

function action(o: OpdUsage, s: Strings): string {
  const a = o.recommendation.action;
  return `<span class="ac-${esc(a)}">${esc(s.actionName[a] ?? a)}</span>`;
}

function pctCell(p: number | undefined, lang: Language, warnAt: number): string {
  const cls = p === undefined ? '' : p >= 100 ? ' over-num' : p > warnAt ? ' warn-num' : '';
  return `<td class="n${cls}">${esc(formatPct(p, lang))}</td>`;
}

function allocation(o: OpdUsage, s: Strings, lang: Language): string {
  const q = o.quota;
  const parts: string[] = [];
  if (q.volumeBytes !== undefined) parts.push(`${formatGB(q.volumeBytes, lang, 0)} GB`);
  if (q.rateBps !== undefined) parts.push(`${formatMbps(q.rateBps, lang, 0)} Mbit/s`);
  return parts.length ? parts.map(esc).join('<br>') : `<span class="muted">${esc(s.noQuota)}</span>`;
}

function header(r: UsageReport, o: HtmlOptions, s: Strings): string {
  const lang = o.language;
  return `<header class="kop">
  ${o.deployment ? `<div class="org">${esc(o.deployment)}</div>` : ''}
  <h1>${esc(o.title ?? s.title)}</h1>
  <div class="kop-row"><div class="period">${esc(s.period)}: ${esc(formatMonth(r.month, lang))}</div>
  <div class="meta">${esc(s.recipient)}<br>${esc(s.generated)}: ${esc(formatInstant(r.generatedAt, r.timezone, lang))}</div></div>
</header>
<p class="lead">${esc(s.purpose)}</p>
${r.current ? `<p class="notice">${esc(s.partialMonth)}</p>` : ''}`;
}

function summary(r: UsageReport, lang: Language, s: Strings): string {
  const total = r.opds.reduce((a, o) => a + BigInt(o.totalBytes), 0n);
  const over = r.opds.filter((o) => o.status === 'over');
  const warn = r.opds.filter((o) => o.status === 'warning');
  const inc = r.opds.filter((o) => o.recommendation.action === 'increase');
  const dec = r.opds.filter((o) => o.recommendation.action === 'decrease');
  const kpi = (v: string, k: string, cls = '') => `<div class="kpi ${cls}"><div class="v">${esc(v)}</div><div class="k">${esc(k)}</div></div>`;
  const kpis = `<div class="kpis">${[
    kpi(String(r.opds.length), s.kpiOpds),
    kpi(`${formatGB(total, lang, 0)}\u00a0GB`, s.kpiVolume),
    kpi(String(over.length), s.kpiOver, over.length ? 'over' : ''),
    kpi(String(warn.length), s.kpiWarning, warn.length ? 'warning' : ''),
    kpi(String(inc.length), s.kpiIncrease),
    kpi(String(dec.length), s.kpiDecrease),
  ].join('')}</div>`;

  const attention = [...over, ...warn].sort(
    (a, b) => Math.max(b.usedPct.volume ?? 0, b.usedPct.rate ?? 0) - Math.max(a.usedPct.volume ?? 0, a.usedPct.rate ?? 0),
  );
  const attTable = attention.length
    ? `<table><colgroup><col style="width:32%"><col style="width:18%"><col style="width:12%"><col style="width:12%"><col style="width:13%"><col style="width:13%"></colgroup>
<thead><tr><th>${esc(s.opd)}</th><th>${esc(s.status)}</th><th class="n">${esc(s.usedPctVolume)}</th><th class="n">${esc(s.usedPctRate)}</th><th class="n">${esc(s.used)} (GB)</th><th class="n">${esc(r.current ? s.projected : s.allocation)}</th></tr></thead>
<tbody>${attention
        .map(
          (o) => `<tr><td>${esc(o.name)}</td><td>${pill(o, s)}</td>${pctCell(o.usedPct.volume, lang, 80)}${pctCell(o.usedPct.rate, lang, 90)}<td class="n">${esc(formatGB(o.countedBytes, lang))}</td><td class="n">${r.current ? esc(o.projectedBytes ? formatGB(o.projectedBytes, lang) + ' GB' : '–') : allocation(o, s, lang)}</td></tr>`,
        )
        .join('\n')}</tbody></table>`
    : `<p class="muted">${esc(s.noAttention)}</p>`;

  const changes = [...inc, ...dec];
  const recTable = changes.length
    ? `<table><colgroup><col style="width:25%"><col style="width:13%"><col style="width:10%"><col style="width:10%"><col style="width:11%"><col style="width:31%"></colgroup>
<thead><tr><th>${esc(s.opd)}</th><th>${esc(s.recommendation)}</th><th class="n">${esc(s.allocation)} (Mbit/s)</th><th class="n">${esc(s.p95)} (Mbit/s)</th><th class="n">${esc(s.suggestedRate)} (Mbit/s)</th><th>${esc(s.reason)}</th></tr></thead>
<tbody>${changes
        .map(
          (o) => `<tr><td>${esc(o.name)}</td><td>${action(o, s)}</td><td class="n">${o.quota.rateBps !== undefined ? esc(formatMbps(o.quota.rateBps, lang, 0)) : '–'}</td><td class="n">${esc(formatMbps(o.p95Bps.maxBps, lang))}</td><td class="n">${o.recommendation.suggestedRateBps !== undefined ? `<b>${esc(formatMbps(o.recommendation.suggestedRateBps, lang, 0))}</b>` : '–'}</td><td>${esc(o.recommendation.reason)}</td></tr>`,
        )
        .join('\n')}</tbody></table>`
    : `<p class="muted">${esc(s.noRecommendations)}</p>`;

  return `<section><h2>${esc(s.summary)}</h2>${kpis}
<h3>${esc(s.attention)}</h3>${attTable}
<h3>${esc(s.recommendations)}</h3>${recTable}</section>`;
}

function evaluationTable(r: UsageReport, lang: Language, s: Strings): string {
  const widths = [4, 24, 10, 10, 8.5, 7.5, 8.5, 7.5, 8.5, 11.5];
  const head = [
    ['c', 'No'],
    ['', `${s.opd} / ${s.status}`],
    ['n', s.allocation],
    ['n', `${s.used} (GB)`],
    ['n', s.usedPctVolume],
    ['n', `${s.p95} (Mbit/s)`],
    ['n', s.usedPctRate],
    ['n', `${s.peak} (Mbit/s)`],
    ['n', s.coverageShort],
    ['', s.recommendation],
  ];
  const rows = r.opds.map(
    (o, i) => `<tr class="row-${esc(o.status)}"><td class="c">${i + 1}</td><td>${esc(o.name)}${o.status !== 'ok' ? `<br>${pill(o, s)}` : ''}</td><td class="n">${allocation(o, s, lang)}</td><td class="n">${esc(formatGB(o.countedBytes, lang))}</td>${pctCell(o.usedPct.volume, lang, 80)}<td class="n">${esc(formatMbps(o.p95Bps.maxBps, lang))}</td>${pctCell(o.usedPct.rate, lang, 90)}<td class="n">${esc(formatMbps(o.peakBps.maxBps, lang))}</td><td class="n${o.coverage < LOW_COVERAGE ? ' warn-num' : ''}">${esc(formatFraction(o.coverage, lang))}</td><td>${action(o, s)}</td></tr>`,
  );
  return `<table class="eval"><colgroup>${widths.map((w) => `<col style="width:${w}%">`).join('')}</colgroup>
<thead><tr>${head.map(([c, t]) => `<th${c ? ` class="${c}"` : ''}>${esc(t)}</th>`).join('')}</tr></thead>
<tbody>${rows.join('\n')}</tbody></table>`;
}

function detail(o: OpdUsage, i: number, r: UsageReport, lang: Language, s: Strings): string {
  const gb = (b: string | undefined) => (b === undefined ? '–' : `${formatGB(b, lang)} GB`);
  const mb = (b: number | undefined) => (b === undefined ? '–' : `${formatMbps(b, lang)} Mbit/s`);
  const kv: [string, string][] = [
    [s.in, gb(o.inBytes)],
    [`${s.p95} ${s.in.toLowerCase()} / ${s.out.toLowerCase()}`, `${formatMbps(o.p95Bps.inBps, lang)} / ${formatMbps(o.p95Bps.outBps, lang)} Mbit/s`],
    [s.out, gb(o.outBytes)],
    [`${s.peak} ${s.in.toLowerCase()} / ${s.out.toLowerCase()}`, `${formatMbps(o.peakBps.inBps, lang)} / ${formatMbps(o.peakBps.outBps, lang)} Mbit/s`],
    [s.total, gb(o.totalBytes)],
    [s.coverage, formatFraction(o.coverage, lang)],
    [s.counted, `${gb(o.countedBytes)} (${s.dirs[o.quota.direction] ?? o.quota.direction})`],
    [s.allocation, [o.quota.volumeBytes !== undefined ? `${formatGB(o.quota.volumeBytes, lang, 0)} GB` : '', o.quota.rateBps !== undefined ? mb(o.quota.rateBps) : ''].filter(Boolean).join(' · ') || s.noQuota],
  ];
  if (r.current || o.projectedBytes) kv.push([s.projected, gb(o.projectedBytes)]);
  if (o.recommendation.suggestedRateBps !== undefined) kv.push([s.suggestedRate, mb(o.recommendation.suggestedRateBps)]);
  if (kv.length % 2) kv.push(['', '']);
  const kvRows: string[] = [];
  for (let k = 0; k < kv.length; k += 2)
    kvRows.push(`<tr><td>${esc(kv[k][0])}</td><td class="n">${esc(kv[k][1])}</td><td>${esc(kv[k + 1][0])}</td><td class="n">${esc(kv[k + 1][1])}</td></tr>`);
  const basis = o.recommendation.basis
    .map((b) => {
      const pct = [b.usedPctRate !== undefined ? `${formatPct(b.usedPctRate, lang)} ${s.ofRate}` : '', b.usedPctVolume !== undefined ? `${formatPct(b.usedPctVolume, lang)} ${s.ofVolume}` : '']
        .filter(Boolean)
        .join(', ');
      return `<span class="nw">${esc(formatMonth(b.month, lang))}: ${b.p95Bps === undefined ? esc(s.statusName.no_data) : `${esc(formatMbps(b.p95Bps, lang))} Mbit/s`}${pct ? ` (${esc(pct)})` : ''}</span>`;
    })
    .join(' · ');
  const uplinks = o.uplinks
    .map((u) => `${esc(u.device)} ${esc(u.interface)} (${esc(formatFraction(u.coverage, lang))})`)
    .join(', ');
  const flags = [...(o.coverage < LOW_COVERAGE ? [s.lowCoverage] : []), ...o.uplinks.flatMap((u) => u.flags.map((f) => `${u.device} ${u.interface}: ${f}`))];
  return `<div class="opd-detail" id="opd-${esc(o.opd)}">
<h3><span>${i + 1}. ${esc(o.name)} <span class="id">(${esc(o.opd)})</span></span><span>${pill(o, s)}</span></h3>
<p class="reason"><b>${esc(s.recommendation)}:</b> ${action(o, s)} — ${esc(o.recommendation.reason)}</p>
<table class="kv"><colgroup><col style="width:24%"><col style="width:26%"><col style="width:24%"><col style="width:26%"></colgroup><tbody>${kvRows.join('')}</tbody></table>
${basis ? `<div class="small"><span class="muted">${esc(s.history)}:</span> ${basis}</div>` : ''}
${uplinks ? `<div class="small"><span class="muted">${esc(s.uplinks)}:</span> ${uplinks}</div>` : ''}
${flags.length ? `<ul class="flags">${flags.map((f) => `<li>${esc(f)}</li>`).join('')}</ul>` : ''}
</div>`;
}

/** The complete HTML document, every text escaped. */
export function renderHtml(report: UsageReport, opts: HtmlOptions): string {
  const lang = opts.language;
  const s = strings(lang);
  const title = `${opts.title ?? s.title} ${formatMonth(report.month, lang)}`;
  const daily = opts.daily?.length
    ? `<section><h2>${esc(s.chartDaily)}</h2><p class="small muted">${esc(s.chartDailyNote)}</p>${dailyChart(report.opds, opts.daily, lang)}</section>`
    : '';
  return `<!DOCTYPE html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<main class="page">
${header(report, opts, s)}
${summary(report, lang, s)}
<section><h2>${esc(s.chartUsage)}</h2><p class="small muted">${esc(s.chartUsageNote)}</p>${usageChart(report.opds, lang)}</section>
${daily}
<section><h2>${esc(s.table)}</h2>${evaluationTable(report, lang, s)}</section>
<section><h2 class="page-break">${esc(s.details)}</h2>
${report.opds.map((o, i) => detail(o, i, report, lang, s)).join('\n')}
</section>
<p class="sign">${esc(s.footer)} · ${esc(formatInstant(report.generatedAt, report.timezone, lang))}</p>
</main>
</body>
</html>
`;
}
