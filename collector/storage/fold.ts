// The fold's arithmetic (issue 12): the buckets and counter events a series' new in-order pairs
// add, computed from the pairs alone. Pure, so the merge can compute it on its worker thread
// (merge-worker.ts) and the collector's thread only writes the result (Rollup.applyFold).
import { BUCKET_MS, addInto, bucketOf, type UsageBucket } from '../accounting/buckets.js';
import { pairIncrease, type CounterPoint, type PairIncrease } from '../accounting/counters.js';
import { pairRows } from './spans.js';

const DAY_MS = 86_400_000;

export interface FoldConfig {
  /** coverageMaxGapSeconds × 1000: longer pairs keep their bytes but cover no time. */
  maxGapMs: number;
  /** Local midnight starting the day that holds `t`; a bucket edge. */
  dayStart: (t: number) => number;
}

/** A counter event of one pair, keyed by its end. */
export interface FoldEvent {
  ts: number;
  kind: string;
  speed: number | null;
}

/** What a fold adds to one series: its buckets' shares and events, and the bucket range the chain spans (told to listeners). */
export interface FoldResult {
  events: FoldEvent[];
  buckets: UsageBucket[];
  from: number;
  to: number;
}

/** The counter events of one pair, keyed by its end (the data-quality notes of the report). */
export function eventKinds(inc: PairIncrease, covers: boolean): Set<string> {
  const kinds = new Set<string>();
  if (inc.kind !== 'normal') kinds.add(inc.kind);
  if (inc.inKind !== 'normal') kinds.add(inc.inKind);
  if (inc.outKind !== 'normal') kinds.add(inc.outKind);
  if (inc.uptimeWrapped) kinds.add('uptime_wrap');
  if (inc.ambiguous) kinds.add('ambiguous');
  if (!covers) kinds.add('gap');
  return kinds;
}

/**
 * The shares and events of the pairs (chain[0], chain[1]), (chain[1], chain[2]), ...: the same a
 * recompute places for them (a pair's share of a bucket depends only on the pair and the
 * bucket). `chain` is in increasing time order, at least two samples.
 */
export function foldChain(chain: readonly CounterPoint[], cfg: FoldConfig, bigintOnly = false): FoldResult {
  if (!bigintOnly) {
    const fast = foldChainNum(chain, cfg);
    if (fast) return fast;
  }
  const nextDayEdge = (t: number) => cfg.dayStart(t) + DAY_MS;
  const buckets = new Map<number, UsageBucket>();
  const events: FoldEvent[] = [];
  for (let k = 1; k < chain.length; k++) {
    const p = chain[k - 1];
    const c = chain[k];
    const inc = pairIncrease(p, c);
    const covers = c.ts - p.ts <= cfg.maxGapMs;
    if (inc.kind !== 'normal' || inc.uptimeWrapped || inc.ambiguous || !covers)
      for (const kind of eventKinds(inc, covers)) events.push({ ts: c.ts, kind, speed: c.speedBps ?? null });
    const span = { t0: p.ts, t1: c.ts, inBytes: inc.inBytes, outBytes: inc.outBytes };
    for (const part of pairRows(span, { maxGapMs: cfg.maxGapMs, from: bucketOf(p.ts), to: bucketOf(c.ts) + BUCKET_MS, nextDayEdge, covers })) addInto(buckets, part);
  }
  return { events, buckets: [...buckets.values()], from: bucketOf(chain[0].ts), to: bucketOf(chain[chain.length - 1].ts) + BUCKET_MS };
}

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * foldChain in numbers, for the common chain: every pair a plain rise of the same counter
 * width, within the coverage gap, no reboot and no 32-bit counter (whose wraps and ambiguity
 * take the counter rules), every counter and every product of the allocation below 2^53. Then
 * a share floor(Δ·(t − t0)/(t1 − t0)) is exact in doubles (the quotient of integers below 2^53
 * rounds to within less than 1/(t1 − t0) of itself, never across an integer), and the result is
 * the same as the bigint path's, bucket for bucket (fold.test compares them). Null otherwise.
 */
