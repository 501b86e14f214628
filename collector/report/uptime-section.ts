// The report's "Ketersediaan server" / "Server availability" section (Pasal 15 of the Mojokerto
// and Bogor regulations: the data centre guarantees server up-time). It renders the
// UptimeReport that GET /api/v1/uptime returns, attached to the monthly report as `uptime`:
// per device (servers first, then routers and the rest) the availability against its target,
// the outages, the planned maintenance (down time inside a silence's window, apart from
// outages and left out of availability) and the unobserved time. A device or month without
// observations says so, never "100 %".
import type { DeviceUptime, UptimeReport } from '../../protocol/uptime.js';
import type { UsageReport } from '../../protocol/usage.js';
import type { UptimeService } from '../uptime/service.js';
import { csvField, isoLocal } from './csv.js';
import { escapeHtml as esc } from './escape.js';
import { fig } from './cells.js';
import { formatFraction, formatMoment, formatPct, type Language } from './i18n.js';

/** The monthly report with its up-time section: the same object GET /uptime?month= returns. */
export function withUptime(report: UsageReport, uptime: UptimeService, now: number): UsageReport {
  return { ...report, uptime: uptime.month(report.month, now) };
}

const W = {
  id: {
    title: 'Ketersediaan server',
    basis: 'Pasal 15: Pusat Data menjamin ketersediaan (up-time) server. Ketersediaan = waktu hidup ÷ (periode − pemeliharaan terencana − waktu tidak teramati) = waktu hidup ÷ (waktu hidup + waktu mati). Waktu mati di dalam jadwal pemeliharaan (silence dengan alasan, awal dan akhir) adalah pemeliharaan terencana: disajikan terpisah dari gangguan dan tidak mengurangi ketersediaan. Waktu tanpa pengamatan (agen tidak mengirim data, collector mati, perangkat di belakang perangkat lain yang mati) tidak pernah dihitung hidup maupun mati dan disajikan terpisah.',
    noData: 'Tidak ada pengamatan perangkat pada bulan ini: ketersediaan tidak dapat dinilai.',
    device: 'Perangkat', kind: 'Jenis', availability: 'Ketersediaan', target: 'Target', result: 'Hasil', outages: 'Gangguan',
    down: 'Waktu mati', unobserved: 'Tidak teramati', observed: 'teramati', mttr: 'MTTR', none: 'Tidak ada gangguan tercatat.', outageList: 'Daftar gangguan',
    maintenance: 'Pemeliharaan', maintenanceList: 'Pemeliharaan terencana', untilMaintenance: 'lalu pemeliharaan',
    ongoing: 'masih berlangsung', untilUnknown: 'lalu tidak teramati', untilMonthEnd: 'hingga akhir bulan', noDataCell: 'Data tidak tersedia',
    results: { met: 'Tercapai', not_met: 'Tidak tercapai', no_data: 'Tidak dapat dinilai' },
    kinds: { server: 'Server', router: 'Router', switch: 'Switch', other: 'Lainnya' } as Record<string, string>,
    units: ['hr', 'j', 'mnt', 'dtk'],
  },
  en: {
    title: 'Server availability',
    basis: 'Article 15: the data centre guarantees server up-time. Availability = up time ÷ (period − planned maintenance − unobserved time) = up time ÷ (up time + down time). Down time inside a maintenance window (a silence with a reason, start and end) is planned maintenance: shown apart from outages, it does not lower availability. Time without observation (agent silent, collector down, device behind another that is down) never counts as up nor as down and is shown apart.',
    noData: 'No device was observed in this month: availability cannot be judged.',
    device: 'Device', kind: 'Kind', availability: 'Availability', target: 'Target', result: 'Result', outages: 'Outages',
    down: 'Down time', unobserved: 'Unobserved', observed: 'observed', mttr: 'MTTR', none: 'No outage recorded.', outageList: 'Outages',
    maintenance: 'Maintenance', maintenanceList: 'Planned maintenance', untilMaintenance: 'then maintenance',
    ongoing: 'ongoing', untilUnknown: 'then unobserved', untilMonthEnd: 'until month end', noDataCell: 'No data',
    results: { met: 'Met', not_met: 'Not met', no_data: 'Cannot be judged' },
    kinds: { server: 'Server', router: 'Router', switch: 'Switch', other: 'Other' } as Record<string, string>,
    units: ['d', 'h', 'min', 's'],
  },
};

