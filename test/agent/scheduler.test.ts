// The scheduler keeps a steady rhythm: no drift, missed ticks skipped, no overlap. On vitest's
// fake clock (timers and Date), so the figures are exact and a busy machine changes nothing.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startScheduler, type Tick } from '../../agent/scheduler.js';
import { silentLogger } from '../../log/logger.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: Date.UTC(2026, 10, 16, 3) });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('scheduler', () => {
  it('starts cycle k at start + k·interval however long cycles take (no drift)', async () => {
    const starts: { k: number; at: number; due: number }[] = [];
    const t0 = Date.now();
    const work = [5, 31, 12, 44, 27, 8, 35, 19, 40, 3];
    const s = startScheduler({
      intervalMs: 50,
      logger: silentLogger(),
      run: async (t: Tick) => {
        starts.push({ k: t.k, at: Date.now(), due: t.scheduledAt });
        await sleep(work[t.k % work.length]); // work that would make a naive setTimeout chain drift
      },
    });
    await vi.advanceTimersByTimeAsync(1030);
    const stopping = s.stop();
    await vi.advanceTimersByTimeAsync(50);
    await stopping;
    expect(starts).toEqual(Array.from({ length: 21 }, (_, k) => ({ k, at: t0 + k * 50, due: t0 + k * 50 })));
  });

  it('skips ticks a slow cycle overran and never overlaps cycles', async () => {
    const ticks: Tick[] = [];
    let running = 0;
    let maxRunning = 0;
    const s = startScheduler({
      intervalMs: 40,
      logger: silentLogger(),
      run: async (t) => {
        ticks.push(t);
        running++;
        maxRunning = Math.max(maxRunning, running);
        await sleep(t.k === 1 ? 130 : 5);
        running--;
      },
    });
    await vi.advanceTimersByTimeAsync(400);
    const stopping = s.stop();
    await vi.advanceTimersByTimeAsync(10);
    await stopping;
    expect(maxRunning).toBe(1);
    // 1 ran 40..170 ms: 2, 3 and 4 skipped, 5 at 200 ms, then on the beat to 400 ms.
    expect(ticks.map((t) => [t.k, t.skipped])).toEqual([[0, 0], [1, 0], [5, 3], [6, 0], [7, 0], [8, 0], [9, 0], [10, 0]]);
  });

  it('stop() waits for the running cycle and no cycle starts after it', async () => {
    let finished = false;
    let started = 0;
    const s = startScheduler({
      intervalMs: 20,
      logger: silentLogger(),
      run: async () => {
        started++;
        await sleep(50);
        finished = true;
      },
    });
    await vi.advanceTimersByTimeAsync(10);
    let done = false;
    const p = s.stop().then(() => (done = true));
    await vi.advanceTimersByTimeAsync(39); // the cycle began at 0 and runs until 50 ms
    expect([done, finished]).toEqual([false, false]);
    await vi.advanceTimersByTimeAsync(1);
    await p;
    expect([done, finished]).toEqual([true, true]);
    await vi.advanceTimersByTimeAsync(500);
    expect(started).toBe(1);
  });
});
