// Saturation episodes for `link_saturated` alerts: runs of consecutive 5-minute buckets whose
// average rate, in either direction, is above `pct` % of a capacity (link speed or rate quota)
// for at least `minutes`. A missing bucket ends a run: no data is not saturation.
import { BUCKET_MS } from './buckets.js';

export interface RateBucket {
  /** Bucket start, ms, a multiple of 300 000. */
  bucket: number;
  inBytes: bigint;
  outBytes: bigint;
}

export interface SaturationEpisode {
  /** Start of the first saturated bucket, ms. */
  from: number;
  /** End (exclusive) of the last saturated bucket, ms. */
  to: number;
  minutes: number;
  /** The highest 5-minute rate in the episode, bit/s, and its direction. */
  peakBps: number;
  direction: 'in' | 'out';
}

/** A bucket's average rate, bit/s: bytes · 8 / 300 s. */
export function bucketRateBps(bytes: bigint): number {
  return Number(bytes * 8n) / (BUCKET_MS / 1000);
}

export function saturationEpisodes(buckets: readonly RateBucket[], capacityBps: number, pct: number, minutes: number): SaturationEpisode[] {
  if (!(capacityBps > 0)) return [];
  const threshold = (capacityBps * pct) / 100;
  const sorted = [...buckets].sort((a, b) => a.bucket - b.bucket);
  const out: SaturationEpisode[] = [];
  let run: SaturationEpisode | undefined;
  const close = () => {
    if (run && run.minutes >= minutes) out.push(run);
    run = undefined;
  };
  for (const b of sorted) {
    const inBps = bucketRateBps(b.inBytes);
    const outBps = bucketRateBps(b.outBytes);
    const top = Math.max(inBps, outBps);
    if (!(top > threshold)) {
      close();
      continue;
    }
    if (run && run.to !== b.bucket) close();
    const direction = inBps >= outBps ? 'in' : 'out';
    if (!run) run = { from: b.bucket, to: b.bucket, minutes: 0, peakBps: 0, direction };
    run.to = b.bucket + BUCKET_MS;
    run.minutes += BUCKET_MS / 60_000;
    if (top > run.peakBps) {
      run.peakBps = top;
      run.direction = direction;
    }
  }
  close();
  return out;
}
