// The allocation recommendation of the monthly evaluation (Tangerang Pasal 25(4): input for
// the Tim Koordinasi SPBE's planning). Pure: figures in, action + reason + basis out.
//
// The rule, over the window of the last `months` calendar months including the evaluated one
// ("use" of a month = p95 of the larger direction / rate allocation and, when there is a
// volume allocation, the month's counted volume / volume allocation, both in percent):
// - increase: the evaluated month is over an allocation (volume ≥ 100 %, or p95 ≥ 100 % of
//   the rate), or some use exceeded `increaseAbovePct` in at least `increaseMonths` months of
//   the window (months without figures do not count);
// - decrease: every month of the window has figures with full data (the month is over and its
//   coverage is at least `fullCoverage`, 90 %) and every use stayed below `decreaseBelowPct`
//   in every one of them; a single month with gaps or missing is enough to hold a decrease back;
// - keep otherwise, and always when the OPD has no allocation;
// - withheld (no recommendation, with the reason) when the evaluated month has no data, when
//   its coverage is below `minCoveragePct`, or, for the current month, before
//   `projectAfterDays` of it are observed; a month already over its volume allocation is an
//   increase whatever its coverage (the counted bytes are a floor).
// The reason names the status's words ("near the quota" at 85.2 %) and the rule's count,
// months without data included; the basis lists every month of the window, with or without
// data. A current month's recommendation says it is provisional and on how many days.
// suggestedRateBps = the highest p95 of the window / `targetUtilisation` (0.7, so the
// suggested allocation runs at 70 % at p95), rounded up to a standard step (STEPS_MBPS); on
// an increase at least the next step above the current allocation, on a decrease only when
// below it. When the increase comes from volume alone, suggestedVolumeBytes = the month's
// projected (or final) volume / warnVolumePct, rounded up to two significant digits of GB.
// Thresholds compare the usedPct figures as the report prints them (rounded to 0.01 %), so
// a reader can check every recommendation against the basis table.
import type { OpdUsage, UsageStatus } from '../../protocol/usage.js';
import { formatMbps, formatPct, formatGB, type Language } from '../report/i18n.js';
import { previousMonths } from './months.js';
import { formatDays } from './days.js';

export interface RecommendOptions {
  increaseAbovePct: number;
  increaseMonths: number;
  decreaseBelowPct: number;
  months: number;
  warnVolumePct: number;
  language?: Language;
  /** Coverage a month needs to count as full data for a decrease. Default 0.9. */
  fullCoverage?: number;
  /** Share of the suggested rate that the p95 should use. Default 0.7. */
  targetUtilisation?: number;
  /** Below this coverage (percent) of the evaluated month, no recommendation. Default 50. */
  minCoveragePct?: number;
  /** The current month gets a recommendation only after this many observed days. Default 3. */
  projectAfterDays?: number;
}

/** One month's figures, as the evaluation of that month produced them. */
export interface MonthFigures {
  month: string;
  /** p95 of the larger direction, bit/s. */
  p95Bps: number;
  usedPctRate?: number;
  usedPctVolume?: number;
  /** 0..1 */
  coverage: number;
  /** The month was over when these figures were taken. Default true for earlier months. */
  complete?: boolean;
  /** Nothing was observed in the month: the figures are no figures. */
  noData?: boolean;
}

export interface RecommendInput {
  current: MonthFigures & { complete: boolean };
  /** The evaluated month's status (its words lead the reason). */
  status?: UsageStatus;
  /** Current month only: days of it observed. */
  observedDays?: number;
  /** Earlier months, any order; only those of the window before `current` are used. */
  history?: readonly MonthFigures[];
  rateBps?: number;
  volumeBytes?: bigint;
  /** This month's counted volume, or its projection while the month runs. */
  monthVolumeBytes: bigint;
  /** The evaluated month is over its volume allocation (≥ 100 %) / its rate allocation (p95 ≥ 100 %). */
  over: { volume: boolean; rate: boolean };
  options: RecommendOptions;
}

