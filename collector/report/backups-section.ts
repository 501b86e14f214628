// "Kepatuhan pencadangan" (Pasal 17 of the Mojokerto and Bogor regulations: every OPD backs
// up its data to the data centre, the Dinas supervises): per OPD the backups due, made, late
// and missed in the month, the last good backup, the size trend and the corrupt ones. The
// figures are BackupService.month(), the same as GET /api/v1/backups?month= `counts`. A month
// without observations says "Data tidak tersedia", never 100 %. Rendered after the bandwidth
// evaluation in HTML (and so the PDF), as appended columns in CSV, and as `backups` in JSON.
import type { CollectorConfig } from '../../config/collector.js';
import type { UsageReport, OpdUsage } from '../../protocol/usage.js';
import type { Compliance } from '../backups/compliance.js';
import { emptyCompliance, type BackupService } from '../backups/service.js';
import { isoLocal } from './iso-local.js';
import type { DocumentOptions } from './document.js';
import { escapeHtml as esc } from './escape.js';
import { formatGB, formatMoment, formatPct, strings, type Language } from './i18n.js';

export interface BackupReportOpd extends Compliance {
  opd: string;
  name: string;
  schedule?: string;
  graceMinutes?: number;
}

export interface BackupReportSection {
  month: string;
  /** `no_data`: no OPD with a backup schedule had anything judged or reported in the month. */
  state: 'complete' | 'in_progress' | 'no_data';
  supervisedSince?: number;
  opds: BackupReportOpd[];
}

export type WithBackups = UsageReport & { backups?: BackupReportSection };

/** The section's figures for `month` as of `now`. */
export function buildBackupSection(service: BackupService, cfg: CollectorConfig, month: string, now: number): BackupReportSection {
  const opds = cfg.opds.map((o): BackupReportOpd => {
    const c = service.month(o, month, now) ?? emptyCompliance();
    return { opd: o.id, name: o.name, ...(o.backup ? { schedule: o.backup.schedule, graceMinutes: o.backup.graceMinutes } : {}), ...c };
  });
  const judged = opds.filter((x) => x.state === 'complete' || x.state === 'in_progress');
  const state = judged.length === 0 ? 'no_data' : judged.some((x) => x.state === 'in_progress') ? 'in_progress' : 'complete';
  const since = service.ledger.supervisedSince();
  return { month, state, ...(since !== undefined ? { supervisedSince: since } : {}), opds };
}

/** The report with its backup section (the report scheduler and `pantau report` call this). */
export function withBackups<R extends UsageReport>(report: R, service: BackupService, cfg: CollectorConfig, now: number): R & { backups: BackupReportSection } {
  return { ...report, backups: buildBackupSection(service, cfg, report.month, now) };
}

const WORDS = {
  id: {
    title: 'Kepatuhan pencadangan (Pasal 17)',
    note: 'Setiap OPD wajib mencadangkan datanya secara berkala ke server pusat data; Dinas mengawasi. Tepat waktu: cadangan yang baik selesai dalam masa tenggang setelah jadwal; terlambat: setelah masa tenggang, sebelum jadwal berikutnya; terlewat: tidak ada.',
    noData: 'Data pencadangan tidak tersedia untuk bulan ini: tidak ada jadwal yang dapat dinilai dan tidak ada laporan pencadangan.',
    cols: ['No', 'OPD', 'Terjadwal', 'Dibuat', 'Terlambat', 'Terlewat', 'Kepatuhan', 'Cadangan baik terakhir', 'Tren ukuran (GB)', 'Rusak / gagal'],
    notConfigured: 'Tidak ada jadwal pencadangan',
    none: 'belum ada',
    corrupt: 'Arsip rusak',
    pending: (n: number) => `${n} jadwal belum jatuh tempo`,
  },
  en: {
    title: 'Backup compliance (Article 17)',
    note: 'Every OPD must back up its data periodically to the data centre\'s servers; the Dinas supervises. On time: a good backup finished within the grace after its scheduled time; late: after the grace, before the next scheduled time; missed: none.',
    noData: 'No backup data for this month: no scheduled backup could be judged and none was reported.',
    cols: ['No', 'OPD', 'Due', 'Made', 'Late', 'Missed', 'Compliance', 'Last good backup', 'Size trend (GB)', 'Corrupt / failed'],
    notConfigured: 'No backup schedule',
    none: 'none yet',
    corrupt: 'Corrupt archives',
    pending: (n: number) => `${n} scheduled, not yet due`,
  },
};

function trend(x: BackupReportOpd, lang: Language): string {
  if (!x.sizes) return '–';
  const change = x.sizes.changePct === undefined ? '' : ` (${x.sizes.changePct > 0 ? '+' : ''}${formatPct(x.sizes.changePct, lang)})`;
  return `${formatGB(x.sizes.first, lang)} → ${formatGB(x.sizes.last, lang)}${change}`;
}

