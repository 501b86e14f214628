// "Dasar dan metode": the legal basis the evaluation answers to (configurable: the regencies'
// regulations differ; Tangerang's Pasal 25 by default), how each figure is computed and which
// thresholds, read from the config, decide status and recommendation.
import type { DocumentOptions } from './document.js';
import { escapeHtml as esc, escapeProse } from './escape.js';
import { strings } from './i18n.js';
import { TANGERANG_PASAL_25 } from './words.js';

export function methodSection(o: DocumentOptions): string {
  const s = strings(o.language);
  const f = o.method;
  const items = [
    s.methodVolume,
    s.methodP95,
    ...(f ? [s.methodCoverage(f.coverageMaxGapSeconds)] : []),
    s.methodProjection(f?.projectAfterDays),
    ...(f ? [s.methodStatus(f), s.methodRecommendation(f)] : []),
  ];
  return `<section class="method"><h2>${esc(s.method)}</h2>
<h3>${esc(s.legalBasis)}</h3><p class="basis">${esc(o.legalBasis ?? TANGERANG_PASAL_25)}</p>
<h3>${esc(s.methodHow)}</h3><ol>${items.map((t) => `<li>${escapeProse(t)}</li>`).join('')}</ol></section>`;
}
