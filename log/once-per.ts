// Says a thing at most once per key per period (an hour by default): a device's trouble is
// logged when it starts and then hourly, not every cycle. Bounded: past `maxKeys` keys the
// expired ones are forgotten (and, if none expired, all of them: a log line too many beats
// unbounded memory).
export class OncePer {
  private readonly last = new Map<string, number>();

  constructor(
    private readonly periodMs = 3_600_000,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 10_000,
  ) {}

  /** True (and remembered) when `key` was not said within the period. */
  due(key: string): boolean {
    const t = this.now();
    const prev = this.last.get(key);
    if (prev !== undefined && t - prev < this.periodMs) return false;
    if (prev === undefined && this.last.size >= this.maxKeys) this.forget(t);
    this.last.set(key, t);
    return true;
  }

  private forget(t: number): void {
    for (const [k, v] of this.last) if (t - v >= this.periodMs) this.last.delete(k);
    if (this.last.size >= this.maxKeys) this.last.clear();
  }
}
