// Inline SVG chart of use against quota per OPD (horizontal bars). A pure string builder; every
// text is escaped. The chart is cut into chunks so that none is taller than a printed page (an
// SVG does not split); OPD names wrap onto more lines instead of being clipped.
import type { OpdUsage } from '../../protocol/usage.js';
import { escapeHtml as esc } from './escape.js';
import { isNoData } from './honesty.js';
import { formatPct, strings, type Language } from './i18n.js';
import { FONT } from './style.js';

export interface DailySeries {
  opd: string;
  days: { date: string; bytes: string }[];
}

const W = 680; // viewBox width, close to the A4 content width in CSS px
const LABEL_W = 232;
const BAR_X = LABEL_W + 8;
const BAR_W = W - BAR_X - 70;
const LINE_H = 11;
/** Characters per label line: 10 px text in LABEL_W px with the widest common sans font (DejaVu Sans). */
const LABEL_CHARS = 36;

export const COLORS = { ok: '#2f6f9f', weekend: '#9db7cf', warning: '#c07a00', over: '#b3261e', grid: '#d5dbe3', text: '#1c2733', muted: '#5f6b7a' };

/** Breaks `text` into lines of at most `max` characters at spaces (a longer word gets a line of its own, whole). */
export function wrapWords(text: string, max: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > max) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.length ? lines : [''];
}

function pctColor(p: number, warn: number): string {
  return p >= 100 ? COLORS.over : p > warn ? COLORS.warning : COLORS.ok;
}

/** Sorted by the larger of volume and rate use, highest first; OPDs without quota, then without data, last. */
function usageOrder(opds: OpdUsage[]): OpdUsage[] {
  const key = (o: OpdUsage) => (isNoData(o) ? -2 : Math.max(o.usedPct.volume ?? -1, o.usedPct.rate ?? -1));
  return [...opds].sort((a, b) => key(b) - key(a) || a.name.localeCompare(b.name));
}

function usageChunk(opds: OpdUsage[], scaleMax: number, warn: number, lang: Language, label: string): string {
  const s = strings(lang);
  const rows = opds.map((o) => ({ o, lines: wrapWords(o.name, LABEL_CHARS) }));
  const heights = opds.map(rowHeight);
  const h = heights.reduce((a, b) => a + b, 0) + 22;
  const x = (p: number) => BAR_X + (Math.min(p, scaleMax) / scaleMax) * BAR_W;
  const parts: string[] = [];
  for (let p = 0; p <= scaleMax; p += 20) {
    parts.push(
      `<line x1="${x(p).toFixed(1)}" y1="0" x2="${x(p).toFixed(1)}" y2="${h - 16}" stroke="${COLORS.grid}" stroke-width="0.6"/>`,
      `<text x="${x(p).toFixed(1)}" y="${h - 4}" text-anchor="middle" class="ax">${p} %</text>`,
    );
  }
  for (const [p, color] of [[warn, COLORS.warning], [100, COLORS.over]] as const)
    parts.push(`<line x1="${x(p).toFixed(1)}" y1="0" x2="${x(p).toFixed(1)}" y2="${h - 16}" stroke="${color}" stroke-width="1" stroke-dasharray="3 2"/>`);
  let y = 2;
  rows.forEach(({ o, lines }, i) => {
    const mid = y + heights[i] / 2 - 2;
    const first = mid - ((lines.length - 1) * LINE_H) / 2 + 3.5;
    parts.push(
      `<text x="${LABEL_W}" y="${first.toFixed(1)}" text-anchor="end" class="lb">${lines.map((l, k) => `<tspan x="${LABEL_W}" dy="${k ? LINE_H : 0}">${esc(l)}</tspan>`).join('')}</text>`,
    );
    const note = isNoData(o) ? s.noData : o.usedPct.volume === undefined && o.usedPct.rate === undefined ? s.noQuota : undefined;
    if (note) parts.push(`<text x="${BAR_X + 4}" y="${(mid + 3.5).toFixed(1)}" class="na">${esc(note)}</text>`);
    else
      for (const [p, by, op] of [[o.usedPct.volume, mid - 9, 1], [o.usedPct.rate, mid + 1, 0.55]] as const) {
        if (p === undefined) continue;
        const w = Math.max(x(p) - BAR_X, 0.8);
        parts.push(`<rect x="${BAR_X}" y="${by.toFixed(1)}" width="${w.toFixed(1)}" height="8" rx="1.5" fill="${pctColor(p, warn)}" fill-opacity="${op}"/>`);
        parts.push(`<text x="${(BAR_X + w + 4).toFixed(1)}" y="${(by + 7.5).toFixed(1)}" class="vl">${p > scaleMax ? '› ' : ''}${esc(formatPct(p, lang, p >= 100 ? 0 : 1))}</text>`);
      }
    y += heights[i];
  });
  return `<svg class="chart" viewBox="0 0 ${W} ${h}" width="100%" role="img" aria-label="${esc(label)}" xmlns="http://www.w3.org/2000/svg">
<style>.lb{font:10px ${FONT};fill:${COLORS.text}}.ax{font:8.5px ${FONT};fill:${COLORS.muted}}.vl{font:8.5px ${FONT};fill:${COLORS.text}}.na{font:italic 9px ${FONT};fill:${COLORS.muted}}</style>
${parts.join('\n')}
</svg>`;
}

export function usageLegend(lang: Language, warn = 80): string {
  const s = strings(lang);
  return `<div class="legend"><span class="sw" style="background:${COLORS.ok}"></span>${esc(s.legendVolume)}
<span class="sw" style="background:${COLORS.ok};opacity:.55"></span>${esc(s.legendRate)}
<span class="sw" style="background:${COLORS.warning}"></span>&gt;&nbsp;${warn}&nbsp;%
<span class="sw" style="background:${COLORS.over}"></span>≥&nbsp;100&nbsp;%</div>`;
}

/** Height of one OPD's row in the chart: more lines for a longer name. */
function rowHeight(o: OpdUsage): number {
  return Math.max(24, wrapWords(o.name, LABEL_CHARS).length * LINE_H + 6);
}

/**
 * The chart's chunks (SVG strings), each at most `maxHeight` viewBox units tall (about 60 % of an
 * A4 page at the report's width), so that a heading and its first chunk fit on one page.
 */
export function usageChunks(opds: OpdUsage[], lang: Language, warn = 80, maxHeight = 620): string[] {
  const sorted = usageOrder(opds);
  const maxPct = Math.max(100, ...sorted.filter((o) => !isNoData(o)).flatMap((o) => [o.usedPct.volume ?? 0, o.usedPct.rate ?? 0]));
  const scaleMax = Math.min(200, Math.ceil((maxPct + 5) / 20) * 20);
  const groups: OpdUsage[][] = [];
  let height = 0;
  for (const o of sorted) {
    const h = rowHeight(o);
    if (!groups.length || height + h > maxHeight) {
      groups.push([]);
      height = 0;
    }
    groups[groups.length - 1].push(o);
    height += h;
  }
  return groups.map((g) => usageChunk(g, scaleMax, warn, lang, strings(lang).chartUsage));
}
