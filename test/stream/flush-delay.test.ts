// When the coalesced status flush runs: leading edge, a window that grows with the flush's
// cost, and no flush while the status read would have to merge a large staging backlog at once
// (up to a bound). A pure function of the times given: no timers run here.
import { describe, expect, it } from 'vitest';
import { COST_FACTOR, FLUSH_MAX_WAIT_MS, FLUSH_STAGED_MAX, flushDelay } from '../../collector/stream/feed.js';

const base = { now: 10_000, since: 10_000, lastFlush: -Infinity, lastCostMs: 0, coalesceMs: 1000, staged: 0 };

describe('flushDelay', () => {
  it('flushes a lone change at once, and within the window at its end', () => {
    expect(flushDelay(base)).toBe(0);
    expect(flushDelay({ ...base, lastFlush: 9_700 })).toBe(700);
    expect(flushDelay({ ...base, lastFlush: 9_000 })).toBe(0);
  });

  it('waits COST_FACTOR times the last flush\'s cost when that is longer than the window', () => {
    expect(COST_FACTOR).toBe(20);
    // A 150 ms flush: the next one no sooner than 3 s after it started.
    expect(flushDelay({ ...base, lastFlush: 9_000, lastCostMs: 150 })).toBe(2_000);
    expect(flushDelay({ ...base, lastFlush: 9_000, lastCostMs: 40 })).toBe(0); // 800 ms < the 1 s window, which has passed
  });

  it('puts a flush off while the staging backlog is large, for at most FLUSH_MAX_WAIT_MS after the first change', () => {
    const big = FLUSH_STAGED_MAX + 1;
    expect(flushDelay({ ...base, staged: FLUSH_STAGED_MAX })).toBe(0);
    expect(flushDelay({ ...base, staged: big })).toBe(100);
    expect(flushDelay({ ...base, staged: big, now: base.since + FLUSH_MAX_WAIT_MS - 30 })).toBe(30);
    expect(flushDelay({ ...base, staged: big, now: base.since + FLUSH_MAX_WAIT_MS })).toBe(0);
  });
});
