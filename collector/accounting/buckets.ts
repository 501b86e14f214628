// Splitting one pair's increase over 5-minute buckets in proportion to time, exact to the byte.
//
// A pair covers (t0, t1]. The bytes it carries up to time t are F(t) = floor(Δ·(t − t0)/(t1 − t0))
// for t clamped into [t0, t1]: cumulative floor allocation relative to the pair's start. The
// part in a range [from, to) is F(to) − F(from). Consequences the rollup relies on:
// - the parts of adjacent ranges telescope, so any partition of the pair sums exactly to Δ;
// - a range's part depends only on the pair and the range, so recomputing any run of buckets
//   later yields the same parts, and a month's part equals the sum of its buckets' parts.
//
// Month edges are bucket edges: a bucket starts at a multiple of 300 000 ms (UTC). Local
// midnight in a zone whose UTC offset is a whole number of 5 minutes (all of Indonesia,
// UTC+7/+8/+9; every whole-hour, half-hour and 15-minute zone such as +5:45 or +12:45) is a
// multiple of 5 minutes in UTC, so a month [from, to) is a whole number of buckets and
// splitting a pair at the month boundary gives exactly the sum of its buckets on each side.
// `isBucketAligned` checks it (historic local mean times such as +7:07:12 would not be).

export const BUCKET_MS = 300_000;

/** Start of the 5-minute bucket holding `ts` (ms since the epoch, UTC). */
export function bucketOf(ts: number): number {
  return Math.floor(ts / BUCKET_MS) * BUCKET_MS;
}

export function isBucketAligned(ts: number): boolean {
  return Number.isInteger(ts) && ts % BUCKET_MS === 0;
}

/** F(t): the bytes of the pair carried in (t0, t] (t clamped into [t0, t1]; t0 < t1). */
function carried(delta: bigint, t0: number, t1: number, t: number): bigint {
  const c = Math.min(Math.max(t, t0), t1);
  return (delta * BigInt(c - t0)) / BigInt(t1 - t0); // floor: both operands are non-negative; c = t1 gives delta
}

/**
 * The part of a pair's increase `delta` over (t0, t1] that falls in [from, to):
 * floor(Δ·(min(to,t1) − t0)/(t1 − t0)) − floor(Δ·(max(from,t0) − t0)/(t1 − t0)), 0 when they do
 * not overlap. Times are integer ms. A pair with t1 = t0 puts all of Δ in the range holding t1.
 */
export function allocate(delta: bigint, t0: number, t1: number, from: number, to: number): bigint {
  if (delta < 0n) throw new RangeError(`allocate: expected a non-negative increase, found ${delta}`);
  if (!Number.isInteger(t0) || !Number.isInteger(t1) || t1 < t0)
    throw new RangeError(`allocate: expected integer ms with t0 <= t1, found ${t0}, ${t1}`);
  if (to <= from) return 0n;
  if (t1 === t0) return from <= t1 && t1 < to ? delta : 0n;
  // The same as the formula, without its bigint products, where it is plain: a pair inside the
  // range has it all (carried(to) = Δ, carried(from) = 0), one outside it none. Most pairs of a
  // 60 s poll lie inside one 5-minute bucket.
  if (from <= t0 && t1 <= to) return delta;
  if (to <= t0 || t1 <= from) return 0n;
  return carried(delta, t0, t1, to) - carried(delta, t0, t1, from);
}

/** One bucket's share of one pair, or the sum of several. */
export interface UsageBucket {
  /** Bucket start, ms since the epoch, a multiple of 300 000. */
  bucket: number;
  inBytes: bigint;
  outBytes: bigint;
  /** Milliseconds of the bucket covered by pairs no further apart than the coverage gap. */
  coveredMs: number;
  /**
   * The time the row stands for when more than one bucket: a long gap's bytes between its
   * first and last bucket, one row per local day (storage/spans.ts). Absent: 5 minutes.
   */
  spanMs?: number;
}

export interface PairSpan {
  t0: number;
  t1: number;
  inBytes: bigint;
  outBytes: bigint;
}

export interface BucketOptions {
  /** A pair longer than this keeps its bytes but covers nothing (coverageMaxGapSeconds × 1000). Default: no limit. */
  maxGapMs?: number;
  /** Only buckets overlapping [from, to) are produced; parts are still relative to the whole pair. */
  from?: number;
  to?: number;
}

/**
 * The buckets a pair touches, in time order, each with its exact share of the bytes and the
 * milliseconds of the bucket the pair covers. The shares of all buckets sum to the pair's bytes.
 */
export function* pairBuckets(pair: PairSpan, opts: BucketOptions = {}): Generator<UsageBucket> {
  const { t0, t1 } = pair;
  const lo = Math.max(t0, opts.from ?? -Infinity);
  const hi = Math.min(t1, opts.to ?? Infinity);
  const counts = opts.maxGapMs === undefined || t1 - t0 <= opts.maxGapMs;
  if (t1 === t0) {
    if (lo <= t1 && t1 <= hi && (opts.to === undefined || t1 < opts.to))
      yield { bucket: bucketOf(t1), inBytes: pair.inBytes, outBytes: pair.outBytes, coveredMs: 0 };
    return;
  }
  if (hi <= lo) return;
  // (t0, t1]: the first byte lands just after t0, so the first bucket is the one holding t0 unless
  // t0 is exactly at its end; the same bucket logic as allocate()'s [from, to) ranges.
  for (let b = bucketOf(lo); b < hi; b += BUCKET_MS) {
    const end = b + BUCKET_MS;
    const inBytes = allocate(pair.inBytes, t0, t1, b, end);
    const outBytes = allocate(pair.outBytes, t0, t1, b, end);
    const coveredMs = counts ? Math.max(0, Math.min(end, t1) - Math.max(b, t0)) : 0;
    yield { bucket: b, inBytes, outBytes, coveredMs };
  }
}

/** Adds parts into a map keyed by bucket (several pairs, or several uplinks of one OPD). */
export function addInto(acc: Map<number, UsageBucket>, part: UsageBucket): void {
  const cur = acc.get(part.bucket);
  if (!cur) acc.set(part.bucket, { ...part });
  else {
    cur.inBytes += part.inBytes;
    cur.outBytes += part.outBytes;
    cur.coveredMs += part.coveredMs;
  }
}

/** Sums lists of buckets (e.g. an OPD's uplinks) per bucket, in time order. */
export function sumBuckets(lists: Iterable<readonly UsageBucket[]>): UsageBucket[] {
  const acc = new Map<number, UsageBucket>();
  for (const list of lists) for (const b of list) addInto(acc, b);
  return [...acc.values()].sort((a, b) => a.bucket - b.bucket);
}
