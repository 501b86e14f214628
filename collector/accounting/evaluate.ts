// One OPD's monthly evaluation (an OpdUsage of protocol/usage.ts) from its uplinks' 5-minute
// buckets: volumes, coverage, p95 and peak rates, quota use, projection, status and the
// allocation recommendation (recommend.ts states that rule). Pure: inputs and `now` injected.
//
// Decisions, in the words of the report:
// - Volume is the sum of the buckets in [from, to) (month edges are bucket edges, buckets.ts).
// - Coverage: per uplink, covered ms / elapsed ms, elapsed = min(now, to) − from (0 → coverage
//   0, no division); the OPD's coverage is the mean over its uplinks (0 without uplinks).
// - Rates: per bucket, bytes · 8 / 300 s per direction summed over the uplinks, and the larger
//   direction of that sum. Only buckets with some coverage are rates: a bucket reached only by
//   a bridged gap (samples further apart than coverageMaxGapSeconds) holds an average over
//   hours, not a 5-minute rate, so it counts in volume but not in p95 or peak.
// - usedPct: volume = counted / volume quota; rate = p95 of the larger direction / rate quota;
//   percent, rounded to 0.01. Status is decided on the unrounded figures:
//   `no_data` when the counters saw nothing of the month (no bucket of any uplink, or no
//   uplink): never `ok`; `over` when counted ≥ the volume quota or p95 ≥ the rate quota;
//   `projected_over` for the current month when the projection passes the volume quota;
//   `warning` when volume use is above warnVolumePct or rate use above warnRatePct; else `ok`
//   (and `ok` without quota).
// - Observation (observed.ts): the first and last bucket seen, the longest unobserved stretches
//   (named in the report: the volume does not hold the bytes of a stretch no pair of samples
//   spans, before the first sample for example).
// - projectedBytes (while now < to), once `projectAfterDays` of the month are observed
//   (observedTo − observedFrom): counted × month length / observed span, floored; before
//   that no projection, and `projection.reason` says how much is observed.
import type { CollectorConfig } from '../../config/collector.js';
import type { DirectionRates, OpdUsage, QuotaDirection, UplinkUsage, UsageStatus } from '../../protocol/usage.js';
import type { Language } from '../report/i18n.js';
import type { UsageBucket } from './buckets.js';
import type { MonthRange } from './months.js';
import { BUCKET_MS, bucketOf } from './buckets.js';
import { observe, type Observation, type Run } from './observed.js';
import { formatDays } from './days.js';
import { percentileAndPeak } from './percentile.js';
import { recommend, type MonthFigures } from './recommend.js';
import { bucketRateBps } from './saturation.js';

export { saturationEpisodes, type SaturationEpisode } from './saturation.js';
export type { MonthFigures } from './recommend.js';

export type EvaluationOptions = Pick<
  CollectorConfig['evaluation'],
  'warnVolumePct' | 'warnRatePct' | 'increaseAbovePct' | 'increaseMonths' | 'decreaseBelowPct' | 'months'
> &
  Partial<Pick<CollectorConfig['evaluation'], 'minCoveragePct' | 'projectAfterDays'>> & { language?: Language; fullCoverage?: number; targetUtilisation?: number };

const DAY_MS = 86_400_000;

export interface OpdInput {
  id: string;
  name: string;
  quota?: { volumeGB?: number; rateMbps?: number; direction?: QuotaDirection };
}

export interface UplinkInput {
  device: string;
  interface: string;
  /** This uplink's buckets; any outside [from, to) are ignored. */
  buckets: readonly UsageBucket[];
  /**
   * Instead of `buckets`: this uplink's sums over [from, to), when the caller has them (the
   * store sums in SQL); the OPD's 5-minute rates then come in `EvaluateInput.rates`.
   */
  totals?: { inBytes: bigint; outBytes: bigint; coveredMs: number };
  /** Data-quality notes (series.ts describeFlags). */
  flags?: string[];
}

export interface EvaluateInput {
  opd: OpdInput;
  month: string;
  range: MonthRange;
  now: number;
  uplinks: readonly UplinkInput[];
  /**
   * With `totals`: the OPD's 5-minute average rates (bit/s, uplinks summed per bucket) of the
   * buckets in [from, to) that have coverage, per direction, in the same bucket order.
   */
  rates?: { inBps: ArrayLike<number>; outBps: ArrayLike<number> };
  /** Earlier months' figures (figuresOf of their evaluations); any order. */
  history?: readonly MonthFigures[];
  /**
   * With `totals`: the runs of buckets the uplinks have in [from, to) (observed.ts). Without,
   * they are read from the uplinks' `buckets`.
   */
  runs?: readonly Run[];
  options: EvaluationOptions;
}

