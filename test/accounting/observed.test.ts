import { describe, expect, it } from 'vitest';
import { mergeRuns, observe } from '../../collector/accounting/observed.js';

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
    expect(observe([], 0, H)).toEqual({ coveredMs: 0, spanMs: 0, unobserved: [{ from: 0, to: H, counted: false }], unobservedCount: 1 });
  });
});
