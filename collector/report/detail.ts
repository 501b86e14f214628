// The annex: one block per OPD with every figure, the observed span and the stretches not
// observed, the projection and what it rests on, the recommendation with its coverage and the
// months it weighed (with or without data), the uplinks and their data-quality notes.
import type { OpdUsage, UsageReport } from '../../protocol/usage.js';
import { action, pill } from './cells.js';
import type { DocumentOptions } from './document.js';
import { escapeHtml as esc, escapeProse } from './escape.js';
import { formatRange, isNoData, isProvisional, reasonOf, unobservedText } from './honesty.js';
import { formatFraction, formatGB, formatMbps, formatMonth, formatMoment, formatNumber, formatPct, strings, type Language, type Strings } from './i18n.js';

const LOW_COVERAGE = 0.9;

function projection(o: OpdUsage, r: UsageReport, lang: Language, s: Strings): string {
  if (o.projectedBytes === undefined) return o.projection?.reason ? `${s.noProjection}: ${o.projection.reason}` : s.noProjection;
  const p = o.projection;
  const pct = p?.pct !== undefined ? ` (${formatPct(p.pct, lang)})` : '';
  const basis = p ? `, ${s.projectionBasis(formatNumber(p.observedDays, lang, 1), formatMoment(p.basisFrom, r.timezone, lang), formatMoment(p.basisTo, r.timezone, lang))}` : '';
  return `${formatGB(o.projectedBytes, lang)} GB${pct}${basis}`;
}

function basisLine(o: OpdUsage, lang: Language, s: Strings): string {
  return o.recommendation.basis
    .map((b) => {
      if (b.noData || b.p95Bps === undefined) return `<span class="nw">${esc(formatMonth(b.month, lang))}: ${esc(s.noDataShort)}</span>`;
      const pct = [b.usedPctRate !== undefined ? `${formatPct(b.usedPctRate, lang)} ${s.ofRate}` : '', b.usedPctVolume !== undefined ? `${formatPct(b.usedPctVolume, lang)} ${s.ofVolume}` : '']
        .filter(Boolean)
        .join(', ');
      const cov = b.coverage !== undefined ? `, ${s.coverageShort.toLowerCase()} ${formatFraction(b.coverage, lang)}` : '';
      return `<span class="nw">${esc(formatMonth(b.month, lang))}: ${esc(formatMbps(b.p95Bps, lang))} Mbit/s</span>${pct || cov ? ` (${esc(pct + cov)})` : ''}`;
    })
    .join(' · ');
}

function figures(o: OpdUsage, r: UsageReport, lang: Language, s: Strings): [string, string][] {
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
  if (o.recommendation.suggestedRateBps !== undefined) kv.push([s.suggestedRate, mb(o.recommendation.suggestedRateBps)]);
  if (o.recommendation.suggestedVolumeBytes !== undefined) kv.push([s.suggestedVolume, gb(o.recommendation.suggestedVolumeBytes)]);
  if (o.recommendation.coverage !== undefined) kv.push([s.recCoverage, formatFraction(o.recommendation.coverage, lang)]);
  return kv;
}

export function detail(o: OpdUsage, i: number, r: UsageReport, doc: DocumentOptions): string {
  const lang = doc.language;
  const s = strings(lang);
  const headline = `<h3><span>${i + 1}. ${esc(o.name)} <span class="id">(${esc(o.opd)})</span></span><span>${pill(o, s)}</span></h3>
<p class="reason"><b>${esc(s.recommendation)}:</b> ${action(o, s)} — ${escapeProse(reasonOf(o, lang))}</p>`;
  const basis = basisLine(o, lang, s);
  const uplinks = o.uplinks.map((u) => `${esc(u.device)} ${esc(u.interface)} (${esc(formatFraction(u.coverage, lang))})`).join(', ');
  const small = (label: string, html: string) => (html ? `<div class="small"><span class="muted">${esc(label)}:</span> ${html}</div>` : '');
  if (isNoData(o))
    return `<div class="opd-detail" id="opd-${esc(o.opd)}">${headline}<p class="nodata">${esc(s.noData)}</p>${small(s.history, basis)}${small(s.uplinks, uplinks)}</div>`;
  const kv = figures(o, r, lang, s);
  if (kv.length % 2) kv.push(['', '']);
  const rows: string[] = [];
  for (let k = 0; k < kv.length; k += 2)
    rows.push(`<tr><td>${esc(kv[k][0])}</td><td class="n">${esc(kv[k][1])}</td><td>${esc(kv[k + 1][0])}</td><td class="n">${esc(kv[k + 1][1])}</td></tr>`);
  const observed = o.observedFrom !== undefined && o.observedTo !== undefined ? esc(formatRange(o.observedFrom, o.observedTo, r.timezone, lang)) : '';
  const gaps = unobservedText(o, r, lang).map(esc).join('; ');
  const flags = [...(o.coverage < LOW_COVERAGE ? [s.lowCoverage] : []), ...o.uplinks.flatMap((u) => u.flags.map((f) => `${u.device} ${u.interface}: ${f}`))];
  return `<div class="opd-detail" id="opd-${esc(o.opd)}">${headline}
<table class="kv"><colgroup><col style="width:24%"><col style="width:26%"><col style="width:24%"><col style="width:26%"></colgroup><tbody>${rows.join('')}</tbody></table>
${isProvisional(r) || o.projectedBytes !== undefined ? small(s.projected, escapeProse(projection(o, r, lang, s))) : ''}${small(s.observed, observed)}${small(s.unobserved, gaps)}${small(s.history, basis)}${small(s.uplinks, uplinks)}
${flags.length ? `<ul class="flags">${flags.map((f) => `<li>${escapeProse(f)}</li>`).join('')}</ul>` : ''}
</div>`;
}
