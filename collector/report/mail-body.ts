// The e-mail body: the evaluation for a phone as much as for a desk. One column, inline styles
// (mail clients drop or rewrite <style>), no table wider than two columns, every figure on one
// line, the charts as PNG images referenced by Content-ID (Gmail and Outlook drop inline SVG).
// The full A4 document is the attachment; this body says which attachments there are.
import type { OpdUsage, UsageReport } from '../../protocol/usage.js';
import type { DocumentOptions } from './document.js';
import { escapeHtml as esc, escapeProse } from './escape.js';
import { actionOf, dataSinceInMonth, isNoData, isProvisional, provisionalLabel, reasonOf, stateOf, statusOf, anySectionHasData } from './honesty.js';
import { documentNumber, formatDate, formatFraction, formatGB, formatInstant, formatMbps, formatMoment, formatMonth, formatPct, strings, type Strings } from './i18n.js';
import { TANGERANG_PASAL_25 } from './words.js';

export interface MailBodyOptions extends DocumentOptions {
  /** The chart images by Content-ID and data-chart name (usage-N, daily-N); empty when they could not be made. */
  charts: { cid: string; name: string }[];
  /** Content-ID of the logo image, when attached. */
  logoCid?: string;
  /** The attachments actually attached, for the sentence that names them. */
  attached: { pdf: boolean; html: boolean; csv: boolean };
  /** Chromium could not make the PDF (and the charts). */
  pdfFailed: boolean;
  /** False: the sender asked for no chart images; the chart section is left out. */
  chartsWanted?: boolean;
}

const FONT = 'Arial, Helvetica, sans-serif';
const C = { ink: '#1c2733', navy: '#16324f', muted: '#5f6b7a', rule: '#d5dbe3', warn: '#9a6100', over: '#b3261e' };
const STATUS_COLOR: Record<string, string> = { ok: '#1f5c2a', warning: C.warn, over: C.over, projected_over: '#7a3d00', no_data: C.muted };

const fig = (t: string) => `<span style="white-space:nowrap">${esc(t)}</span>`;
const p = (html: string, style = '') => `<p style="margin:0 0 10px;${style}">${html}</p>`;
const h2 = (t: string) => `<h2 style="font-size:17px;color:${C.navy};margin:22px 0 8px;padding-bottom:4px;border-bottom:2px solid ${C.navy}">${esc(t)}</h2>`;
const notice = (t: string, color = '#c07a00', bg = '#fff6e0') => `<p style="margin:0 0 10px;padding:8px 10px;background:${bg};border-left:4px solid ${color}">${escapeProse(t)}</p>`;

function status(o: OpdUsage, s: Strings): string {
  const st = statusOf(o);
  return `<b style="color:${STATUS_COLOR[st] ?? C.ink}">${esc(s.statusName[st])}</b>`;
}

function figures(o: OpdUsage, r: UsageReport, b: MailBodyOptions, s: Strings): string {
  const lang = b.language;
  if (isNoData(o)) return `<i style="color:${C.muted}">${esc(s.noData)}</i>`;
  const items = [
    fig(`${formatGB(o.countedBytes, lang)} GB`),
    ...(o.usedPct.volume !== undefined ? [fig(`${formatPct(o.usedPct.volume, lang)} ${s.ofVolume}`)] : []),
    fig(`p95 ${formatMbps(o.p95Bps.maxBps, lang)} Mbit/s`),
    ...(o.usedPct.rate !== undefined ? [fig(`${formatPct(o.usedPct.rate, lang)} ${s.ofRate}`)] : []),
    fig(`${s.coverageShort.toLowerCase()} ${formatFraction(o.coverage, lang)}`),
    ...(isProvisional(r) && o.projectedBytes !== undefined ? [fig(`${s.projected.toLowerCase()} ${formatGB(o.projectedBytes, lang)} GB`)] : []),
  ];
  return items.join(' · ');
}