export type RecommendationOut = OpdUsage['recommendation'];

/** Rate allocations as they are sold and written, Mbit/s. */
export const STEPS_MBPS = [1, 2, 3, 4, 5, 6, 8, 10, 15, 20, 25, 30, 40, 50, 60, 75, 100, 150, 200, 250, 300, 400, 500, 600, 750, 1000, 1500, 2000, 2500, 3000, 4000, 5000, 10000];

/** The smallest standard step at or above `bps` (beyond 10 Gbit/s: whole multiples of 10 Gbit/s). */
export function standardRateStep(bps: number): number {
  const mbps = bps / 1e6;
  for (const s of STEPS_MBPS) if (s >= mbps - 1e-9) return s * 1e6;
  return Math.ceil(mbps / 10000) * 10000 * 1e6;
}

/** The smallest standard step strictly above `bps`. */
export function nextRateStep(bps: number): number {
  return standardRateStep(bps * 1.000001 + 1);
}

/** Whole GB rounded up to two significant digits (at least 1 GB): 1 234 GB → 1 300 GB. */
function roundUpGB2Sig(bytes: bigint): bigint {
  const gb = (bytes + 999_999_999n) / 1_000_000_000n || 1n;
  const unit = 10n ** BigInt(Math.max(0, gb.toString().length - 2));
  return ((gb + unit - 1n) / unit) * unit * 1_000_000_000n;
}

/** A month's uses (percent) of the allocations the OPD has; a missing figure is Infinity (never low). */
function uses(m: MonthFigures, hasRate: boolean, hasVolume: boolean): number[] {
  return [...(hasRate ? [m.usedPctRate ?? Infinity] : []), ...(hasVolume ? [m.usedPctVolume ?? Infinity] : [])];
}