export function foldChainNum(chain: readonly CounterPoint[], cfg: FoldConfig): FoldResult | null {
  const n = chain.length;
  const c = numColumns(n);
  for (let k = 0; k < n; k++) if (!putPoint(c, k, chain[k])) return null;
  return foldColumnsNum(c, n, cfg);
}

/** Writes `x` as sample `k` of `c`; false when it does not fit the number path (a 32-bit counter, or one from 2^53). */
export function putPoint(c: ChainColumns, k: number, x: CounterPoint): boolean {
  if (x.bits !== 64 || x.inOctets > SAFE || x.outOctets > SAFE) return false;
  c.ts[k] = x.ts;
  c.ins[k] = Number(x.inOctets);
  c.outs[k] = Number(x.outOctets);
  c.ups[k] = x.uptime ?? NaN;
  return true;
}

/** A chain as number columns (foldColumnsNum's input): uptime NaN when unknown. */
export interface ChainColumns {
  ts: Float64Array;
  ins: Float64Array;
  outs: Float64Array;
  ups: Float64Array;
}

/** Columns for a chain of `n` samples (at least). */
export function numColumns(n: number): ChainColumns {
  return { ts: new Float64Array(n), ins: new Float64Array(n), outs: new Float64Array(n), ups: new Float64Array(n) };
}

/**
 * foldChainNum over the first `n` samples of `c` (64-bit counters, each below 2^53): the merge
 * fills them straight from its staged records, with no CounterPoint or BigInt per sample.
 */
export function foldColumnsNum(c: ChainColumns, n: number, cfg: FoldConfig): FoldResult | null {
  const { ts, ins, outs, ups } = c;
  for (let k = 0; k < n; k++) if (!Number.isSafeInteger(ts[k]) || !(ins[k] <= Number.MAX_SAFE_INTEGER) || !(outs[k] <= Number.MAX_SAFE_INTEGER)) return null;
  const acc = new Map<number, { bucket: number; inBytes: number; outBytes: number; coveredMs: number }>();
  for (let k = 1; k < n; k++) {
    const t0 = ts[k - 1];
    const t1 = ts[k];
    const dt = t1 - t0;
    if (!(dt > 0) || dt > cfg.maxGapMs) return null;
    if (ups[k] < ups[k - 1]) return null; // a reboot or sysUpTime's wrap (NaN, unknown, compares false)
    const dIn = ins[k] - ins[k - 1];
    const dOut = outs[k] - outs[k - 1];
    if (dIn < 0 || dOut < 0) return null; // a reset
    if (dIn * dt > Number.MAX_SAFE_INTEGER || dOut * dt > Number.MAX_SAFE_INTEGER) return null;
    for (let b = Math.floor(t0 / BUCKET_MS) * BUCKET_MS; b < t1; b += BUCKET_MS) {
      const end = b + BUCKET_MS;
      let i: number;
      let o: number;
      if (b <= t0 && t1 <= end) {
        i = dIn;
        o = dOut;
      } else {
        const hi = Math.min(end, t1) - t0;
        const lo = Math.max(b, t0) - t0;
        i = Math.floor((dIn * hi) / dt) - Math.floor((dIn * lo) / dt);
        o = Math.floor((dOut * hi) / dt) - Math.floor((dOut * lo) / dt);
      }
      const covered = Math.min(end, t1) - Math.max(b, t0);
      const cur = acc.get(b);
      if (!cur) acc.set(b, { bucket: b, inBytes: i, outBytes: o, coveredMs: Math.max(0, covered) });
      else {
        cur.inBytes += i;
        cur.outBytes += o;
        cur.coveredMs += Math.max(0, covered);
      }
    }
  }
  const buckets: UsageBucket[] = [];
  for (const v of acc.values()) buckets.push({ bucket: v.bucket, inBytes: BigInt(v.inBytes), outBytes: BigInt(v.outBytes), coveredMs: v.coveredMs });
  return { events: [], buckets, from: bucketOf(ts[0]), to: bucketOf(ts[n - 1]) + BUCKET_MS };
}
