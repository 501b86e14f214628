// GET /api/v1/usage and the monthly report: the evaluation of one calendar month (in the
// deployment's time zone) per OPD. Byte counts are decimal strings (bigint in code), rates
// are bit/s as numbers. The report renders exactly this object in every format.

import type { UptimeReport } from './uptime.js';

export type QuotaDirection = 'total' | 'in' | 'out' | 'max';
/**
 * `no_data`: nothing observed in the month (never `ok`); `projected_over`: the current month,
 * under its quota so far, projected past 100 % at month end (only once `evaluation.projectAfterDays`
 * of the month is observed).
 */
export type UsageStatus = 'ok' | 'warning' | 'over' | 'projected_over' | 'no_data';
/** `withheld`: no recommendation can be made (no data, or coverage below `evaluation.minCoveragePct`); `reason` says why. */
export type Recommendation = 'increase' | 'keep' | 'decrease' | 'withheld';

/** A stretch of the month (so far) without samples, ms since the epoch, [from, to). */
export interface TimeRange {
  from: number;
  to: number;
  /** true: a pair of samples spans it, so its bytes are in the volume and only its rates are unknown; false: not seen at all. */
  counted?: boolean;
}

export interface DirectionRates {
  inBps: number;
  outBps: number;
  /** Of the larger direction in each 5-minute interval. */
  maxBps: number;
}

export interface UplinkUsage {
  device: string;
  interface: string;
  inBytes: string;
  outBytes: string;
  coverage: number;
  /** e.g. "32-bit counters polled too slowly for 1000 Mbit/s: wraps cannot be told from resets". */
  flags: string[];
}

export interface OpdUsage {
  opd: string;
  name: string;
  inBytes: string;
  outBytes: string;
  totalBytes: string;
  /** The volume that counts against the quota, per `quota.direction`. */
  countedBytes: string;
  /** Fraction (0..1) of the month so far that had samples. */
  coverage: number;
  p95Bps: DirectionRates;
  peakBps: DirectionRates;
  quota: { volumeBytes?: string; rateBps?: number; direction: QuotaDirection };
  usedPct: { volume?: number; rate?: number };
  /** First and last sample time of the month (any uplink); absent for `no_data`. */
  observedFrom?: number;
  observedTo?: number;
  /** The longest stretches of the month (so far) without samples, longest first (at most 5). */
  unobserved?: TimeRange[];
  /** Current month only, once enough of it is observed: countedBytes extrapolated to month end. */
  projectedBytes?: string;
  /** What the projection rests on: the observed span and its coverage (absent: no projection yet, and `reason` why). */
  projection?: { basisFrom: number; basisTo: number; observedDays: number; pct?: number; reason?: string };
  status: UsageStatus;
  recommendation: {
    action: Recommendation;
    /** The coverage of the evaluated month the recommendation rests on (0..1). */
    coverage?: number;
    /** One sentence in the report's language. */
    reason: string;
    /** p95 of the larger direction per month for the months considered, newest first. */
    /** Every month of the window, newest first, with or without data (`noData: true`). */
    basis: { month: string; p95Bps?: number; usedPctRate?: number; usedPctVolume?: number; coverage?: number; noData?: boolean }[];
    suggestedRateBps?: number;
    /** On an increase driven by volume: the suggested monthly volume allocation, bytes. */
    suggestedVolumeBytes?: string;
  };
  uplinks: UplinkUsage[];
}

export interface UsageReport {
  month: string; // YYYY-MM
  timezone: string; // IANA
  /** Month start and end (exclusive), ms since epoch. */
  from: number;
  to: number;
  /** True while the month is not over: figures are provisional ("sementara") up to `generatedAt`. */
  current: boolean;
  /** `complete`, `in_progress` (the current month), `no_data` (nothing observed for any OPD). */
  state?: 'complete' | 'in_progress' | 'no_data';
  /** The first sample the store holds of any uplink, if any: the first month of operation states it. */
  dataSince?: number;
  generatedAt: number;
  opds: OpdUsage[];
  /** The report's "Ketersediaan server" section (Pasal 15): what GET /uptime?month= returns. Not part of /usage. */
  uptime?: UptimeReport;
}
