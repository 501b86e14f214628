// The ingest benchmark's workloads: agents, each polling its routers' interfaces every 60 s,
// sending its samples in time order in requests of at most `batch` samples. The same samples
// go to both servers: as Pantau's JSON ingest body, and as InfluxDB line protocol carrying
// exactly what Pantau stores per interface sample (collector/storage/schema.ts iface_sample:
// in_oct, out_oct, uptime, speed, flags; the series is device + interface, here two tags).
// Values are a pure function of (series, poll), so nothing is kept per sample between encodings.
import type { BenchAgent } from '../harness/pantau-command.js';

export interface Shape {
  /** Short name: selects the case (BENCH_INGEST_CASES) and labels its rows. */
  key: string;
  label: string;
  agents: number;
  devicesPerAgent: number;
  ifaces: number;
  /**
   * Polls sent before the timer starts: the series then exist, and each server has done the
   * shape's work for a while (a fresh Node process spends its first seconds compiling its hot
   * code and filling its pools; a collector runs for months). 0 for the new-series case.
   */
  warmPolls: number;
  timedPolls: number;
  /** Most samples per request; an agent's samples are cut into requests of this size in time order. */
  batch: number;
}

/** The three shapes of issue 12 and the separate new-series case, at full size and at ~1/20 (--quick). */
export function shapes(quick: boolean): Shape[] {
  return quick
    ? [
        { key: 'long', label: 'long series, big batches (quick: 1,000 series × 20 polls)', agents: 4, devicesPerAgent: 5, ifaces: 50, warmPolls: 1, timedPolls: 20, batch: 5000 },
        { key: 'steady', label: 'many series, steady state (quick: 2,400 series, polls 21–40)', agents: 4, devicesPerAgent: 12, ifaces: 50, warmPolls: 20, timedPolls: 20, batch: 5000 },
        { key: 'agents', label: 'many agents, small batches (quick: 300 agents × 50 samples, 1 timed cycle)', agents: 300, devicesPerAgent: 5, ifaces: 10, warmPolls: 1, timedPolls: 1, batch: 50 },
        { key: 'new', label: 'new series (quick: 2,400 series created by the timed writes, polls 1–20)', agents: 4, devicesPerAgent: 12, ifaces: 50, warmPolls: 0, timedPolls: 20, batch: 5000 },
      ]
    : [
        { key: 'long', label: 'long series, big batches: 1,000 series × 400 polls after 80 warm-up polls, 4 writers × 5,000-sample batches', agents: 4, devicesPerAgent: 5, ifaces: 50, warmPolls: 80, timedPolls: 400, batch: 5000 },
        { key: 'steady', label: 'many series, steady state: 50,000 existing series, polls 21–40, 4 writers × 5,000', agents: 4, devicesPerAgent: 250, ifaces: 50, warmPolls: 20, timedPolls: 20, batch: 5000 },
        { key: 'agents', label: 'many agents, small batches: 300 agents × 50 samples per cycle, all in flight, 40 cycles after 8 warm-up cycles', agents: 300, devicesPerAgent: 5, ifaces: 10, warmPolls: 8, timedPolls: 40, batch: 50 },
        { key: 'new', label: 'new series: 50,000 series created by the timed writes, polls 1–20, 4 writers × 5,000', agents: 4, devicesPerAgent: 250, ifaces: 50, warmPolls: 0, timedPolls: 20, batch: 5000 },
      ];
}

export const seriesOf = (s: Shape) => s.agents * s.devicesPerAgent * s.ifaces;
export const timedSamples = (s: Shape) => seriesOf(s) * s.timedPolls;
export const warmSamples = (s: Shape) => seriesOf(s) * s.warmPolls;

const SPEEDS = [100_000_000, 1_000_000_000, 10_000_000_000];
const POLL_MS = 60_000;

/** A 32-bit hash of two integers (deterministic noise). */
function hash(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x632be5ab, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}
const unit = (a: number, b: number) => hash(a, b) / 4294967296;

/**
 * Counter64 values travel as InfluxDB integers: `u` (unsigned) where the server accepts it,
 * else `i` with the same 64 bits, as Pantau stores them (u64 as i64 bits).
 */
export type IntSuffix = 'u' | 'i';
// The counters here stay below 2^53 (start below 2^40, at most 100 MB/s for 400 minutes), so a
// safe integer's decimal text is the same value read as u64 or as i64: no bigint needed, which
// keeps the encoding (outside the timed window, but minutes at full size) quick.
const counterText = (v: number, suffix: IntSuffix) => {
  if (!Number.isSafeInteger(v) || v < 0) throw new Error(`counter ${v} is outside what this generator writes`);
  return `${v}${suffix}`;
};