const ORDER = ['server', 'router', 'switch', 'other'];

/** Devices in report order: servers, routers, switches, others; by id within a kind. */
export function reportDevices(u: UptimeReport): DeviceUptime[] {
  return [...u.devices].sort((a, b) => ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind) || a.device.localeCompare(b.device));
}

/** "1 j 5 mnt 20 dtk" / "1 h 5 min 20 s": at most the two largest units, seconds rounded. */
export function formatDuration(seconds: number, lang: Language): string {
  const u = W[lang].units;
  const s = Math.round(seconds);
  const parts: [number, string][] = [[Math.floor(s / 86400), u[0]], [Math.floor((s % 86400) / 3600), u[1]], [Math.floor((s % 3600) / 60), u[2]], [s % 60, u[3]]];
  const first = parts.findIndex(([n]) => n > 0);
  if (first < 0) return `0 ${u[3]}`;
  return parts.slice(first, first + 2).filter(([n]) => n > 0).map(([n, unit]) => `${n} ${unit}`).join(' ');
}

function outageText(d: DeviceUptime, u: UptimeReport, lang: Language): string[] {
  const w = W[lang];
  return d.outages.map((o) => {
    const end = o.end === null ? w.ongoing : o.endedBy === 'unknown' ? `${formatMoment(o.end, u.timezone, lang)} (${w.untilUnknown})` : o.endedBy === 'maintenance' ? `${formatMoment(o.end, u.timezone, lang)} (${w.untilMaintenance})` : o.endedBy === 'month_end' ? w.untilMonthEnd : formatMoment(o.end, u.timezone, lang);
    return `${formatMoment(o.start, u.timezone, lang)} – ${end}: ${formatDuration(o.durationS, lang)}`;
  });
}

function maintenanceText(d: DeviceUptime, u: UptimeReport, lang: Language): string[] {
  return d.maintenance.map((m) => `${formatMoment(m.start, u.timezone, lang)} – ${formatMoment(m.end, u.timezone, lang)}: ${formatDuration(m.durationS, lang)} (${m.silences.map((x) => x.reason).join('; ')})`);
}

