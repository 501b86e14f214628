// GET /api/v1/usage and the monthly report: the evaluation of one calendar month (in the
// deployment's time zone) per OPD. Byte counts are decimal strings (bigint in code), rates
// are bit/s as numbers. The report renders exactly this object in every format.

export type QuotaDirection = 'total' | 'in' | 'out' | 'max';
export type UsageStatus = 'ok' | 'warning' | 'over';
export type Recommendation = 'increase' | 'keep' | 'decrease';

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
  /** Current month only: countedBytes extrapolated to month end. */
  projectedBytes?: string;
  status: UsageStatus;
  recommendation: {
    action: Recommendation;
    /** One sentence in the report's language. */
    reason: string;
    /** p95 of the larger direction per month for the months considered, newest first. */
    basis: { month: string; p95Bps: number; usedPctRate?: number; usedPctVolume?: number; coverage?: number }[];
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
  /** True while the month is not over; `projectedBytes` is set then. */
  current: boolean;
  generatedAt: number;
  opds: OpdUsage[];
}