function opdBlock(o: OpdUsage, r: UsageReport, b: MailBodyOptions, s: Strings, withReason: boolean): string {
  const lang = b.language;
  const a = actionOf(o);
  const suggested = [
    ...(o.recommendation.suggestedRateBps !== undefined ? [fig(`${s.suggestedRate.toLowerCase()} ${formatMbps(o.recommendation.suggestedRateBps, lang, 0)} Mbit/s`)] : []),
    ...(o.recommendation.suggestedVolumeBytes !== undefined ? [fig(`${s.suggestedVolume.toLowerCase()} ${formatGB(o.recommendation.suggestedVolumeBytes, lang, 0)} GB`)] : []),
  ].join(' · ');
  return `<div style="margin:0 0 10px;padding:0 0 8px;border-bottom:1px solid ${C.rule}">
<div><b>${esc(o.name)}</b></div>
<div>${status(o, s)} · ${esc(s.recommendation)}: <b>${esc(s.actionName[a])}</b>${suggested ? ` (${suggested})` : ''}</div>
<div style="color:${C.muted};font-size:13px">${figures(o, r, b, s)}</div>
${withReason ? `<div style="font-size:13px">${escapeProse(reasonOf(o, lang))}</div>` : ''}</div>`;
}

function attachmentsLine(b: MailBodyOptions, s: Strings): string {
  const list = [...(b.attached.pdf ? [s.mailPdf] : []), ...(b.attached.html ? [s.mailHtml] : []), ...(b.attached.csv ? [s.mailCsv] : [])];
  return list.length ? `${s.mailAttached}: ${list.join('; ')}.` : '';
}

