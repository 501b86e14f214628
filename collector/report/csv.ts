// The evaluation as CSV (RFC 4180: comma-separated, CRLF line ends, fields with a comma, quote
// or line break quoted, quotes doubled) and as JSON (the UsageReport exactly as /usage returns it).
// One row per OPD. The columns and their order are a contract (see CSV_COLUMNS); new columns
// are only ever appended. Bytes are exact decimal integers, rates bit/s, percentages in percent
// (85.3 = 85.3 %), coverage a fraction 0..1. An absent value is an empty field.
import type { OpdUsage, UsageReport } from '../../protocol/usage.js';

type Cell = string | number | undefined;

/** Column name → value. Documented in collector/report/README.md. */
export const CSV_COLUMNS: readonly [string, (o: OpdUsage, r: UsageReport) => Cell][] = [
  ['opd', (o) => o.opd],
  ['name', (o) => o.name],
  ['in_bytes', (o) => o.inBytes],
  ['out_bytes', (o) => o.outBytes],
  ['total_bytes', (o) => o.totalBytes],
  ['counted_bytes', (o) => o.countedBytes],
  ['quota_volume_bytes', (o) => o.quota.volumeBytes],
  ['quota_rate_bps', (o) => o.quota.rateBps],
  ['used_pct_volume', (o) => o.usedPct.volume],
  ['used_pct_rate', (o) => o.usedPct.rate],
  ['p95_in_bps', (o) => o.p95Bps.inBps],
  ['p95_out_bps', (o) => o.p95Bps.outBps],
  ['p95_max_bps', (o) => o.p95Bps.maxBps],
  ['peak_in_bps', (o) => o.peakBps.inBps],
  ['peak_out_bps', (o) => o.peakBps.outBps],
  ['peak_max_bps', (o) => o.peakBps.maxBps],
  ['coverage', (o) => o.coverage],
  ['projected_bytes', (o) => o.projectedBytes],
  ['status', (o) => o.status],
  ['recommendation', (o) => o.recommendation.action],
  ['suggested_rate_bps', (o) => o.recommendation.suggestedRateBps],
  ['reason', (o) => o.recommendation.reason],
  ['quota_direction', (o) => o.quota.direction],
  ['uplinks', (o) => o.uplinks.map((u) => `${u.device}:${u.interface}`).join(' ')],
  ['flags', (o) => o.uplinks.flatMap((u) => u.flags.map((f) => `${u.device}:${u.interface}: ${f}`)).join(' | ')],
  ['month', (_o, r) => r.month],
  ['timezone', (_o, r) => r.timezone],
];

export function csvField(v: Cell): string {
  if (v === undefined) return '';
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : v;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** The header line and one line per OPD, each ending in CRLF. */
export function renderCsv(report: UsageReport): string {
  const lines = [CSV_COLUMNS.map(([name]) => name).join(',')];
  for (const o of report.opds) lines.push(CSV_COLUMNS.map(([, get]) => csvField(get(o, report))).join(','));
  return lines.join('\r\n') + '\r\n';
}

/** The UsageReport as is: equal to what GET /api/v1/usage?month= returns. */
export function renderJson(report: UsageReport): string {
  return JSON.stringify(report, null, 2) + '\n';
}