const round2 = (x: number) => Math.round(x * 100) / 100;
const ratio = (a: bigint, b: bigint) => Number(a) / Number(b);

function rates(values: number[]): { p95: number; peak: number } {
  const r = percentileAndPeak(values, 95);
  return { p95: r.value, peak: r.peak };
}

export function countedBytes(direction: QuotaDirection, inBytes: bigint, outBytes: bigint): bigint {
  switch (direction) {
    case 'in':
      return inBytes;
    case 'out':
      return outBytes;
    case 'max':
      return inBytes > outBytes ? inBytes : outBytes;
    default:
      return inBytes + outBytes;
  }
}

export function evaluateOpd(input: EvaluateInput): OpdUsage {
  const { from, to } = input.range;
  const elapsed = Math.max(0, Math.min(input.now, to) - from);
  const current = input.now < to;
  const perBucket = new Map<number, { inBytes: bigint; outBytes: bigint; coveredMs: number }>();
  let inBytes = 0n;
  let outBytes = 0n;
  let coverageSum = 0;
  const uplinks: UplinkUsage[] = input.uplinks.map((u) => {
    let ui = 0n;
    let uo = 0n;
    let covered = 0;
    if (u.totals) {
      ui = u.totals.inBytes;
      uo = u.totals.outBytes;
      covered = u.totals.coveredMs;
    }
    for (const b of u.totals ? [] : u.buckets) {
      if (b.bucket < from || b.bucket >= to) continue;
      ui += b.inBytes;
      uo += b.outBytes;
      covered += b.coveredMs;
      const acc = perBucket.get(b.bucket);
      if (acc) {
        acc.inBytes += b.inBytes;
        acc.outBytes += b.outBytes;
        acc.coveredMs += b.coveredMs;
      } else perBucket.set(b.bucket, { inBytes: b.inBytes, outBytes: b.outBytes, coveredMs: b.coveredMs });
    }
    const coverage = elapsed > 0 ? Math.min(1, covered / elapsed) : 0;
    inBytes += ui;
    outBytes += uo;
    coverageSum += coverage;
    return { device: u.device, interface: u.interface, inBytes: ui.toString(), outBytes: uo.toString(), coverage, flags: [...(u.flags ?? [])] };
  });
  const coverage = uplinks.length ? coverageSum / uplinks.length : 0;
  const runs: Run[] = input.runs
    ? [...input.runs]
    : // observe() leaves out the runs outside [from, end)
      input.uplinks.flatMap((u) => u.buckets.map((b) => ({ from: b.bucket, to: b.bucket + BUCKET_MS, covered: b.coveredMs > 0 })));
  // Up to the end of the bucket in progress (a gap shorter than two buckets is never named).
  const end = current ? Math.min(to, bucketOf(Math.max(from, input.now)) + BUCKET_MS) : to;
  const seen: Observation = observe(runs, from, end);
  const noData = uplinks.length === 0 || seen.observedFrom === undefined;

  const inRates: number[] = [];
  const outRates: number[] = [];
  const maxRates: number[] = [];
  if (input.rates) {
    const { inBps, outBps } = input.rates;
    for (let k = 0; k < inBps.length; k++) {
      inRates.push(inBps[k]);
      outRates.push(outBps[k]);
      maxRates.push(Math.max(inBps[k], outBps[k]));
    }
  }
  for (const b of perBucket.values()) {
    if (b.coveredMs <= 0) continue;
    const i = bucketRateBps(b.inBytes);
    const o = bucketRateBps(b.outBytes);
    inRates.push(i);
    outRates.push(o);
    maxRates.push(Math.max(i, o));
  }
  const ri = rates(inRates);
  const ro = rates(outRates);
  const rm = rates(maxRates);
  const p95Bps: DirectionRates = { inBps: ri.p95, outBps: ro.p95, maxBps: rm.p95 };
  const peakBps: DirectionRates = { inBps: ri.peak, outBps: ro.peak, maxBps: rm.peak };

  const q = input.opd.quota;
  const direction: QuotaDirection = q?.direction ?? 'total';
  const counted = countedBytes(direction, inBytes, outBytes);
  const volumeBytes = q?.volumeGB !== undefined ? BigInt(Math.round(q.volumeGB * 1e9)) : undefined;
  const rateBps = q?.rateMbps !== undefined ? Math.round(q.rateMbps * 1e6) : undefined;
  // A quota that rounds to 0 (bytes, bit/s) has no percentage: no division by zero.
  const volumePct = volumeBytes ? ratio(counted, volumeBytes) * 100 : undefined;
  const ratePct = rateBps ? (p95Bps.maxBps / rateBps) * 100 : undefined;
  const o = input.options;
  const observedDays = seen.spanMs / DAY_MS;
  const projectAfterDays = o.projectAfterDays ?? 3;
  let projected: bigint | undefined;
  let projection: OpdUsage['projection'];
  let projectedOver = false;
  if (current && !noData) {
    const basis = { basisFrom: seen.observedFrom!, basisTo: seen.observedTo!, observedDays: Math.round(observedDays * 100) / 100 };
    if (observedDays >= projectAfterDays) {
      // spanMs > 0 (something was observed, at least one bucket) and ≤ to − from: the
      // projection is never below the counted bytes.
      projected = (counted * BigInt(to - from)) / BigInt(seen.spanMs);
      projectedOver = projected > (volumeBytes ?? Infinity);
      projection = { ...basis, ...(volumeBytes ? { pct: round2(ratio(projected, volumeBytes) * 100) } : {}) };
    } else {
      const seenDays = formatDays(observedDays, o.language);
      projection = {
        ...basis,
        reason:
          o.language === 'en'
            ? `no projection yet: ${seenDays} of ${projectAfterDays} days observed`
            : `belum diproyeksikan: baru ${seenDays} dari ${projectAfterDays} hari teramati`,
      };
    }
  }

  // Without a quota nothing is over it.
  const overVolume = counted >= (volumeBytes ?? Infinity);
  const overRate = p95Bps.maxBps >= (rateBps ?? Infinity);
  let status: UsageStatus = 'ok';
  if (noData) status = 'no_data';
  else if (overVolume || overRate) status = 'over';
  else if (projectedOver) status = 'projected_over';
  else if ((volumePct ?? 0) > o.warnVolumePct || (ratePct ?? 0) > o.warnRatePct) status = 'warning';

  const usedPct: OpdUsage['usedPct'] = {};
  if (volumePct !== undefined) usedPct.volume = round2(volumePct);
  if (ratePct !== undefined) usedPct.rate = round2(ratePct);

  const figures: MonthFigures & { complete: boolean } = {
    month: input.month,
    p95Bps: p95Bps.maxBps,
    usedPctRate: usedPct.rate,
    usedPctVolume: usedPct.volume,
    coverage,
    complete: !current,
    noData,
  };
  const recommendation = recommend({
    current: figures,
    status,
    observedDays: current ? observedDays : undefined,
    // recommend() reads the months of the window before this one only
    history: input.history,
    rateBps,
    volumeBytes,
    monthVolumeBytes: projected ?? counted,
    over: { volume: overVolume, rate: overRate },
    options: o,
  });

  return {
    opd: input.opd.id,
    name: input.opd.name,
    inBytes: inBytes.toString(),
    outBytes: outBytes.toString(),
    totalBytes: (inBytes + outBytes).toString(),
    countedBytes: counted.toString(),
    coverage,
    p95Bps,
    peakBps,
    quota: {
      ...(volumeBytes !== undefined ? { volumeBytes: volumeBytes.toString() } : {}),
      ...(rateBps !== undefined ? { rateBps } : {}),
      direction,
    },
    usedPct,
    ...(seen.observedFrom !== undefined ? { observedFrom: seen.observedFrom, observedTo: seen.observedTo } : {}),
    unobserved: seen.unobserved,
    ...(projected !== undefined ? { projectedBytes: projected.toString() } : {}),
    ...(projection ? { projection } : {}),
    status,
    recommendation,
    uplinks,
  };
}

/** The figures of an evaluated month, to pass as `history` when evaluating later months. */
export function figuresOf(usage: OpdUsage, month: string, complete = true): MonthFigures {
  return {
    month,
    p95Bps: usage.p95Bps.maxBps,
    ...(usage.usedPct.rate !== undefined ? { usedPctRate: usage.usedPct.rate } : {}),
    ...(usage.usedPct.volume !== undefined ? { usedPctVolume: usage.usedPct.volume } : {}),
    coverage: usage.coverage,
    complete,
    ...(usage.status === 'no_data' ? { noData: true } : {}),
  };
}