/** The HTML section (after the bandwidth evaluation). */
export function backupsHtml(report: UsageReport, o: DocumentOptions): string {
  const sec = (report as WithBackups).backups;
  if (!sec) return '';
  const lang = o.language;
  const w = WORDS[lang];
  const tz = report.timezone;
  const head = `<section class="backups"><h2>${esc(w.title)}</h2><p class="small muted">${esc(w.note)}</p>`;
  if (sec.state === 'no_data') return `${head}<p class="nodata">${esc(w.noData)}</p></section>`;
  const rows = sec.opds.map((x, i) => {
    const name = `<td class="c">${i + 1}</td><td>${esc(x.name)}${x.schedule ? `<br><span class="small muted">${esc(x.schedule)}</span>` : ''}</td>`;
    if (x.state === 'not_configured') return `<tr>${name}<td class="nodata" colspan="8">${esc(w.notConfigured)}</td></tr>`;
    if (x.state === 'no_data') return `<tr class="row-no_data">${name}<td class="nodata" colspan="8">${esc(strings(lang).noData)}</td></tr>`;
    const last = x.lastGood ? `${esc(formatMoment(x.lastGood.ts, tz, lang))}${x.lastGood.bytes ? `<br>${esc(formatGB(x.lastGood.bytes, lang))} GB` : ''}` : esc(w.none);
    const pending = x.pending ? `<br><span class="small muted">${esc(w.pending(x.pending))}</span>` : '';
    return `<tr class="${x.missed ? 'row-over' : ''}">${name}<td class="n">${x.due}${pending}</td><td class="n">${x.made}</td><td class="n">${x.late}</td><td class="n">${x.missed}</td><td class="n">${esc(formatPct(x.compliancePct, lang))}</td><td>${last}</td><td class="n">${esc(trend(x, lang))}</td><td class="n">${x.corrupt.length} / ${x.failed}</td></tr>`;
  });
  const corrupt = sec.opds.flatMap((x) => x.corrupt.map((c) => `<li>${esc(x.name)}: ${esc(formatMoment(c.ts, tz, lang))}${c.path ? ` <code>${esc(c.path)}</code>` : ''}${c.reason ? ` — ${esc(c.reason)}` : ''}</li>`));
  return `${head}<table class="backups"><colgroup>${[4, 20, 8, 8, 9, 8, 10, 14, 11, 8].map((p) => `<col style="width:${p}%">`).join('')}</colgroup>
<thead><tr>${w.cols.map((c, i) => `<th class="${i === 0 ? 'c' : i === 1 || i === 7 ? '' : 'n'}">${esc(c)}</th>`).join('')}</tr></thead>
<tbody>${rows.join('\n')}</tbody></table>
${corrupt.length ? `<h3>${esc(w.corrupt)}</h3><ul class="small">${corrupt.join('')}</ul>` : ''}</section>`;
}

type Cell = string | number | undefined;
const of = (o: OpdUsage, r: UsageReport): BackupReportOpd | undefined => (r as WithBackups).backups?.opds.find((x) => x.opd === o.opd);
/** A judged figure: empty for an OPD without a schedule or without data in the month. */
const judged = (get: (x: BackupReportOpd) => Cell) => (o: OpdUsage, r: UsageReport): Cell => {
  const x = of(o, r);
  return x && (x.state === 'complete' || x.state === 'in_progress') ? get(x) : undefined;
};

/** Appended to the CSV's columns (collector/report/csv.ts); documented in collector/report/README.md. */
export const BACKUP_CSV_COLUMNS: readonly [string, (o: OpdUsage, r: UsageReport, lang: Language) => Cell][] = [
  ['backup_state', (o, r) => of(o, r)?.state],
  ['backups_due', judged((x) => x.due)],
  ['backups_made', judged((x) => x.made)],
  ['backups_late', judged((x) => x.late)],
  ['backups_missed', judged((x) => x.missed)],
  ['backup_compliance_pct', judged((x) => x.compliancePct)],
  ['backups_corrupt', judged((x) => x.corrupt.length)],
  ['backups_failed', judged((x) => x.failed)],
  ['last_good_backup', (o, r) => isoLocal(of(o, r)?.lastGood?.ts, r.timezone)],
  ['last_good_backup_bytes', (o, r) => of(o, r)?.lastGood?.bytes],
  ['backup_bytes_first', judged((x) => x.sizes?.first)],
  ['backup_bytes_last', judged((x) => x.sizes?.last)],
  ['backup_size_change_pct', judged((x) => x.sizes?.changePct)],
];
