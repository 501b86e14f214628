// clock_skew: an agent whose clock is off, judged from its batches' arrival. For each batch
// the lag is (arrival on the collector's clock) − (its newest sample's ts on the agent's clock).
// A spool replay arrives late, so only the freshest batch of the last window tells (2.5 × the
// agent's interval: an agent sends its current cycle every interval, replays in between):
// - its lag below −tolerance: the agent's clock is ahead by at least that much;
// - its lag above tolerance + the agent's interval (a cycle is sent when it ends): behind.
// Judged from at least two batches; the alert engine fires it once the skew held for `forMs`
// and resolves it once the clock was right for `clearMs` (no flapping). Observed before validation,
// so an agent whose samples are all refused for lying outside the window is still judged.
import type { AlertEngine } from '../alerts/engine.js';

export type ClockState = 'ok' | 'ahead' | 'behind' | 'unknown';

export interface ClockJudgement {
  state: ClockState;
  /** Estimated agent clock − collector clock, ms (positive: ahead), from the freshest batch. */
  offsetMs?: number;
  /** Batches the judgement rests on (arrived in the last window). */
  batches: number;
}

export interface ClockSkewOptions {
  engine: AlertEngine;
  toleranceMs: number;
  /** The agent's polling interval, ms (the lag of a fresh batch can reach it). */
  intervalMs: (agent: string) => number;
  /** The window of arrivals judged (default 2.5 × the agent's interval). */
  windowMs?: number;
  forMs?: number;
  clearMs?: number;
  language?: 'id' | 'en';
}

/** Between two observations of an unchanged judgement on the engine, at most. */
export const EVAL_EVERY_MS = 10_000;

/** Batches kept per agent for the judgement (the newest). */
const MAX_ARRIVALS = 64;

export class ClockSkew {
  private readonly arrivals = new Map<string, { at: number; lag: number }[]>();
  /** When each agent's judgement was last observed on the engine, and what it was. */
  private readonly evaluated = new Map<string, { at: number; state: ClockState }>();

  constructor(private readonly o: ClockSkewOptions) {}

  /** A batch from `agent` arrived at `at` with its newest sample at `newestTs` (agent's clock). */
  observe(agent: string, newestTs: number | undefined, at: number): void {
    if (newestTs === undefined || !Number.isFinite(newestTs)) return;
    let list = this.arrivals.get(agent);
    if (!list) this.arrivals.set(agent, (list = []));
    list.push({ at, lag: at - newestTs });
    if (list.length > MAX_ARRIVALS) list.shift();
    // Judged on the engine when the judgement changed, else at most every EVAL_EVERY_MS: an
    // agent replaying its spool sends hundreds of batches a minute, and each observation may
    // be a write (the for and clear periods are minutes long; 10 s later changes nothing).
    const j = this.judge(agent, at);
    const before = this.evaluated.get(agent);
    if (before && before.state === j.state && at >= before.at && at - before.at < EVAL_EVERY_MS) return;
    this.evaluated.set(agent, { at, state: j.state });
    this.evaluate(agent, at, j);
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

  /** Observes the agent's clock judgement on the alert engine (which fires or resolves clock_skew). */
  evaluate(agent: string, now: number, j = this.judge(agent, now)): void {
    const en = this.o.language === 'en';
    const key = `clock_skew:${agent}`;
    const timing = { at: now, forMs: this.o.forMs ?? 5 * 60_000, clearMs: this.o.clearMs ?? 15 * 60_000 };
    const base = { key, kind: 'clock_skew', severity: 'warning' as const };
    if (j.state === 'unknown' || j.state === 'ok') {
      const last = this.o.engine.lastInput(key);
      const summary = en ? `The clock of agent ${agent}` : `Jam agen ${agent}`;
      this.o.engine.observe({ ...base, summary, details: { agent }, ...last, active: j.state === 'ok' ? false : 'unknown', ...timing });
      return;
    }
    const min = Math.round(Math.abs(j.offsetMs!) / 60_000);
    const dir = j.state === 'ahead' ? (en ? 'ahead of' : 'lebih cepat dari') : en ? 'behind' : 'lebih lambat dari';
    const summary = en
      ? `The clock of agent ${agent} is about ${min} min ${dir} the collector's; its sample times cannot be trusted (check NTP)`
      : `Jam agen ${agent} sekitar ${min} menit ${dir} jam collector; waktu sampelnya tidak dapat dipercaya (periksa NTP)`;
    this.o.engine.observe({ ...base, summary, details: { agent, offsetMs: j.offsetMs, state: j.state }, active: true, ...timing });
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
