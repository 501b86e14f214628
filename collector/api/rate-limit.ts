// Token buckets per key (a token's principal, a client address): `rate` requests a second,
// bursts of `burstSeconds` × rate. The map is bounded: buckets back at full capacity are
// forgotten when it reaches `maxKeys`, then the oldest, down to 90 % of it.
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly capacity: number;

  constructor(
    private readonly rate: number,
    /** Monotonic clock, ms. */
    private readonly now: () => number,
    burstSeconds = 10,
    private readonly maxKeys = 10_000,
  ) {
    this.capacity = Math.max(1, rate * burstSeconds);
  }

  /** Takes one request for `key`: 0 when allowed, else the seconds to wait (for Retry-After). */
  take(key: string): number {
    const t = this.now();
    let b = this.buckets.get(key);
    if (!b) {
      this.trim(t);
      b = { tokens: this.capacity, at: t };
      this.buckets.set(key, b);
    } else {
      b.tokens = Math.min(this.capacity, b.tokens + ((t - b.at) / 1000) * this.rate);
      b.at = t;
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / this.rate));
  }

  size(): number {
    return this.buckets.size;
  }

  private trim(t: number): void {
    if (this.buckets.size < this.maxKeys) return;
    for (const [k, b] of this.buckets) if (b.tokens + ((t - b.at) / 1000) * this.rate >= this.capacity) this.buckets.delete(k);
    // Down to 90 %, so that a flood of new keys pays for a scan once in maxKeys / 10 requests.
    for (const k of this.buckets.keys()) {
      if (this.buckets.size < this.maxKeys * 0.9) break;
      this.buckets.delete(k);
    }
  }
}