export function recommend(input: RecommendInput): RecommendationOut {
  const o = input.options;
  const lang: Language = o.language ?? 'id';
  const en = lang === 'en';
  const hasRate = input.rateBps !== undefined;
  const hasVolume = input.volumeBytes !== undefined;
  const cur = input.current;
  const window = [cur.month, ...previousMonths(cur.month, Math.max(0, o.months - 1))];
  const byMonth = new Map(input.history?.map((h) => [h.month, h] as const));
  const has = (f: MonthFigures | undefined): f is MonthFigures => f !== undefined && !f.noData;
  const figures = window.map((m) => (m === cur.month ? cur : byMonth.get(m))).map((f) => (has(f) ? f : undefined));
  const known = figures.filter(has);
  const basis: RecommendationOut['basis'] = window.map((m, k) => {
    const f = figures[k];
    if (!f) return { month: m, noData: true, coverage: 0 };
    return {
      month: f.month,
      p95Bps: f.p95Bps,
      ...(f.usedPctRate !== undefined ? { usedPctRate: f.usedPctRate } : {}),
      ...(f.usedPctVolume !== undefined ? { usedPctVolume: f.usedPctVolume } : {}),
      coverage: f.coverage,
    };
  });
  const coverage = has(cur) ? cur.coverage : 0;
  const noDataMonths = window.length - known.length;
  const maxP95 = known.reduce((m, f) => Math.max(m, f.p95Bps), 0);
  // 0: no suggestion (no month has a p95 above 0)
  const target = maxP95 > 0 ? standardRateStep(maxP95 / (o.targetUtilisation ?? 0.7)) : 0;
  const pct = (v: number | undefined) => formatPct(v, lang);
  const mbps = (b: number) => `${formatMbps(b, lang)} Mbit/s`;
  const withheld = (reason: string): RecommendationOut => ({ action: 'withheld', reason, coverage, basis });
  const minCoverage = (o.minCoveragePct ?? 50) / 100;
  const days = input.observedDays;
  const provisional =
    days === undefined ? '' : en ? `Provisional, on ${formatDays(days, lang)} of data: ` : `Sementara, berdasarkan ${formatDays(days, lang)} data: `;

  if (!has(cur))
    return withheld(en ? 'No data was observed in this month; the allocation cannot be assessed.' : 'Tidak ada data pemantauan pada bulan ini; alokasi tidak dapat dinilai.');
  if (!input.over.volume && coverage < minCoverage)
    return withheld(
      en
        ? `Data coverage of this month is ${pct(coverage * 100)}, below the ${pct(o.minCoveragePct ?? 50)} needed to judge; no recommendation.`
        : `Cakupan data bulan ini ${pct(coverage * 100)}, di bawah batas ${pct(o.minCoveragePct ?? 50)} untuk menilai; rekomendasi ditahan.`,
    );
  // days: undefined for a month that is over
  if (!input.over.volume && (days ?? Infinity) < (o.projectAfterDays ?? 3))
    return withheld(
      en
        ? `Only ${formatDays(days!, lang)} of this month observed so far; the recommendation waits for ${o.projectAfterDays ?? 3} days of data.`
        : `Baru ${formatDays(days!, lang)} data bulan ini; rekomendasi menunggu ${o.projectAfterDays ?? 3} hari data.`,
    );
  const withoutData =
    noDataMonths === 0 ? '' : en ? `, ${noDataMonths} of them without data` : `, ${noDataMonths} bulan tanpa data`;

  if (!hasRate && !hasVolume) {
    const reason = en
      ? `No bandwidth allocation is set for this department; this month's p95 is ${mbps(cur.p95Bps)}${target ? `, a suggested allocation is ${mbps(target)}` : ''}.`
      : `Perangkat Daerah ini belum memiliki alokasi bandwidth; p95 bulan ini ${mbps(cur.p95Bps)}${target ? `, usulan alokasi ${mbps(target)}` : ''}.`;
    return { action: 'keep', reason: provisional + reason, coverage, basis, ...(target ? { suggestedRateBps: target } : {}) };
  }

  const above = (v: number | undefined) => (v ?? 0) > o.increaseAbovePct;
  const exceededRate = known.filter((f) => hasRate && above(f.usedPctRate)).length;
  const exceededVolume = known.filter((f) => hasVolume && above(f.usedPctVolume)).length;
  const exceeded = known.filter((f) => (hasRate && above(f.usedPctRate)) || (hasVolume && above(f.usedPctVolume))).length;
  const over = input.over.rate || input.over.volume;

  if (over || exceeded >= o.increaseMonths) {
    const rateReason = input.over.rate || exceededRate >= o.increaseMonths;
    const volumeReason = input.over.volume || exceededVolume >= o.increaseMonths;
    // Mixed (one month over on rate, another on volume): both allocations are suggested.
    const suggestedRateBps = hasRate && (rateReason || !volumeReason) ? Math.max(target, nextRateStep(input.rateBps!)) : undefined;
    const suggestedVolumeBytes =
      hasVolume && (volumeReason || !rateReason)
        ? roundUpGB2Sig((input.monthVolumeBytes * 100n) / BigInt(Math.max(1, Math.round(o.warnVolumePct))))
        : undefined;
    const targets = [
      ...(suggestedRateBps ? [mbps(suggestedRateBps)] : []),
      ...(suggestedVolumeBytes ? [`${formatGB(suggestedVolumeBytes, lang, 0)} GB ${en ? 'a month' : 'per bulan'}`] : []),
    ];
    // never empty: a rate, a volume or both are suggested (at least 1 Mbit/s, 1 GB)
    const to = en ? ` to ${targets.join(' and ')}` : ` menjadi ${targets.join(' dan ')}`;
    let reason: string;
    if (over) {
      const parts: string[] = [];
      if (hasVolume) parts.push(`volume ${pct(cur.usedPctVolume)}`);
      if (hasRate) parts.push(en ? `p95 ${pct(cur.usedPctRate)} of the rate allocation` : `p95 ${pct(cur.usedPctRate)} dari alokasi laju`);
      if (coverage < (o.fullCoverage ?? 0.9)) parts.push(en ? `with data coverage ${pct(coverage * 100)}` : `dengan cakupan data ${pct(coverage * 100)}`);
      reason = en
        ? `This month's use exceeded the allocation (${parts.join(', ')}); an increase${to} is advised.`
        : `Pemakaian bulan ini melebihi alokasi (${parts.join(', ')}); alokasi disarankan dinaikkan${to}.`;
    } else {
      reason = en
        ? `Use exceeded ${pct(o.increaseAbovePct)} of the allocation in ${exceeded} of the last ${window.length} months${withoutData}; an increase${to} is advised.`
        : `Pemakaian melebihi ${pct(o.increaseAbovePct)} alokasi pada ${exceeded} dari ${window.length} bulan terakhir${withoutData}; alokasi disarankan dinaikkan${to}.`;
    }
    return {
      action: 'increase',
      reason: provisional + reason,
      coverage,
      basis,
      ...(suggestedRateBps ? { suggestedRateBps } : {}),
      ...(suggestedVolumeBytes ? { suggestedVolumeBytes: suggestedVolumeBytes.toString() } : {}),
    };
  }

  const low = (f: MonthFigures | undefined): f is MonthFigures => f !== undefined && uses(f, hasRate, hasVolume).every((x) => x < o.decreaseBelowPct);
  const full = (f: MonthFigures) => (f.complete ?? true) && f.coverage >= (o.fullCoverage ?? 0.9);
  const allLow = figures.every(low);
  if (allLow && figures.every(full)) {
    // 0: none (no target, or it is not below the allocation)
    const suggestedRateBps = target < (input.rateBps ?? 0) ? target : 0;
    const highest = Math.max(...figures.flatMap((f) => uses(f, hasRate, hasVolume)));
    const to = suggestedRateBps ? (en ? ` to ${mbps(suggestedRateBps)}` : ` menjadi ${mbps(suggestedRateBps)}`) : '';
    const reason = en
      ? `Use stayed below ${pct(o.decreaseBelowPct)} of the allocation in each of the last ${window.length} months with full data (highest ${pct(highest)}); the allocation can be decreased${to}.`
      : `Pemakaian tetap di bawah ${pct(o.decreaseBelowPct)} alokasi selama ${window.length} bulan terakhir dengan data lengkap (tertinggi ${pct(highest)}); alokasi dapat diturunkan${to}.`;
    return { action: 'decrease', reason: provisional + reason, coverage, basis, ...(suggestedRateBps ? { suggestedRateBps } : {}) };
  }

  const parts: string[] = [];
  if (hasRate) parts.push(en ? `p95 ${pct(cur.usedPctRate)} of the rate allocation` : `p95 ${pct(cur.usedPctRate)} dari alokasi laju`);
  if (hasVolume) parts.push(`volume ${pct(cur.usedPctVolume)}`);
  const state = {
    warning: en ? 'Use is near the quota' : 'Pemakaian mendekati kuota',
    projected_over: en ? 'Use is projected past the quota by month end' : 'Pemakaian diproyeksikan melampaui kuota pada akhir bulan',
  }[input.status as string] ?? (en ? 'Use is within the allocation' : 'Pemakaian dalam batas alokasi');
  const note = allLow
    ? en ? '; not enough complete months of data to advise a decrease' : '; data bulan lengkap belum cukup untuk menyarankan penurunan'
    : '';
  const rule = en
    ? `above ${pct(o.increaseAbovePct)} in ${exceeded} of the ${window.length} months${withoutData}`
    : `di atas ${pct(o.increaseAbovePct)} pada ${exceeded} dari ${window.length} bulan${withoutData}`;
  const reason = en ? `${state} (${parts.join(', ')}); ${rule}; kept${note}.` : `${state} (${parts.join(', ')}); ${rule}; alokasi dipertahankan${note}.`;
  return { action: 'keep', reason: provisional + reason, coverage, basis };
}
