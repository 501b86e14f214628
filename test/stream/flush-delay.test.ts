// When the coalesced status flush runs: leading edge, at most one flush per window on average
// (room for one more, so a steady source is never held back by one late batch), a window that
// grows with the flush's cost; staged samples do not hold it up. Pure functions of the times
// given: no timers run here.
import { describe, expect, it } from 'vitest';
import { COST_FACTOR, FlushWindow, flushDelay } from '../../collector/stream/feed.js';

/** Flushes `w` at each time of `at` (cost `costMs`), as the feed does after each flush. */
function flushedAt(w: FlushWindow, at: number[], costMs = 2): FlushWindow {
  for (const t of at) w.flushed(t, costMs);
  return w;
}

describe('the coalesced flush window', () => {
  it('flushes a lone change at once, and within a busy window at its end', () => {
    expect(new FlushWindow(1000).delay(10_000)).toBe(0);
    // One flush at 9.7 s: the room for one more lets a change at 10 s go at once.
    expect(flushedAt(new FlushWindow(1000), [9_700]).delay(10_000)).toBe(0);
    // Two flushes at 9.0 and 9.1 s: the next one waits for 10 s (9.0 + two windows - one).
    expect(flushedAt(new FlushWindow(1000), [9_000, 9_100]).delay(9_500)).toBe(500);
    expect(flushedAt(new FlushWindow(1000), [9_000, 9_100]).delay(10_000)).toBe(0);
  });

  it('waits COST_FACTOR times the last flush\'s cost when that is longer than the window', () => {
    expect(COST_FACTOR).toBe(20);
    // One 150 ms flush at 9 s: the next one no sooner than 12 s (a 3 s window), room or not.
    expect(flushedAt(new FlushWindow(1000), [9_000], 150).delay(9_150)).toBe(2_850);
    expect(flushedAt(new FlushWindow(1000), [9_000], 150).delay(12_000)).toBe(0);
    expect(flushedAt(new FlushWindow(1000), [9_000], 40).delay(9_100)).toBe(0); // 800 ms < the 1 s window: the room for one more
    // A cheap flush after it gives the room for one more back.
    const w = flushedAt(new FlushWindow(1000), [9_000], 150);
    w.flushed(12_000, 2);
    expect(w.delay(12_100)).toBe(0);
  });

  it('does not hold a steady source back after one late batch', () => {
    // An agent's batch every second against a 1 s window; the one at 1 s arrives 40 ms late (a
    // slow commit, a GC). With one flush per window counted from the last flush, the batch at
    // 2 s would wait 35 ms, and every batch after it too.
    const w = new FlushWindow(1000);
    const waits: number[] = [];
    for (const arrival of [5, 1_040, 2_005, 3_005, 4_005, 5_005]) {
      const wait = w.delay(arrival);
      waits.push(wait);
      w.flushed(arrival + wait, 2);
    }
    expect(waits).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('flushes at most once a window (after one extra) when changes arrive all the time', () => {
    const w = new FlushWindow(1000);
    const flushes: number[] = [];
    let pending: { since: number; at: number } | undefined;
    for (let t = 0; t <= 10_000; t += 100) {
      if (!pending) pending = { since: t, at: t + w.delay(t) }; // a change every 100 ms
      if (t >= pending.at) {
        w.flushed(t, 2);
        flushes.push(t);
        pending = undefined;
      }
    }
    expect(flushes).toEqual([0, 100, 1_000, 2_000, 3_000, 4_000, 5_000, 6_000, 7_000, 8_000, 9_000, 10_000]);
  });

  it('waits until the window allows, and no longer', () => {
    expect(flushDelay({ now: 10_000, allowedAt: 10_250 })).toBe(250);
    expect(flushDelay({ now: 10_000, allowedAt: 9_000 })).toBe(0);
  });
});
