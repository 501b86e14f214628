// The collector's deferred work, read from its own /metrics: a benchmark that stops its clock at
// the last acknowledgement would leave out the work the collector put off (the merge of staged
// samples, the rollup), so the ingest benchmark waits here, inside its timed window, until every
// pending-work gauge reads 0.
import { sleep } from './proc.js';

/**
 * Gauges that must be present: their absence means the benchmark no longer sees the deferred
 * work and would time too little. Any other gauge named `pantau_store_*_pending*` (a merge
 * queue added later, say) is waited for as well; `drainPending` reports which ones it saw.
 */
export const PENDING_GAUGES = ['pantau_store_rollup_pending_series'] as const;

/** `pantau_store_<anything>_pending<anything>`, with or without labels. */
const PENDING_NAME = /^pantau_store_\w*_pending\w*$/;

/** Every pending-work gauge in a Prometheus text exposition, name → value (labelled series summed). */
export function pendingGauges(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!m || !PENDING_NAME.test(m[1])) continue;
    const v = Number(m[3]);
    out.set(m[1], (out.get(m[1]) ?? 0) + (Number.isNaN(v) ? Infinity : v));
  }
  return out;
}

export interface Drained {
  /** Seconds from the call to the first of the (two consecutive) reads that found every gauge at 0. */
  seconds: number;
  /** performance.now() at that read: where a timed window that includes the drain ends. */
  doneAt: number;
  /** The gauges seen, and the largest value each had while waiting. */
  peak: Record<string, number>;
  reads: number;
}

/**
 * Reads `${url}/metrics` every `everyMs` until every pending gauge is 0 on two reads in a row
 * (work handed from one queue to the next between two reads is not missed). 50 ms: the window
 * ends at most that late, and the reads cost the collector little. Throws if a gauge of
 * PENDING_GAUGES is missing, or after `timeoutMs`.
 */
export async function drainPending(url: string, timeoutMs = 600_000, everyMs = 50): Promise<Drained> {
  const t0 = performance.now();
  const peak: Record<string, number> = {};
  let zeros = 0;
  let reads = 0;
  let zeroAt = 0;
  for (;;) {
    const r = await fetch(`${url}/metrics`);
    if (!r.ok) throw new Error(`${url}/metrics: HTTP ${r.status}`);
    const g = pendingGauges(await r.text());
    reads++;
    const missing = PENDING_GAUGES.filter((n) => !g.has(n));
    if (missing.length) throw new Error(`${url}/metrics has no ${missing.join(', ')}: the benchmark cannot see the collector's deferred work (update PENDING_GAUGES in bench/harness/pending.ts)`);
    for (const [n, v] of g) peak[n] = Math.max(peak[n] ?? 0, v);
    const readAt = performance.now();
    zeros = [...g.values()].every((v) => v === 0) ? zeros + 1 : 0;
    if (zeros === 1) zeroAt = readAt;
    if (zeros >= 2) return { seconds: (zeroAt - t0) / 1000, doneAt: zeroAt, peak, reads };
    if (performance.now() - t0 > timeoutMs) throw new Error(`the collector's pending work did not reach 0 within ${timeoutMs / 1000} s: ${JSON.stringify(Object.fromEntries(g))}`);
    await sleep(everyMs);
  }
}
