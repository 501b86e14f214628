// A steady interval that does not drift: cycle k is due at anchor + k·interval (not "interval
// after the last one ended"), ticks missed while a cycle overran are skipped (counted and
// logged), and cycles never overlap.
import type { Logger } from '../log/logger.js';

export interface Tick {
  /** Cycle number since the anchor. */
  k: number;
  /** When the cycle was due, ms since the epoch. */
  scheduledAt: number;
  /** Ticks skipped just before this one because the previous cycle overran. */
  skipped: number;
}

export interface SchedulerOptions {
  intervalMs: number;
  run: (tick: Tick) => Promise<void>;
  logger: Logger;
  now?: () => number;
}

export interface Scheduler {
  /** Re-anchors at the next tick with a new interval (after the running cycle, if any). */
  setInterval(ms: number): void;
  /** Stops ticking; resolves after the running cycle (if any) has finished. */
  stop(): Promise<void>;
}

export function startScheduler(opts: SchedulerOptions): Scheduler {
  const now = opts.now ?? Date.now;
  const log = opts.logger.child({ component: 'scheduler' });
  let interval = opts.intervalMs;
  let anchor = now();
  let k = 0;
  let skipped = 0;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  const arm = (): void => {
    if (stopped) return;
    timer = setTimeout(fire, Math.max(0, anchor + k * interval - now()));
  };
  const fire = async (): Promise<void> => {
    timer = undefined;
    const tick: Tick = { k, scheduledAt: anchor + k * interval, skipped };
    running = opts.run(tick).catch((err: unknown) => log.error({ err: String(err), k }, 'cycle failed; the next one runs on schedule'));
    await running;
    running = undefined;
    // The next due tick that is not in the past: skip the ones this cycle overran.
    const next = Math.max(k + 1, Math.ceil((now() - anchor) / interval));
    skipped = next - k - 1;
    if (skipped > 0) log.warn({ skipped, intervalMs: interval }, 'cycle took longer than the interval; skipped ticks');
    k = next;
    arm();
  };
  arm();

  return {
    setInterval(ms: number) {
      if (ms === interval) return;
      // The next cycle comes at the old schedule's next tick or one new interval from now,
      // whichever is sooner (a shorter interval takes effect without waiting a long one out).
      const due = Math.min(anchor + k * interval, now() + ms);
      interval = ms;
      anchor = due;
      k = running ? -1 : 0; // a running cycle moves on to k + 1 = 0, due at the new anchor
      if (timer) {
        clearTimeout(timer);
        arm();
      }
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
