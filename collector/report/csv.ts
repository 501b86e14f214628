// The evaluation as CSV (RFC 4180: comma-separated, CRLF line ends, fields with a comma, quote
// or line break quoted, quotes doubled) and as JSON (the UsageReport exactly as /usage returns it).
// One row per OPD. The columns and their order are a contract (see CSV_COLUMNS); new columns
// are only ever appended. Bytes are exact decimal integers, rates bit/s, percentages in percent
// (85.3 = 85.3 %), coverage a fraction 0..1, instants ISO 8601 in the deployment's zone. An
// absent value is an empty field; an OPD without data has empty figures, never zeros.
import type { OpdUsage, UsageReport } from '../../protocol/usage.js';
import { isoLocal } from './iso-local.js';
import type { Language } from './i18n.js';
import { BACKUP_CSV_COLUMNS } from './backups-section.js';
import { uptimeCsv } from './uptime-section.js';
import { actionOf, isNoData, isProvisional, reasonOf, stateOf, statusOf } from './honesty.js';

type Cell = string | number | undefined;

export { isoLocal };

/** A measured figure: empty for an OPD without data. */
const m = (get: (o: OpdUsage) => Cell) => (o: OpdUsage) => (isNoData(o) ? undefined : get(o));

/** Column name → value. Documented in collector/report/README.md. */
export const CSV_COLUMNS: readonly [string, (o: OpdUsage, r: UsageReport, lang: Language) => Cell][] = [
  ['opd', (o) => o.opd],
  ['name', (o) => o.name],
  ['in_bytes', m((o) => o.inBytes)],
  ['out_bytes', m((o) => o.outBytes)],
  ['total_bytes', m((o) => o.totalBytes)],
  ['counted_bytes', m((o) => o.countedBytes)],
  ['quota_volume_bytes', (o) => o.quota.volumeBytes],
  ['quota_rate_bps', (o) => o.quota.rateBps],
  ['used_pct_volume', m((o) => o.usedPct.volume)],
  ['used_pct_rate', m((o) => o.usedPct.rate)],
  ['p95_in_bps', m((o) => o.p95Bps.inBps)],
  ['p95_out_bps', m((o) => o.p95Bps.outBps)],
  ['p95_max_bps', m((o) => o.p95Bps.maxBps)],
  ['peak_in_bps', m((o) => o.peakBps.inBps)],
  ['peak_out_bps', m((o) => o.peakBps.outBps)],
  ['peak_max_bps', m((o) => o.peakBps.maxBps)],
  ['coverage', (o) => o.coverage],
  ['projected_bytes', (o) => o.projectedBytes],
  ['status', (o) => statusOf(o)],
  ['recommendation', (o) => actionOf(o)],
  ['suggested_rate_bps', (o) => o.recommendation.suggestedRateBps],
  ['reason', (o, _r, lang) => reasonOf(o, lang)],
  ['quota_direction', (o) => o.quota.direction],
  ['uplinks', (o) => o.uplinks.map((u) => `${u.device}:${u.interface}`).join(' ')],
  ['flags', (o) => o.uplinks.flatMap((u) => u.flags.map((f) => `${u.device}:${u.interface}: ${f}`)).join(' | ')],
  ['month', (_o, r) => r.month],
  ['timezone', (_o, r) => r.timezone],
  // Appended with issue 9: honest figures and a fileable document.
  ['suggested_volume_bytes', (o) => o.recommendation.suggestedVolumeBytes],
  ['recommendation_coverage', (o) => o.recommendation.coverage],
  ['observed_from', (o, r) => isoLocal(o.observedFrom, r.timezone)],
  ['observed_to', (o, r) => isoLocal(o.observedTo, r.timezone)],
  ['unobserved', (o, r) => (o.unobserved ?? []).map((u) => `${isoLocal(u.from, r.timezone)}/${isoLocal(u.to, r.timezone)}`).join(' ')],
  ['projection_basis_from', (o, r) => isoLocal(o.projection?.basisFrom, r.timezone)],
  ['projection_basis_to', (o, r) => isoLocal(o.projection?.basisTo, r.timezone)],
  ['projection_observed_days', (o) => o.projection?.observedDays],
  ['report_state', (_o, r) => stateOf(r)],
  ['provisional_until', (_o, r) => (isProvisional(r) ? isoLocal(r.generatedAt, r.timezone) : undefined)],
  ['data_since', (_o, r) => isoLocal(r.dataSince, r.timezone)],
  // Appended with issue 10: backup compliance (Pasal 17), empty when the report has no backup section.
  ...BACKUP_CSV_COLUMNS,
];

export function csvField(v: Cell): string {
  if (v === undefined) return '';
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : v;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** The header line and one line per OPD, each ending in CRLF. */
export function renderCsv(report: UsageReport, language: Language = 'id'): string {
  const lines = [CSV_COLUMNS.map(([name]) => name).join(',')];
  for (const o of report.opds) lines.push(CSV_COLUMNS.map(([, get]) => csvField(get(o, report, language))).join(','));
  return lines.join('\r\n') + '\r\n' + uptimeCsv(report);
}

/** The UsageReport as is: equal to what GET /api/v1/usage?month= returns (plus `backups`, the backup section, when the report has one). */
export function renderJson(report: UsageReport): string {
  return JSON.stringify(report, null, 2) + '\n';
}
