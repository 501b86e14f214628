// What of a month the counters saw, from its 5-minute buckets: where samples were (a bucket
// with coverage), where only a pair of samples further apart than coverageMaxGapSeconds
// spans the time (its bytes are counted, its rates unknown), and where nothing was seen at all
// (before the first sample, after the last, or between samples of different lives of a
// counter: those bytes are not in the volume). Pure: runs in, figures out.
//
// A run is [from, to) in ms with `covered` true for buckets some uplink had samples in. Runs
// come from any number of uplinks, in any order and overlapping: they are merged here, with
// covered winning over spanned.
import { BUCKET_MS, bucketOf } from './buckets.js';
import type { TimeRange } from '../../protocol/usage.js';

export interface Run {
  from: number;
  to: number;
  covered: boolean;
}

export interface Observation {
  /** Start of the first and end of the last bucket the counters saw (covered or spanned). */
  observedFrom?: number;
  observedTo?: number;
  /** Milliseconds of buckets with samples (5-minute resolution). */
  coveredMs: number;
  /** observedTo − observedFrom: the stretch the counted volume stands for. */
  spanMs: number;
  /**
   * Unobserved stretches of [from, end) of at least `minGapMs`, longest first (at most
   * `limit`); `counted: true` where a pair of samples spans it (bytes counted, rates unknown).
   */
  unobserved: (TimeRange & { counted: boolean })[];
  /** All unobserved stretches of at least `minGapMs`, before the limit. */
  unobservedCount: number;
}

/**
 * Merges runs into time order, covered over spanned, adjacent runs of one kind joined. Every
 * run stands for the whole buckets it touches ([bucketOf(from), to rounded up to a bucket edge)).
 * Works on intervals, not buckets: a month of one OPD is a few dozen runs but 8,928 buckets,
 * and a map of buckets cost /usage more than its SQL (issue 12).
 */
export function mergeRuns(runs: readonly Run[]): Run[] {
  const covered = union(runs, true);
  const spanned = subtract(union(runs, false), covered);
  const out: Run[] = [];
  let i = 0;
  let j = 0;
  while (i < covered.length || j < spanned.length) {
    const next = j >= spanned.length || (i < covered.length && covered[i].from < spanned[j].from) ? covered[i++] : spanned[j++];
    const last = out[out.length - 1];
    if (last && last.to === next.from && last.covered === next.covered) last.to = next.to;
    else out.push({ ...next });
  }
  return out;
}

/** The union of the runs of one kind, in whole buckets, sorted, overlapping and adjacent ones joined. */
function union(runs: readonly Run[], covered: boolean): Run[] {
  const xs: Run[] = [];
  for (const r of runs) {
    if (r.covered !== covered) continue;
    const from = bucketOf(r.from);
    if (!(r.to > from)) continue; // touches no bucket
    xs.push({ from, to: from + Math.ceil((r.to - from) / BUCKET_MS) * BUCKET_MS, covered });
  }
  xs.sort((a, b) => a.from - b.from);
  const out: Run[] = [];
  for (const r of xs) {
    const last = out[out.length - 1];
    if (last && r.from <= last.to) last.to = Math.max(last.to, r.to);
    else out.push(r);
  }
  return out;
}

/** The parts of sorted disjoint runs `a` outside sorted disjoint runs `b`. */
function subtract(a: Run[], b: Run[]): Run[] {
  const out: Run[] = [];
  let j = 0;
  for (const r of a) {
    let from = r.from;
    while (j < b.length && b[j].to <= from) j++;
    for (let k = j; k < b.length && b[k].from < r.to; k++) {
      if (b[k].from > from) out.push({ from, to: b[k].from, covered: r.covered });
      from = Math.max(from, b[k].to);
    }
    if (from < r.to) out.push({ from, to: r.to, covered: r.covered });
  }
  return out;
}

/**
 * The observation of [from, end) (end: month end, or now for the current month, at a bucket
 * edge) from merged runs.
 */
export function observe(runs: readonly Run[], from: number, end: number, opts: { minGapMs?: number; limit?: number } = {}): Observation {
  const minGap = opts.minGapMs ?? 2 * BUCKET_MS;
  const merged = mergeRuns(runs).filter((r) => r.to > from && r.from < end).map((r) => ({ ...r, from: Math.max(r.from, from), to: Math.min(r.to, end) }));
  let coveredMs = 0;
  const long: (TimeRange & { counted: boolean })[] = [];
  const gap = (a: number, b: number, counted: boolean) => {
    if (b > a && b - a >= minGap) long.push({ from: a, to: b, counted });
  };
  let t = from;
  for (const r of merged) {
    gap(t, r.from, false);
    if (r.covered) coveredMs += r.to - r.from;
    else gap(r.from, r.to, true);
    t = r.to;
  }
  gap(t, end, false);
  // Longest first; the sort is stable and the stretches are in time order, so equally long
  // ones stay in time order.
  long.sort((a, b) => b.to - b.from - (a.to - a.from));
  const observedFrom = merged.length ? merged[0].from : undefined;
  const observedTo = merged.length ? merged[merged.length - 1].to : undefined;
  return {
    ...(observedFrom !== undefined ? { observedFrom, observedTo } : {}),
    coveredMs,
    spanMs: observedFrom !== undefined ? observedTo! - observedFrom : 0,
    unobserved: long.slice(0, opts.limit ?? 5),
    unobservedCount: long.length,
  };
}
