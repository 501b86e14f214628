// A token bucket bounding the bytes per second the backup check reads, so hashing a 50 GB
// archive leaves the disk and the CPU to the agent's polling. The clock and the sleeper are
// injected: a test proves the bound by the clock's arithmetic, not by timing a real read.

export interface Clock {
  /** Milliseconds (any origin; only differences are used). */
  now(): number;
  /** Resolves after `ms`; rejects when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason ?? new Error('aborted'));
      const t = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(t);
        reject(signal!.reason ?? new Error('aborted'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/**
 * At most `bytesPerSecond` on average, and never more than `burstBytes` above that line over
 * any stretch of time: in any window of t seconds, take() hands out ≤ burstBytes + rate × t.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly bytesPerSecond: number,
    readonly burstBytes: number,
    private readonly clock: Clock = realClock,
  ) {
    if (!(bytesPerSecond > 0) || !(burstBytes > 0)) throw new RangeError('a token bucket needs a positive rate and burst');
    this.tokens = burstBytes;
    this.last = clock.now();
  }

  private refill(): void {
    const t = this.clock.now();
    this.tokens = Math.min(this.burstBytes, this.tokens + ((t - this.last) / 1000) * this.bytesPerSecond);
    this.last = t;
  }

  /** Waits until `n` bytes may be read (n above the burst is taken in burst-sized steps). */
  async take(n: number, signal?: AbortSignal): Promise<void> {
    let left = n;
    while (left > 0) {
      const step = Math.min(left, this.burstBytes);
      this.refill();
      while (this.tokens < step) {
        await this.clock.sleep(Math.max(1, Math.ceil(((step - this.tokens) / this.bytesPerSecond) * 1000)), signal);
        this.refill();
      }
      this.tokens -= step;
      left -= step;
    }
  }
}
