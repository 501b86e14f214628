// Daily volume per OPD as small multiples: a column per day with the GB scale on the left, the
// day of the month below, Saturdays and Sundays shaded lighter (the legend says so). The OPD's
// name is HTML above its chart, so long names wrap instead of being clipped.
import type { OpdUsage } from '../../protocol/usage.js';
import { COLORS, type DailySeries } from './charts.js';
import { escapeHtml as esc } from './escape.js';
import { isNoData } from './honesty.js';
import { formatGB, strings, type Language } from './i18n.js';
import { FONT } from './style.js';

const CW = 220;
const CH = 72;
const LEFT = 34; // room for the scale's labels
const TOP = 5;
const BASE = CH - 13;

function isWeekend(date: string): boolean {
  const wd = new Date(`${date}T00:00:00Z`).getUTCDay();
  return wd === 0 || wd === 6;
}

function chart(name: string, days: DailySeries['days'], lang: Language): string {
  const values = days.map((d) => BigInt(d.bytes));
  const max = values.reduce((a, b) => (b > a ? b : a), 0n);
  const bw = (CW - LEFT - 2) / Math.max(days.length, 1);
  const bars = values
    .map((v, i) => {
      const hgt = max > 0n ? (Number((v * 10_000n) / max) / 10_000) * (BASE - TOP) : 0;
      return `<rect x="${(LEFT + i * bw).toFixed(2)}" y="${(BASE - hgt).toFixed(2)}" width="${Math.max(bw - 1, 0.5).toFixed(2)}" height="${Math.max(hgt, 0.4).toFixed(2)}" fill="${isWeekend(days[i].date) ? COLORS.weekend : COLORS.ok}"><title>${esc(days[i].date)}: ${esc(formatGB(v, lang))} GB</title></rect>`;
    })
    .join('');
  const ticks = [0n, max / 2n, max]
    .map((v, k) => {
      const y = BASE - (k / 2) * (BASE - TOP);
      return `<line x1="${LEFT - 2}" y1="${y.toFixed(1)}" x2="${CW - 2}" y2="${y.toFixed(1)}" stroke="${COLORS.grid}" stroke-width="${k ? 0.4 : 0.8}"/><text x="${LEFT - 4}" y="${(y + 3).toFixed(1)}" text-anchor="end" class="dt">${esc(formatGB(v, lang, max >= 10n * 1_000_000_000n ? 0 : 1))}</text>`;
    })
    .join('');
  const labels = days
    .map((d, i) => ({ d: Number(d.date.slice(8)), i }))
    .filter(({ d }, k, all) => d === 1 || d % 7 === 1 || k === all.length - 1)
    .filter(({ d }, k, all) => !(k === all.length - 2 && all[k + 1].d - d < 3)) // keep the last day's label clear of its neighbour
    .map(({ d, i }) => `<text x="${(LEFT + (i + 0.5) * bw).toFixed(1)}" y="${CH - 2}" text-anchor="middle" class="dt">${d}</text>`)
    .join('');
  return `<svg viewBox="0 0 ${CW} ${CH}" width="100%" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${esc(name)}">
<style>.dt{font:8px ${FONT};fill:${COLORS.muted}}</style>
${ticks}${bars}${labels}
</svg>`;
}

function cell(o: OpdUsage, days: DailySeries['days'] | undefined, lang: Language): string {
  const s = strings(lang);
  const head = `<div class="dn">${esc(o.name)}</div>`;
  if (isNoData(o) || !days?.length) return `<div class="daily-cell">${head}<div class="dt nodata">${esc(s.noData)}</div></div>`;
  const values = days.map((d) => BigInt(d.bytes));
  const total = values.reduce((a, b) => a + b, 0n);
  const max = values.reduce((a, b) => (b > a ? b : a), 0n);
  const mx = lang === 'id' ? 'maks.' : 'max';
  return `<div class="daily-cell">${head}<div class="dt">Σ ${esc(formatGB(total, lang, 0))} GB · ${mx} ${esc(formatGB(max, lang, 1))} ${esc(s.perDay)}</div>${chart(o.name, days, lang)}</div>`;
}

export function dailyLegend(lang: Language): string {
  const s = strings(lang);
  return `<div class="legend"><span class="sw" style="background:${COLORS.ok}"></span>${esc(s.weekday)}
<span class="sw" style="background:${COLORS.weekend}"></span>${esc(s.weekend)}
<span class="muted">· ${esc(s.perDay)}; ${lang === 'id' ? 'angka di bawah: tanggal' : 'numbers below: day of the month'}</span></div>`;
}

/** The cells of the grid, in report order, `perChunk` to a chunk (three to a row). */
export function dailyChunks(opds: OpdUsage[], daily: DailySeries[], lang: Language, perChunk = 12): string[] {
  const byOpd = new Map(daily.map((d) => [d.opd, [...d.days].sort((a, b) => a.date.localeCompare(b.date))]));
  const cells = opds.map((o) => cell(o, byOpd.get(o.opd), lang));
  const chunks: string[] = [];
  for (let i = 0; i < cells.length; i += perChunk) chunks.push(`<div class="daily-grid">${cells.slice(i, i + perChunk).join('\n')}</div>`);
  return chunks;
}
