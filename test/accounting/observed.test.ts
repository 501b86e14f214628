import { describe, expect, it } from 'vitest';
import { mergeRuns, observe } from '../../collector/accounting/observed.js';
import { randInt, rng } from './rng.js';

const B = 300_000;
const H = 3_600_000;

describe('observation of a month', () => {
  it('merges runs of several uplinks, samples winning over a spanning pair', () => {
    const runs = mergeRuns([
      { from: 0, to: 4 * B, covered: false },
      { from: 2 * B, to: 3 * B, covered: true },
      { from: 4 * B, to: 5 * B, covered: false },
    ]);
    expect(runs).toEqual([
      { from: 0, to: 2 * B, covered: false },
      { from: 2 * B, to: 3 * B, covered: true },
      { from: 3 * B, to: 5 * B, covered: false },
    ]);
  });

  it('names the stretches nothing saw apart from those a pair of samples spans, longest first', () => {
    const o = observe(
      [
        { from: 2 * H, to: 3 * H, covered: true },
        { from: 3 * H, to: 4 * H, covered: false },
        { from: 4 * H, to: 5 * H, covered: true },
      ],
      0,
      8 * H,
    );
    expect(o).toEqual({
      observedFrom: 2 * H,
      observedTo: 5 * H,
      coveredMs: 2 * H,
      spanMs: 3 * H,
      unobserved: [
        { from: 5 * H, to: 8 * H, counted: false },
        { from: 0, to: 2 * H, counted: false },
        { from: 3 * H, to: 4 * H, counted: true },
      ],
      unobservedCount: 3,
    });
  });

  it('leaves out stretches shorter than two buckets and keeps at most five', () => {
    const runs = Array.from({ length: 8 }, (_, k) => ({ from: k * H, to: k * H + H - 3 * B, covered: true }));
    const o = observe([...runs, { from: 8 * H, to: 8 * H + B, covered: true }, { from: 8 * H + 2 * B, to: 9 * H, covered: true }], 0, 9 * H);
    expect(o.unobservedCount).toBe(8);
    expect(o.unobserved).toHaveLength(5);
    expect(o.unobserved.every((g) => g.to - g.from === 3 * B)).toBe(true);
  });

  it('sees nothing without runs', () => {
    expect(observe([], 0, H)).toStrictEqual({ coveredMs: 0, spanMs: 0, unobserved: [{ from: 0, to: H, counted: false }], unobservedCount: 1 });
  });

  it('lets covered win over spanned whichever run comes first', () => {
    expect(mergeRuns([{ from: 0, to: 2 * B, covered: true }, { from: 0, to: 4 * B, covered: false }])).toEqual([
      { from: 0, to: 2 * B, covered: true },
      { from: 2 * B, to: 4 * B, covered: false },
    ]);
  });

  it('ignores runs outside [from, end), also those that end at from or start at end, and clips those across an edge', () => {
    const o = observe(
      [
        { from: -B, to: 0, covered: true },
        { from: 8 * H, to: 8 * H + B, covered: true },
        { from: H, to: 2 * H, covered: true },
      ],
      0,
      8 * H,
    );
    expect(o).toStrictEqual({
      observedFrom: H,
      observedTo: 2 * H,
      coveredMs: H,
      spanMs: H,
      unobserved: [
        { from: 2 * H, to: 8 * H, counted: false },
        { from: 0, to: H, counted: false },
      ],
      unobservedCount: 2,
    });
    const across = observe([{ from: -2 * B, to: 2 * B, covered: true }, { from: 7 * B, to: 10 * B, covered: false }], 0, 8 * B);
    expect(across).toStrictEqual({
      observedFrom: 0,
      observedTo: 8 * B,
      coveredMs: 2 * B,
      spanMs: 8 * B,
      unobserved: [{ from: 2 * B, to: 7 * B, counted: false }],
      unobservedCount: 1,
    });
  });

  it('names a stretch of exactly two buckets', () => {
    expect(observe([{ from: 0, to: B, covered: true }, { from: 3 * B, to: 4 * B, covered: true }], 0, 4 * B).unobserved).toEqual([{ from: B, to: 3 * B, counted: false }]);
  });

  it('lists stretches of equal length in time order, and as many as `limit` asks', () => {
    const runs = [0, 2, 4, 6].map((k) => ({ from: k * H, to: (k + 1) * H, covered: true }));
    const o = observe(runs, 0, 7 * H);
    expect(o.unobserved).toEqual([
      { from: H, to: 2 * H, counted: false },
      { from: 3 * H, to: 4 * H, counted: false },
      { from: 5 * H, to: 6 * H, counted: false },
    ]);
    expect(observe(runs, 0, 7 * H, { limit: 2 })).toMatchObject({ unobserved: o.unobserved.slice(0, 2), unobservedCount: 3 });
  });

  it('never names an empty stretch, even with minGapMs 0', () => {
    // between the covered and the spanned bucket, and at the edges, there is no time
    const o = observe([{ from: 0, to: B, covered: true }, { from: B, to: 2 * B, covered: false }], 0, 2 * B, { minGapMs: 0 });
    expect([o.unobserved, o.unobservedCount]).toEqual([[{ from: B, to: 2 * B, counted: true }], 1]);
    expect(observe([{ from: 0, to: B, covered: true }, { from: 2 * B, to: 3 * B, covered: true }], 0, 3 * B, { minGapMs: 0 }).unobserved).toEqual([{ from: B, to: 2 * B, counted: false }]);
  });
});

/** mergeRuns as it was (one map entry per bucket): the definition the interval sweep must match. */
function mergeRunsByBucket(runs: readonly { from: number; to: number; covered: boolean }[]) {
  const state = new Map<number, number>();
  for (const r of runs) for (let b = Math.floor(r.from / B) * B; b < r.to; b += B) state.set(b, Math.max(state.get(b) ?? 0, r.covered ? 2 : 1));
  const out: { from: number; to: number; covered: boolean }[] = [];
  for (const b of [...state.keys()].sort((x, y) => x - y)) {
    const covered = state.get(b) === 2;
    const last = out[out.length - 1];
    if (last && last.to === b && last.covered === covered) last.to = b + B;
    else out.push({ from: b, to: b + B, covered });
  }
  return out;
}

describe('mergeRuns over intervals', () => {
  it('equals the bucket-by-bucket merge for random overlapping, unaligned, empty and out-of-order runs', () => {
    const r = rng(1224);
    for (let k = 0; k < 3000; k++) {
      const n = randInt(r, 0, 12);
      const runs = Array.from({ length: n }, () => {
        const from = randInt(r, -5, 60) * B + (r() < 0.3 ? randInt(r, 1, B - 1) : 0);
        const len = r() < 0.1 ? 0 : randInt(r, 0, 20) * B + (r() < 0.3 ? randInt(r, -B + 1, B - 1) : 0);
        return { from, to: from + len, covered: r() < 0.5 };
      });
      expect(mergeRuns(runs), JSON.stringify(runs)).toEqual(mergeRunsByBucket(runs));
    }
  });

  it('does not change the runs it is given', () => {
    const runs = [{ from: 0, to: 2 * B, covered: false }, { from: 2 * B, to: 3 * B, covered: false }];
    mergeRuns(runs);
    expect(runs).toEqual([{ from: 0, to: 2 * B, covered: false }, { from: 2 * B, to: 3 * B, covered: false }]);
  });
});
