// Inline SVG charts for the report: use against quota per OPD (horizontal bars) and daily
// volume per OPD (small multiples). Pure string builders; every text is escaped. Charts are
// cut into chunks so that none is taller than a printed page (an SVG does not split).
import type { OpdUsage } from '../../protocol/usage.js';
import { escapeHtml as esc } from './escape.js';
import { formatGB, formatPct, strings, type Language } from './i18n.js';
import { FONT } from './style.js';

export interface DailySeries {
  opd: string;
  days: { date: string; bytes: string }[];
}

const W = 680; // viewBox width, close to the A4 content width in CSS px
const LABEL_W = 232;
const BAR_X = LABEL_W + 8;
const BAR_W = W - BAR_X - 70;
const ROW_H = 24;

export const COLORS = { ok: '#2f6f9f', warning: '#c07a00', over: '#b3261e', grid: '#d5dbe3', text: '#1c2733', muted: '#5f6b7a' };

export function truncate(s: string, max: number): string {
  return s.length <= max ? s : s.slice(0, max - 1).trimEnd() + '…';
}

function pctColor(p: number): string {
  return p >= 100 ? COLORS.over : p > 80 ? COLORS.warning : COLORS.ok;
}

function fmtPctShort(p: number, lang: Language): string {
  return formatPct(p, lang, p >= 100 ? 0 : 1);
}

/** Sorted by the larger of volume and rate use, highest first; OPDs without quota last. */
function usageOrder(opds: OpdUsage[]): OpdUsage[] {
  const key = (o: OpdUsage) => Math.max(o.usedPct.volume ?? -1, o.usedPct.rate ?? -1);
  return [...opds].sort((a, b) => key(b) - key(a) || a.name.localeCompare(b.name));
}

function usageChunk(opds: OpdUsage[], scaleMax: number, lang: Language, label: string): string {
  const s = strings(lang);
  const h = opds.length * ROW_H + 22;
  const x = (p: number) => BAR_X + (Math.min(p, scaleMax) / scaleMax) * BAR_W;
  const parts: string[] = [];
  // Grid: every 20 %, dashed at 80 % and 100 %.
  for (let p = 0; p <= scaleMax; p += 20) {
    const dashed = p === 80 || p === 100;
    parts.push(
      `<line x1="${x(p).toFixed(1)}" y1="0" x2="${x(p).toFixed(1)}" y2="${h - 16}" stroke="${dashed ? (p === 100 ? COLORS.over : COLORS.warning) : COLORS.grid}" stroke-width="${dashed ? 1 : 0.6}"${dashed ? ' stroke-dasharray="3 2"' : ''}/>`,
      `<text x="${x(p).toFixed(1)}" y="${h - 4}" text-anchor="middle" class="ax">${p} %</text>`,
    );
  }
  opds.forEach((o, i) => {
    const y = i * ROW_H + 2;
    parts.push(`<g><title>${esc(o.name)}</title><text x="${LABEL_W}" y="${y + 14}" text-anchor="end" class="lb">${esc(truncate(o.name, 42))}</text></g>`);
    const bars: [number | undefined, number, number][] = [
      [o.usedPct.volume, y + 2, 1],
      [o.usedPct.rate, y + 12, 0.55],
    ];
    if (o.usedPct.volume === undefined && o.usedPct.rate === undefined) {
      parts.push(`<text x="${BAR_X + 4}" y="${y + 14}" class="na">${esc(s.noQuota)}</text>`);
      return;
    }
    for (const [p, by, op] of bars) {
      if (p === undefined) continue;
      const w = Math.max(x(p) - BAR_X, 0.8);
      parts.push(`<rect x="${BAR_X}" y="${by}" width="${w.toFixed(1)}" height="8" rx="1.5" fill="${pctColor(p)}" fill-opacity="${op}"/>`);
      const over = p > scaleMax ? '› ' : '';
      parts.push(`<text x="${(BAR_X + w + 4).toFixed(1)}" y="${by + 7.5}" class="vl">${over}${esc(fmtPctShort(p, lang))}</text>`);
    }
  });
  return `<svg class="chart" viewBox="0 0 ${W} ${h}" width="100%" role="img" aria-label="${esc(label)}" xmlns="http://www.w3.org/2000/svg">
<style>.lb{font:10px ${FONT};fill:${COLORS.text}}.ax{font:8.5px ${FONT};fill:${COLORS.muted}}.vl{font:8.5px ${FONT};fill:${COLORS.text}}.na{font:italic 9px ${FONT};fill:${COLORS.muted}}</style>
${parts.join('\n')}
</svg>`;
}

