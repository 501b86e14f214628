// Small HTML pieces shared by the report's tables and annex: status pill, action, percentages,
// allocation. Figures never break across lines (class "fig": white-space nowrap).
import type { OpdUsage } from '../../protocol/usage.js';
import { escapeHtml as esc } from './escape.js';
import { actionOf, statusOf } from './honesty.js';
import { formatGB, formatMbps, formatPct, type Language, type Strings } from './i18n.js';

/** A figure that stays on one line ("1.234,57 GB"). */
export function fig(text: string): string {
  return `<span class="fig">${esc(text)}</span>`;
}

export function pill(o: OpdUsage, s: Strings): string {
  const st = statusOf(o);
  return `<span class="pill st-${esc(st)}">${esc(s.statusName[st] ?? st)}</span>`;
}

export function action(o: OpdUsage, s: Strings): string {
  const a = actionOf(o);
  return `<span class="ac-${esc(a)}">${esc(s.actionName[a] ?? a)}</span>`;
}

export function pctCell(p: number | undefined, lang: Language, warnAt: number): string {
  const cls = p === undefined ? '' : p >= 100 ? ' over-num' : p > warnAt ? ' warn-num' : '';
  return `<td class="n${cls}">${fig(formatPct(p, lang))}</td>`;
}

/** "3.000 GB" and "100 Mbit/s", one per line, or "tanpa kuota". */
export function allocation(o: OpdUsage, s: Strings, lang: Language): string {
  const q = o.quota;
  const parts: string[] = [];
  if (q.volumeBytes !== undefined) parts.push(fig(`${formatGB(q.volumeBytes, lang, 0)} GB`));
  if (q.rateBps !== undefined) parts.push(fig(`${formatMbps(q.rateBps, lang, 0)} Mbit/s`));
  return parts.length ? parts.join('<br>') : `<span class="muted">${esc(s.noQuota)}</span>`;
}
