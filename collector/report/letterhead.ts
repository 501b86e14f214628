// The letterhead (kop surat: logo, government, office, address), the document's number,
// subject and period, and the signature block, in the form an Indonesian office files.
import type { UsageReport } from '../../protocol/usage.js';
import type { DocumentOptions } from './document.js';
import { escapeHtml as esc } from './escape.js';
import { dataSinceInMonth, isProvisional, provisionalLabel, stateOf, anySectionHasData } from './honesty.js';
import { documentNumber, formatDate, formatInstant, formatMoment, formatMonth, strings } from './i18n.js';

/** `src` for the logo: a data URI in the standalone document, a cid: reference in the e-mail. */
export function logoDataUri(o: DocumentOptions): string | undefined {
  return o.logo ? `data:${o.logo.mime};base64,${o.logo.data.toString('base64')}` : undefined;
}

export function letterhead(r: UsageReport, o: DocumentOptions, logoSrc = logoDataUri(o)): string {
  const s = strings(o.language);
  const lang = o.language;
  const is = o.issuer;
  const kop = is
    ? `<div class="kop-top">${logoSrc ? `<img class="logo" src="${esc(logoSrc)}" alt="">` : ''}<div class="kop-text">
${is.government ? `<div class="gov">${esc(is.government)}</div>` : ''}<div class="org">${esc(is.name)}</div>
${is.address ? `<div class="addr">${esc(is.address)}</div>` : ''}</div></div>`
    : '';
  const period = `${formatMonth(r.month, lang)}${isProvisional(r) ? ` (${provisionalLabel(r, lang)})` : ''}`;
  const meta: [string, string][] = [];
  if (o.documentNumber) meta.push([s.number, documentNumber(o.documentNumber, r.month)]);
  meta.push([s.subjectLabel, `${s.title} — ${formatMonth(r.month, lang)}`], [s.period, period]);
  return `<header class="kop">${kop}
<h1>${esc(s.title)}</h1>
<div class="kop-row"><table class="meta-l"><tbody>${meta.map(([k, v]) => `<tr><td>${esc(k)}</td><td>: ${esc(v)}</td></tr>`).join('')}</tbody></table>
<div class="meta">${esc(s.recipient)}<br>${esc(s.generated)}: ${esc(formatInstant(r.generatedAt, r.timezone, lang))}</div></div>
</header>
<p class="lead">${esc(s.purpose)}</p>
${notices(r, o)}`;
}

/** The month's state, said before any figure: provisional, no data at all, first month of operation. */
export function notices(r: UsageReport, o: DocumentOptions): string {
  const s = strings(o.language);
  const out: string[] = [];
  if (stateOf(r) === 'no_data') out.push(`<p class="notice nodata">${esc(anySectionHasData(r) ? s.noDataBandwidth : s.noDataMonth)}</p>`);
  else if (isProvisional(r)) out.push(`<p class="notice">${esc(s.provisionalNotice(formatMoment(r.generatedAt, r.timezone, o.language)))}</p>`);
  const since = dataSinceInMonth(r);
  if (since !== undefined) out.push(`<p class="notice">${esc(s.dataSince(formatInstant(since, r.timezone, o.language)))}</p>`);
  return out.join('\n');
}

/** "Tigaraksa, 1 Desember 2026 / Kepala Dinas … / (space to sign) / name / NIP …"; empty without a signatory. */
export function signature(r: UsageReport, o: DocumentOptions): string {
  const sig = o.issuer?.signatory;
  if (!sig) return '';
  const s = strings(o.language);
  const date = formatDate(r.generatedAt, r.timezone, o.language);
  return `<div class="signature"><div>${esc(o.issuer?.city ? s.signedAt(o.issuer.city, date) : date)}</div>
<div>${esc(sig.title)}</div><div class="sign-space"></div>
<div class="sig-name">${esc(sig.name)}</div>${sig.nip ? `<div>${esc(s.nip)} ${esc(sig.nip)}</div>` : ''}</div>`;
}