/** The HTML body of the report e-mail. */
export function renderMailBody(r: UsageReport, b: MailBodyOptions): string {
  const lang = b.language;
  const s = strings(lang);
  const title = `${s.title} — ${formatMonth(r.month, lang)}`;
  const noData = stateOf(r) === 'no_data';
  const out: string[] = [];
  const is = b.issuer;
  if (is)
    out.push(`<div style="text-align:center;border-bottom:3px double ${C.navy};padding-bottom:8px;margin-bottom:12px">${b.logoCid ? `<img src="cid:${esc(b.logoCid)}" alt="" width="56" height="56" style="width:56px;height:56px;display:block;margin:0 auto 4px">` : ''}${is.government ? `<div style="text-transform:uppercase;font-size:13px">${esc(is.government)}</div>` : ''}<div style="text-transform:uppercase;font-weight:bold;color:${C.navy}">${esc(is.name)}</div>${is.address ? `<div style="font-size:12px;color:${C.muted}">${esc(is.address)}</div>` : ''}</div>`);
  out.push(`<h1 style="font-size:21px;line-height:1.25;color:${C.navy};margin:0 0 6px">${esc(title)}</h1>`);
  const meta = [...(b.documentNumber ? [`${s.number}: ${fig(documentNumber(b.documentNumber, r.month))}`] : []), `${s.generated}: ${esc(formatInstant(r.generatedAt, r.timezone, lang))}`];
  out.push(p(meta.join('<br>'), `color:${C.muted};font-size:13px`));
  out.push(p(esc(s.mailIntro(formatMonth(r.month, lang)))));
  if (noData) out.push(notice(anySectionHasData(r) ? s.noDataBandwidth : s.noDataMonth, C.muted, '#eef0f3'));
  else if (isProvisional(r)) out.push(notice(s.provisionalNotice(formatMoment(r.generatedAt, r.timezone, lang))));
  const since = dataSinceInMonth(r);
  if (since !== undefined) out.push(notice(s.dataSince(formatInstant(since, r.timezone, lang))));
  if (b.pdfFailed) out.push(notice(s.mailPdfFailed, C.over, '#fbeceb'));
  const attached = attachmentsLine(b, s);
  if (attached) out.push(p(esc(attached)));

  if (!noData) {
    const measured = r.opds.filter((o) => !isNoData(o));
    const count = (st: string) => r.opds.filter((o) => statusOf(o) === st).length;
    const kpis: [string, string][] = [
      [s.kpiOpds, String(r.opds.length)],
      [s.kpiVolume, `${formatGB(measured.reduce((a, o) => a + BigInt(o.totalBytes), 0n), lang, 0)} GB`],
      [s.kpiOver, String(count('over'))],
      [s.kpiWarning, String(count('warning'))],
      ...(isProvisional(r) ? [[s.kpiProjected, String(count('projected_over'))] as [string, string]] : []),
      ...(count('no_data') ? [[s.kpiNoData, String(count('no_data'))] as [string, string]] : []),
      [s.kpiIncrease, String(r.opds.filter((o) => actionOf(o) === 'increase').length)],
      [s.kpiDecrease, String(r.opds.filter((o) => actionOf(o) === 'decrease').length)],
    ];
    out.push(h2(isProvisional(r) ? `${s.summary} (${provisionalLabel(r, lang)})` : s.summary));
    out.push(`<table role="presentation" style="border-collapse:collapse;width:100%;max-width:420px">${kpis.map(([k, v]) => `<tr><td style="padding:3px 8px 3px 0;border-bottom:1px solid ${C.rule}">${esc(k)}</td><td style="padding:3px 0;border-bottom:1px solid ${C.rule};text-align:right;font-weight:bold">${fig(v)}</td></tr>`).join('')}</table>`);
    const hot = r.opds.filter((o) => ['over', 'warning', 'projected_over'].includes(statusOf(o)));
    out.push(h2(s.attention));
    out.push(hot.length ? hot.map((o) => opdBlock(o, r, b, s, false)).join('') : p(esc(s.noAttention), `color:${C.muted}`));
    const changes = r.opds.filter((o) => ['increase', 'decrease'].includes(actionOf(o)) || (actionOf(o) === 'withheld' && !isNoData(o)));
    out.push(h2(s.recommendations));
    out.push(changes.length ? changes.map((o) => opdBlock(o, r, b, s, true)).join('') : p(esc(s.noRecommendations), `color:${C.muted}`));
    const img = (cid: string, alt: string) => `<img src="cid:${esc(cid)}" alt="${esc(alt)}" width="680" style="display:block;width:100%;max-width:680px;height:auto;margin:0 0 8px">`;
    if (b.chartsWanted !== false) {
      out.push(h2(s.chartUsage));
      const usage = b.charts.filter((c) => c.name.startsWith('usage-'));
      out.push(usage.length ? usage.map((c) => img(c.cid, s.chartUsage)).join('') : p(esc(s.mailChartsFailed), `color:${C.muted}`));
      const daily = b.charts.filter((c) => c.name.startsWith('daily-'));
      if (daily.length) out.push(h2(s.chartDaily), daily.map((c) => img(c.cid, s.chartDaily)).join(''));
    }
    out.push(h2(s.mailAllOpds));
    out.push(r.opds.map((o) => opdBlock(o, r, b, s, false)).join(''));
  }
  out.push(h2(s.method));
  out.push(p(esc(b.legalBasis ?? TANGERANG_PASAL_25), 'font-size:13px;font-style:italic'));
  out.push(p(escapeProse([s.methodVolume, s.methodP95].join(' ')), 'font-size:13px'));
  const sig = is?.signatory;
  if (sig)
    out.push(`<div style="margin-top:20px">${esc(is?.city ? s.signedAt(is.city, formatDate(r.generatedAt, r.timezone, lang)) : formatDate(r.generatedAt, r.timezone, lang))}<br>${esc(sig.title)}<br><br><b>${esc(sig.name)}</b>${sig.nip ? `<br>${esc(s.nip)} ${fig(sig.nip)}` : ''}</div>`);
  out.push(p(esc(s.footer), `margin-top:20px;color:${C.muted};font-size:12px`));
  return `<!DOCTYPE html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title></head>
<body style="margin:0;padding:0;background:#ffffff">
<div style="max-width:680px;margin:0 auto;padding:12px;font-family:${FONT};font-size:15px;line-height:1.45;color:${C.ink};overflow-wrap:break-word">
${out.join('\n')}
</div></body></html>
`;
}
