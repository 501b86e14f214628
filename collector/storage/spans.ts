// The rows one pair of samples writes to usage5m, bounded whatever the gap between them.
//
// A pair no further apart than coverageMaxGapSeconds writes one row per 5-minute bucket it
// touches (accounting/buckets.ts). A longer pair covers no time and has no known rate, so
// only its bytes matter: it writes its first and last buckets as usual (they may hold the
// neighbouring pairs' shares too) and, between them, one row per local day (`spanMs` > 5 min)
// holding exactly the sum of the 5-minute shares it replaces (cumulative floor allocation
// telescopes). Month and day totals keep the contract's proportional split because a day
// row never crosses a local day edge, and month edges are day edges. A pair spanning 26 years
// writes about 9,500 rows instead of 2.7 million; within the acceptance window, at most a
// few dozen.
import { BUCKET_MS, allocate, bucketOf, pairBuckets, type PairSpan, type UsageBucket } from '../accounting/buckets.js';

export interface SpanOptions {
  /** coverageMaxGapSeconds × 1000: longer pairs cover nothing and are written in day rows. */
  maxGapMs: number;
  /** Only rows inside [from, to) are produced (both bucket edges); shares stay relative to the pair. */
  from: number;
  to: number;
  /** The first local day edge after `t` (a bucket edge); day rows never cross one. */
  nextDayEdge: (t: number) => number;
  /** Whether the pair covers time (default: its length is at most maxGapMs). */
  covers?: boolean;
}

/** The first UTC midnight after `t`: the default day edge (a deployment passes its own zone's). */
export const nextUtcDay = (t: number): number => (Math.floor(t / 86_400_000) + 1) * 86_400_000;

/** The usage5m rows of one pair, in time order; their bytes sum to the pair's share of [from, to). */
export function* pairRows(pair: PairSpan, o: SpanOptions): Generator<UsageBucket> {
  const covers = o.covers ?? pair.t1 - pair.t0 <= o.maxGapMs;
  if (covers || pair.t1 === pair.t0) {
    yield* pairBuckets(pair, { maxGapMs: covers ? undefined : 0, from: o.from, to: o.to });
    return;
  }
  const lo = Math.max(pair.t0, o.from);
  const hi = Math.min(pair.t1, o.to);
  if (hi <= lo) return;
  const first = bucketOf(lo);
  const last = bucketOf(hi - 1); // the last bucket b with b < hi
  const bucket = (from: number, to: number): UsageBucket => ({
    bucket: from,
    inBytes: allocate(pair.inBytes, pair.t0, pair.t1, from, to),
    outBytes: allocate(pair.outBytes, pair.t0, pair.t1, from, to),
    coveredMs: 0,
    ...(to - from !== BUCKET_MS ? { spanMs: to - from } : {}),
  });
  yield bucket(first, first + BUCKET_MS);
  if (last === first) return;
  // Whole buckets strictly inside the pair: only this pair has bytes there. The loop runs once
  // per local day (bounded by the pair's length in days).
  for (let t = first + BUCKET_MS; t < last; ) {
    const end = Math.min(Math.max(o.nextDayEdge(t), t + BUCKET_MS), last);
    yield bucket(t, end);
    t = end;
  }
  yield bucket(last, last + BUCKET_MS);
}