export interface Workload {
  shape: Shape;
  agents: BenchAgent[];
  /** Time of poll 0, ms since the epoch. */
  startMs: number;
}

/** The workload of a shape, its last poll a minute before `now` (inside the acceptance window). */
export function workload(shape: Shape, now = Date.now()): Workload {
  const perAgent = shape.devicesPerAgent;
  const agents: BenchAgent[] = Array.from({ length: shape.agents }, (_, a) => ({
    id: `bench-agent-${String(a).padStart(3, '0')}`,
    token: `bench-token-${String(a).padStart(3, '0')}-0123456789abcdef`,
    devices: Array.from({ length: perAgent }, (_, d) => `rtr-${String(a * perAgent + d).padStart(5, '0')}`),
  }));
  const polls = shape.warmPolls + shape.timedPolls;
  const startMs = Math.floor(now / POLL_MS) * POLL_MS - (polls + 1) * POLL_MS;
  return { shape, agents, startMs };
}

interface Point {
  device: string;
  iface: string;
  ts: number;
  /** Counter64 values, safe integers (see counterText). */
  inOct: number;
  outOct: number;
  uptime: number;
  speed: number;
  up: boolean;
}

/** Series k (global index) at poll p. Counters rise by 0.5–1.5 × a per-series rate per minute. */
function point(w: Workload, agent: number, k: number, p: number): Point {
  const { ifaces } = w.shape;
  const d = Math.floor(k / ifaces);
  const i = k % ifaces;
  const g = agent * w.shape.devicesPerAgent * ifaces + k;
  const rate = 10 ** (3 + 5 * unit(g, 1)); // bytes/s, log-uniform 1 kB/s … 100 MB/s
  const base = Math.floor(unit(g, 2) * 2 ** 40);
  const jitter = Math.floor(unit(g, 3) * 20_000); // the device's place in its agent's cycle
  // Strictly rising: consecutive polls differ by (1 ± 0.5) × share × rate × 60 s.
  const rise = (x: number, share: number, salt: number) => Math.floor(rate * share * 60 * (x + 0.5 * unit(g * 8 + salt, x)));
  return {
    device: w.agents[agent].devices[d],
    iface: `ether${i + 1}`,
    ts: w.startMs + p * POLL_MS + jitter,
    inOct: base + rise(p, 1, 4),
    outOct: Math.floor(base / 3) + rise(p, 0.3, 5),
    uptime: 360_000 + p * 6000, // hundredths of a second
    speed: SPEEDS[g % 3],
    up: g % 17 !== 0,
  };
}

export type Phase = 'warm' | 'timed';
export type Side = 'pantau' | 'influx';

/**
 * The request bodies of a phase, one list per agent (each agent sends its own in order):
 * Pantau's ingest JSON or InfluxDB line protocol (precision ms), with the sample count of each.
 */
export function encode(w: Workload, phase: Phase, side: Side, suffix: IntSuffix = 'i'): { body: string; count: number }[][] {
  const s = w.shape;
  const perAgent = s.devicesPerAgent * s.ifaces;
  const [p0, polls] = phase === 'warm' ? [0, s.warmPolls] : [s.warmPolls, s.timedPolls];
  const total = perAgent * polls;
  return w.agents.map((ag, a) => {
    const out: { body: string; count: number }[] = [];
    for (let from = 0, n = 0; from < total; from += s.batch, n++) {
      const to = Math.min(total, from + s.batch);
      const parts: string[] = [];
      for (let x = from; x < to; x++) {
        const pt = point(w, a, x % perAgent, p0 + Math.floor(x / perAgent));
        parts.push(
          side === 'pantau'
            ? `{"type":"iface","device":"${pt.device}","interface":"${pt.iface}","ts":${pt.ts},"inOctets":"${pt.inOct}","outOctets":"${pt.outOct}","bits":64,"uptime":${pt.uptime},"operUp":${pt.up},"speedBps":${pt.speed}}`
            : // flags as Pantau computes them: bit1 operUp known, bit2 operUp (bit0, a 32-bit counter, is 0 here).
              `iface,device=${pt.device},interface=${pt.iface} in_oct=${counterText(pt.inOct, suffix)},out_oct=${counterText(pt.outOct, suffix)},uptime=${pt.uptime}i,speed=${pt.speed}i,flags=${2 | (pt.up ? 4 : 0)}i ${pt.ts}`,
        );
      }
      const body = side === 'pantau' ? `{"agent":"${ag.id}","batch":"${phase}-${n}","samples":[${parts.join(',')}]}` : parts.join('\n');
      out.push({ body, count: to - from });
    }
    return out;
  });
}
