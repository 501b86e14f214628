// A counting semaphore: bounds how many requests are in flight across all devices
// (SNMP requests, fallback pings). FIFO, so no device starves.

export interface Limiter {
  run<T>(fn: () => Promise<T>): Promise<T>;
  /** Requests running now and waiting now. */
  stats(): { active: number; waiting: number };
}

export function createLimiter(max: number): Limiter {
  if (!Number.isInteger(max) || max < 1) throw new Error(`limiter: max must be a positive integer, got ${max}`);
  let active = 0;
  const queue: (() => void)[] = [];
  const release = (): void => {
    active--;
    const next = queue.shift();
    if (next) {
      active++;
      next();
    }
  };
  return {
    async run<T>(fn: () => Promise<T>): Promise<T> {
      if (active < max) active++;
      else await new Promise<void>((resolve) => queue.push(resolve));
      try {
        return await fn();
      } finally {
        release();
      }
    },
    stats: () => ({ active, waiting: queue.length }),
  };
}

/** Resolves with fn's result, or rejects with `message` after ms (fn keeps running: see callers). */
export function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}
