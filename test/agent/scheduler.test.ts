// The scheduler keeps a steady rhythm: no drift, missed ticks skipped, no overlap.
import { describe, expect, it } from 'vitest';
import { startScheduler, type Tick } from '../../agent/scheduler.js';
import { silentLogger } from '../../log/logger.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('scheduler', () => {
  it('starts cycle k at start + k·interval however long cycles take (no drift)', async () => {
    const starts: { k: number; at: number; due: number }[] = [];
    const t0 = Date.now();
    const s = startScheduler({
      intervalMs: 50,
      logger: silentLogger(),
      run: async (t: Tick) => {
        starts.push({ k: t.k, at: Date.now(), due: t.scheduledAt });
        await sleep(5 + Math.random() * 30); // work that would make a naive setTimeout chain drift
      },
    });
    await sleep(1030);
    await s.stop();
    expect(starts.length).toBeGreaterThanOrEqual(19);
    starts.forEach((x, i) => {
      expect(x.k).toBe(i);
      expect(x.at - x.due).toBeLessThan(40); // late only by timer slack, never accumulating
      expect(x.due - t0).toBeLessThanOrEqual(i * 50 + 2);
    });
    const last = starts[starts.length - 1];
    expect(last.at - (t0 + last.k * 50)).toBeLessThan(40);
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
    await sleep(400);
    await s.stop();
    expect(maxRunning).toBe(1);
    expect(ticks.map((t) => t.k).slice(0, 3)).toEqual([0, 1, 5]); // 1 ran 40..170 ms: 2, 3, 4 skipped
    expect(ticks[2].skipped).toBe(3);
  });

  it('stop() waits for the running cycle and no cycle starts after it', async () => {
    let finished = false;
    let after = 0;
    let stopped = false;
    const s = startScheduler({
      intervalMs: 20,
      logger: silentLogger(),
      run: async () => {
        if (stopped) after++;
        await sleep(50);
        finished = true;
      },
    });
    await sleep(10);
    const p = s.stop();
    stopped = true;
    await p;
    expect(finished).toBe(true);
    await sleep(60);
    expect(after).toBe(0);
  });
});
