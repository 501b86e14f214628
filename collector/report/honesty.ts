// What the figures mean, stated plainly: whether an OPD (or the whole month) was observed at
// all, whether the month is still running, what the coverage rests on and which stretches of
// time were not observed. An OPD without any observation is "Data tidak tersedia", never
// "Normal" with zero volume, even if an older evaluation left its status at `ok`.
import type { OpdUsage, Recommendation, UsageReport, UsageStatus } from '../../protocol/usage.js';
import { formatMoment, strings, type Language } from './i18n.js';

/** Nothing observed for this OPD: no sample at all (status `no_data`, or no coverage, no bytes and no observed span). */
export function isNoData(o: OpdUsage): boolean {
  return o.status === 'no_data' || (o.observedFrom === undefined && o.coverage <= 0 && BigInt(o.totalBytes) === 0n);
}

export function statusOf(o: OpdUsage): UsageStatus {
  return isNoData(o) ? 'no_data' : o.status;
}

export function actionOf(o: OpdUsage): Recommendation {
  return isNoData(o) ? 'withheld' : o.recommendation.action;
}

/** The recommendation's reason; for an OPD without data, that there is none to judge. */
export function reasonOf(o: OpdUsage, lang: Language): string {
  if (isNoData(o) && o.recommendation.action !== 'withheld')
    return lang === 'id' ? 'Tidak ada data pemantauan pada bulan ini; alokasi tidak dapat dinilai.' : 'No monitoring data this month; the allocation cannot be assessed.';
  return o.recommendation.reason;
}

export type ReportState = 'complete' | 'in_progress' | 'no_data';

/** The month's state: `no_data` when no OPD was observed, `in_progress` while the month runs. */
export function stateOf(r: UsageReport): ReportState {
  if (r.state === 'no_data' || r.opds.every(isNoData)) return 'no_data';
  return r.state ?? (r.current ? 'in_progress' : 'complete');
}

/**
 * Whether any section of the month's report has data: the bandwidth evaluation, the backup
 * section (`backups`, when attached) or the up-time section (`uptime`). A month with backups
 * or up-time observed but no bandwidth sample is still a report (its bandwidth part says
 * no_data); only a month where every section is no_data is skipped.
 */
export function anySectionHasData(r: UsageReport & { backups?: { state: string } }): boolean {
  return stateOf(r) !== 'no_data' || (r.uptime !== undefined && r.uptime.state !== 'no_data') || (r.backups !== undefined && r.backups.state !== 'no_data');
}

/** Whether the figures are provisional: the month was not over when the report was made. */
export function isProvisional(r: UsageReport): boolean {
  return r.current || r.state === 'in_progress';
}

/** "sementara, s.d. 14 Des pukul 14.25 WIB" / "provisional, up to 14 Dec, 14:25 WIB". */
export function provisionalLabel(r: UsageReport, lang: Language): string {
  return `${strings(lang).provisional} ${formatMoment(r.generatedAt, r.timezone, lang)}`;
}

/** The first sample lies inside this month: the first month of operation says from when data exists. */
export function dataSinceInMonth(r: UsageReport): number | undefined {
  return r.dataSince !== undefined && r.dataSince > r.from && r.dataSince < r.to ? r.dataSince : undefined;
}

/** "3 Nov pukul 00.00 WIB – 9 Nov pukul 00.00 WIB" */
export function formatRange(from: number, to: number, timezone: string, lang: Language): string {
  return `${formatMoment(from, timezone, lang)} – ${formatMoment(to, timezone, lang)}`;
}

/** The unobserved stretches, longest first, as text; empty when there are none (or none were reported). */
export function unobservedText(o: OpdUsage, r: UsageReport, lang: Language): string[] {
  return (o.unobserved ?? []).map((u) => formatRange(u.from, u.to, r.timezone, lang));
}