/** Horizontal bars per OPD: volume used and p95 rate against their quotas, in chunks of `perChunk`. */
export function usageChart(opds: OpdUsage[], lang: Language, perChunk = 26): string {
  const sorted = usageOrder(opds);
  const maxPct = Math.max(100, ...sorted.flatMap((o) => [o.usedPct.volume ?? 0, o.usedPct.rate ?? 0]));
  const scaleMax = Math.min(200, Math.ceil((maxPct + 5) / 20) * 20);
  const s = strings(lang);
  const chunks: string[] = [];
  for (let i = 0; i < sorted.length; i += perChunk)
    chunks.push(`<div class="chart-chunk">${usageChunk(sorted.slice(i, i + perChunk), scaleMax, lang, s.chartUsage)}</div>`);
  const legend = `<div class="legend"><span class="sw" style="background:${COLORS.ok}"></span>${esc(s.legendVolume)}
<span class="sw" style="background:${COLORS.ok};opacity:.55"></span>${esc(s.legendRate)}
<span class="sw" style="background:${COLORS.warning}"></span>&gt; 80 %
<span class="sw" style="background:${COLORS.over}"></span>≥ 100 %</div>`;
  return legend + chunks.join('\n');
}

function dailyCell(name: string, days: DailySeries['days'], lang: Language): string {
  const [perDay, mx] = lang === 'id' ? ['GB/hari', 'maks.'] : ['GB/day', 'max'];
  const cw = 220;
  const ch = 74;
  const top = 20;
  const base = ch - 12;
  const values = days.map((d) => BigInt(d.bytes));
  const max = values.reduce((a, b) => (b > a ? b : a), 0n);
  const total = values.reduce((a, b) => a + b, 0n);
  const n = Math.max(days.length, 1);
  const bw = (cw - 4) / n;
  const bars = values
    .map((v, i) => {
      const hgt = max > 0n ? Number((v * 10_000n) / max) / 10_000 * (base - top) : 0;
      const wd = new Date(`${days[i].date}T00:00:00Z`).getUTCDay();
      const fill = wd === 0 || wd === 6 ? '#9db7cf' : COLORS.ok;
      return `<rect x="${(2 + i * bw).toFixed(2)}" y="${(base - hgt).toFixed(2)}" width="${Math.max(bw - 1, 0.5).toFixed(2)}" height="${Math.max(hgt, 0.4).toFixed(2)}" fill="${fill}"><title>${esc(days[i].date)}: ${esc(formatGB(v, lang))} GB</title></rect>`;
    })
    .join('');
  const first = days[0]?.date.slice(8) ?? '';
  const last = days[days.length - 1]?.date.slice(8) ?? '';
  return `<div class="daily-cell"><svg viewBox="0 0 ${cw} ${ch}" width="100%" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${esc(name)}">
<style>.dn{font:bold 9.5px ${FONT};fill:${COLORS.text}}.dt{font:8.5px ${FONT};fill:${COLORS.muted}}</style>
<title>${esc(name)}</title>
<text x="2" y="10" class="dn">${esc(truncate(name, 40))}</text>
<text x="2" y="${top - 2}" class="dt">Σ ${esc(formatGB(total, lang, 0))} GB · ${mx} ${esc(formatGB(max, lang, 1))} ${perDay}</text>
<line x1="2" y1="${base + 0.5}" x2="${cw - 2}" y2="${base + 0.5}" stroke="${COLORS.grid}" stroke-width="0.8"/>
${bars}
<text x="2" y="${ch - 2}" class="dt">${esc(first)}</text><text x="${cw - 2}" y="${ch - 2}" text-anchor="end" class="dt">${esc(last)}</text>
</svg></div>`;
}

/** Small multiples: one mini column chart of daily volume per OPD, three to a row. */
export function dailyChart(opds: OpdUsage[], daily: DailySeries[], lang: Language): string {
  const byOpd = new Map(daily.map((d) => [d.opd, d.days]));
  const cells = opds
    .filter((o) => byOpd.has(o.opd))
    .map((o) => dailyCell(o.name, [...byOpd.get(o.opd)!].sort((a, b) => a.date.localeCompare(b.date)), lang));
  return `<div class="daily-grid">${cells.join('\n')}</div>`;
}
