import { describe, expect, it } from 'vitest';
import { saturationEpisodes } from '../../collector/accounting/evaluate.js';

const T = Date.UTC(2026, 2, 10, 2, 0);
const B = 300_000;
/** Buckets at 5-minute steps with the given in/out rates (Mbit/s). */
const at = (k: number, inMbps: number, outMbps = 0) => ({ bucket: T + k * B, inBytes: BigInt(inMbps * 1e6 * 300 / 8), outBytes: BigInt(outMbps * 1e6 * 300 / 8) });

describe('saturationEpisodes', () => {
  it('finds rates above 90 % of capacity for at least 15 minutes', () => {
    const bs = [at(0, 50), at(1, 95), at(2, 10, 99), at(3, 92), at(4, 50)];
    expect(saturationEpisodes(bs, 100e6, 90, 15)).toEqual([{ from: T + B, to: T + 4 * B, minutes: 15, peakBps: 99e6, direction: 'out' }]);
  });

  it('ignores a shorter run, a rate exactly at the threshold, and a run broken by a missing bucket', () => {
    expect(saturationEpisodes([at(0, 95), at(1, 95)], 100e6, 90, 15)).toEqual([]);
    expect(saturationEpisodes([at(0, 90), at(1, 90), at(2, 90)], 100e6, 90, 15)).toEqual([]);
    expect(saturationEpisodes([at(0, 95), at(1, 95), at(3, 95)], 100e6, 90, 15)).toEqual([]);
  });

  it('sorts the buckets and reports each episode', () => {
    const bs = [at(5, 99), at(0, 95), at(6, 99), at(1, 95), at(2, 95), at(7, 99), at(3, 1)];
    expect(saturationEpisodes(bs, 100e6, 90, 15).map((e) => [e.from, e.to])).toEqual([[T, T + 3 * B], [T + 5 * B, T + 8 * B]]);
    expect(saturationEpisodes(bs, 0, 90, 15)).toEqual([]);
  });
});