/** The HTML section; empty when the report carries no up-time. */
export function uptimeSectionHtml(report: UsageReport, lang: Language): string {
  const u = report.uptime;
  if (!u) return '';
  const w = W[lang];
  const devices = reportDevices(u);
  const head = [w.device, w.kind, w.availability, w.target, w.result, w.outages, w.down, w.maintenance, w.unobserved, w.mttr]
    .map((t, i) => `<th${i >= 2 && i !== 4 ? ' class="n"' : ''}>${esc(t)}</th>`)
    .join('');
  const rows = devices.map((d) => {
    const name = `<td>${esc(d.device)}<br><span class="small muted">${esc(d.opd)}</span></td><td>${esc(w.kinds[d.kind] ?? d.kind)}</td>`;
    const target = d.target ? fig(formatPct(d.target.pct, lang, 1)) : '–';
    const result = d.target ? `<span class="pill uptime-${esc(d.target.result)}">${esc(w.results[d.target.result])}</span>` : '–';
    if (d.availabilityPct === null)
      return `<tr class="row-no_data" data-device="${esc(d.device)}">${name}<td class="nodata" colspan="1">${esc(w.noDataCell)}</td><td class="n">${target}</td><td>${result}</td><td class="n">–</td><td class="n">–</td><td class="n">–</td><td class="n">${fig(formatDuration(d.unknownS, lang))}</td><td class="n">–</td></tr>`;
    return `<tr data-device="${esc(d.device)}">${name}<td class="n${d.target?.result === 'not_met' ? ' over-num' : ''}">${fig(formatPct(d.availabilityPct, lang, 3))}</td><td class="n">${target}</td><td>${result}</td><td class="n">${d.outages.length}</td><td class="n">${fig(formatDuration(d.downS, lang))}</td><td class="n maintenance">${fig(formatDuration(d.maintenanceS, lang))}</td><td class="n">${fig(formatDuration(d.unknownS, lang))}<br><span class="small muted">${esc(formatFraction(d.observed, lang))} ${esc(w.observed)}</span></td><td class="n">${d.mttrS === null ? '–' : fig(formatDuration(d.mttrS, lang))}</td></tr>`;
  });
  const withOutages = devices.filter((d) => d.outages.length > 0);
  const list = withOutages.length
    ? `<h3>${esc(w.outageList)}</h3><ul class="small">${withOutages.map((d) => `<li><b>${esc(d.device)}</b>: ${outageText(d, u, lang).map(esc).join('; ')}</li>`).join('\n')}</ul>`
    : `<p class="muted">${esc(w.none)}</p>`;
  const withMaintenance = devices.filter((d) => d.maintenance.length > 0);
  const planned = withMaintenance.length
    ? `<h3>${esc(w.maintenanceList)}</h3><ul class="small maintenance-list">${withMaintenance.map((d) => `<li><b>${esc(d.device)}</b>: ${maintenanceText(d, u, lang).map(esc).join('; ')}</li>`).join('\n')}</ul>`
    : '';
  return `<section class="uptime"><h2>${esc(w.title)}</h2><p class="small muted">${esc(w.basis)}</p>
${u.state === 'no_data' ? `<p class="notice">${esc(w.noData)}</p>` : ''}
<table class="uptime-table"><colgroup>${[18, 7, 10, 7, 11, 7, 10, 10, 11, 9].map((w) => `<col style="width:${w}%">`).join('')}</colgroup><thead><tr>${head}</tr></thead>
<tbody>${rows.join('\n')}</tbody></table>
${u.state === 'no_data' ? '' : list + planned}</section>`;
}

/** CSV columns of the up-time block (stable; new columns only appended). */
export const UPTIME_CSV_COLUMNS: readonly [string, (d: DeviceUptime, u: UptimeReport) => string | number | undefined][] = [
  ['device', (d) => d.device],
  ['opd', (d) => d.opd],
  ['kind', (d) => d.kind],
  ['state', (d) => d.state],
  ['availability_pct', (d) => d.availabilityPct ?? undefined],
  ['target_pct', (d) => d.target?.pct],
  ['target_result', (d) => d.target?.result],
  ['observed', (d) => d.observed],
  ['up_s', (d) => d.upS],
  ['down_s', (d) => d.downS],
  ['unknown_s', (d) => d.unknownS],
  ['period_s', (d) => d.periodS],
  ['outages', (d) => d.outages.length],
  ['mttr_s', (d) => d.mttrS ?? undefined],
  ['mtbf_s', (d) => d.mtbfS ?? undefined],
  ['outage_list', (d, u) => d.outages.map((o) => `${isoLocal(o.start, u.timezone)}/${o.end === null ? '' : isoLocal(o.end, u.timezone)}`).join(' ')],
  ['agent', (d) => d.agent],
  ['via', (d) => d.via],
  ['month', (_d, u) => u.month],
  ['timezone', (_d, u) => u.timezone],
  ['maintenance_s', (d) => d.maintenanceS],
  ['maintenance_list', (d, u) => d.maintenance.map((m) => `${isoLocal(m.start, u.timezone)}/${isoLocal(m.end, u.timezone)}`).join(' ')],
  ['maintenance_reasons', (d) => d.maintenance.flatMap((m) => m.silences.map((x) => x.reason)).filter((r, i, all) => all.indexOf(r) === i).join('; ')],
];

/** The up-time block appended to the report's CSV after an empty line; empty when the report carries none. */
export function uptimeCsv(report: UsageReport): string {
  const u = report.uptime;
  if (!u) return '';
  const lines = ['', UPTIME_CSV_COLUMNS.map(([n]) => n).join(',')];
  for (const d of reportDevices(u)) lines.push(UPTIME_CSV_COLUMNS.map(([, get]) => csvField(get(d, u))).join(','));
  return lines.join('\r\n') + '\r\n';
}
