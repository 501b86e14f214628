// clock_skew: an agent whose clock is off, judged from its batches' arrival. For each batch
// the lag is (arrival on the collector's clock) − (its newest sample's ts on the agent's clock).
// A spool replay arrives late, so only the freshest batch of the last window tells (2.5 × the
// agent's interval: an agent sends its current cycle every interval, replays in between):
// - its lag below −tolerance: the agent's clock is ahead by at least that much;
// - its lag above tolerance + the agent's interval (a cycle is sent when it ends): behind.
// Judged from at least two batches; the alert fires once the skew held for `forMs` and
// resolves once the clock was right for `clearMs` (no flapping). Observed before validation,
// so an agent whose samples are all refused for lying outside the window is still judged.
import type { AlertStore } from './alert-store.js';

export type ClockState = 'ok' | 'ahead' | 'behind' | 'unknown';

export interface ClockJudgement {
  state: ClockState;
  /** Estimated agent clock − collector clock, ms (positive: ahead), from the freshest batch. */
  offsetMs?: number;
  /** Batches the judgement rests on (arrived in the last window). */
  batches: number;
}

export interface ClockSkewOptions {
  alerts: AlertStore;
  toleranceMs: number;
  /** The agent's polling interval, ms (the lag of a fresh batch can reach it). */
  intervalMs: (agent: string) => number;
  /** The window of arrivals judged (default 2.5 × the agent's interval). */
  windowMs?: number;
  forMs?: number;
  clearMs?: number;
  language?: 'id' | 'en';
}

/** Batches kept per agent for the judgement (the newest). */
const MAX_ARRIVALS = 64;

export class ClockSkew {
  private readonly arrivals = new Map<string, { at: number; lag: number }[]>();
  /** Since when the current (skewed or clear) judgement has held, per agent. */
  private readonly since = new Map<string, { skewed: boolean; at: number }>();

  constructor(private readonly o: ClockSkewOptions) {}

  /** A batch from `agent` arrived at `at` with its newest sample at `newestTs` (agent's clock). */
  observe(agent: string, newestTs: number | undefined, at: number): void {
    if (newestTs === undefined || !Number.isFinite(newestTs)) return;
    let list = this.arrivals.get(agent);
    if (!list) this.arrivals.set(agent, (list = []));
    list.push({ at, lag: at - newestTs });
    if (list.length > MAX_ARRIVALS) list.shift();
    this.evaluate(agent, at);
  }

  judge(agent: string, now: number): ClockJudgement {
    const windowMs = this.o.windowMs ?? 2.5 * this.o.intervalMs(agent);
    const recent = (this.arrivals.get(agent) ?? []).filter((a) => a.at > now - windowMs && a.at <= now);
    if (recent.length < 2) return { state: 'unknown', batches: recent.length };
    const lag = Math.min(...recent.map((a) => a.lag));
    const offsetMs = -lag;
    const tol = this.o.toleranceMs;
    const state: ClockState = lag < -tol ? 'ahead' : lag > tol + this.o.intervalMs(agent) ? 'behind' : 'ok';
    return { state, offsetMs, batches: recent.length };
  }

  /** Fires or resolves the agent's clock_skew alert from the current judgement. */
  evaluate(agent: string, now: number): void {
    const j = this.judge(agent, now);
    if (j.state === 'unknown') return;
    const skewed = j.state !== 'ok';
    const cur = this.since.get(agent);
    if (!cur || cur.skewed !== skewed) this.since.set(agent, { skewed, at: now });
    const heldMs = now - (this.since.get(agent)!.at);
    const key = `clock_skew:${agent}`;
    if (skewed && heldMs >= (this.o.forMs ?? 5 * 60_000)) {
      const en = this.o.language === 'en';
      const min = Math.round(Math.abs(j.offsetMs!) / 60_000);
      const dir = j.state === 'ahead' ? (en ? 'ahead of' : 'lebih cepat dari') : en ? 'behind' : 'lebih lambat dari';
      const summary = en
        ? `The clock of agent ${agent} is about ${min} min ${dir} the collector's; its sample times cannot be trusted (check NTP)`
        : `Jam agen ${agent} sekitar ${min} menit ${dir} jam collector; waktu sampelnya tidak dapat dipercaya (periksa NTP)`;
      this.o.alerts.fire({ key, kind: 'clock_skew', severity: 'warning', summary, details: { agent, offsetMs: j.offsetMs, state: j.state } }, now);
    } else if (!skewed && heldMs >= (this.o.clearMs ?? 15 * 60_000)) this.o.alerts.resolve(key, now);
  }
}

/** The newest numeric `ts` among a raw (unvalidated) batch's samples; undefined when none. */
export function newestTs(body: unknown): number | undefined {
  const samples = (body as { samples?: unknown } | null)?.samples;
  if (!Array.isArray(samples)) return undefined;
  let max: number | undefined;
  for (const s of samples) {
    const ts = (s as { ts?: unknown } | null)?.ts;
    if (typeof ts === 'number' && Number.isFinite(ts) && (max === undefined || ts > max)) max = ts;
  }
  return max;
}
