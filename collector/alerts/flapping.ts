// Flap detection as Nagios does it: the share of state changes over the last `window`
// observations, newer changes weighing more (0.8 for the oldest up to 1.2 for the newest).
// Flapping starts at `highPct` and stops below `lowPct` (hysteresis, so the flag itself does
// not flap).

export interface FlapOptions {
  /** Observations kept (Nagios: 21). */
  window?: number;
  /** Observations needed before judging (default: half the window). */
  minObservations?: number;
  highPct?: number;
  lowPct?: number;
}

export class FlapDetector {
  private readonly states: boolean[] = [];
  private flapping = false;
  readonly window: number;
  private readonly min: number;
  private readonly high: number;
  private readonly low: number;

  constructor(o: FlapOptions = {}) {
    this.window = o.window ?? 21;
    this.min = o.minObservations ?? Math.ceil(this.window / 2);
    this.high = o.highPct ?? 50;
    this.low = o.lowPct ?? 25;
  }

  /** Weighted percentage of state changes among the observations kept (0-100). */
  changePct(): number {
    const s = this.states;
    if (s.length < 2) return 0;
    let changed = 0;
    let total = 0;
    for (let i = 1; i < s.length; i++) {
      const w = s.length === 2 ? 1 : 0.8 + (0.4 * (i - 1)) / (s.length - 2);
      total += w;
      if (s[i] !== s[i - 1]) changed += w;
    }
    return (100 * changed) / total;
  }

  /** Records one observation; returns whether the condition is flapping now. */
  record(active: boolean): boolean {
    this.states.push(active);
    if (this.states.length > this.window) this.states.shift();
    if (this.states.length < this.min) return this.flapping;
    const pct = this.changePct();
    if (!this.flapping && pct >= this.high) this.flapping = true;
    else if (this.flapping && pct < this.low) this.flapping = false;
    return this.flapping;
  }

  get isFlapping(): boolean {
    return this.flapping;
  }

  /** The observations kept, oldest first, as '0'/'1' (what engine-state.ts stores). */
  history(): string {
    return this.states.map((x) => (x ? '1' : '0')).join('');
  }

  /** Whether the history holds a state change (one without is not worth keeping across a restart). */
  hasChanges(): boolean {
    return this.states.some((x, i) => i > 0 && x !== this.states[i - 1]);
  }

  /** Restores what `history()` and `isFlapping` gave (a collector restart). */
  restore(history: string, flapping: boolean): void {
    this.states.length = 0;
    for (const c of history.slice(-this.window)) this.states.push(c === '1');
    this.flapping = flapping;
  }
}
