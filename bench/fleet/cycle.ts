// What every fleet driver shares: poll all routers with a fixed number in flight, time each
// device and the whole cycle, account CPU from /proc (own and reaped children), and print one
// JSON line for the orchestrator. A driver runs inside the fleet's namespace.
import { cpuOf, rssOf } from '../harness/proc.js';

export interface DriverArgs {
  ports: number[];
  concurrency: number;
  cycles: number;
  warmup: number;
  /** Other processes whose CPU each cycle accounts, by label (snmpd, the exporter). */
  watch?: Record<string, number[]>;
  /** Tool-specific settings (exporter URL, …). */
  [k: string]: unknown;
}

export interface DevicePoll {
  ok: boolean;
  /** Values (varbinds, metric lines, samples) the poll returned. */
  values: number;
  /** The tool's own figure for the device's poll time, when it reports one (ms). */
  toolMs?: number;
  error?: string;
}

export interface CycleResult {
  seconds: number;
  cpuSelf: number;
  cpuChildren: number;
  failures: number;
  values: number;
  /** Per-device wall time seen by the driver, ms. */
  deviceMs: Quantiles;
  /** Per-device poll time reported by the tool itself, ms (when it reports one). */
  toolMs?: Quantiles;
  firstError?: string;
  /** CPU seconds of the watched processes during the cycle, by label. */
  watchedCpu?: Record<string, number>;
}

export interface Quantiles {
  p50: number;
  p95: number;
  mean: number;
}

export interface DriverOutput {
  cycles: CycleResult[];
  rss: number;
  peakRss: number;
  /** Anything tool-specific worth printing. */
  info?: Record<string, string | number>;
  /** Device-at-a-time cycles (Pantau: pollDevice with `concurrency` devices in flight). */
  perDevice?: CycleResult[];
}

export function quantiles(xs: number[]): Quantiles {
  if (!xs.length) return { p50: NaN, p95: NaN, mean: NaN };
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
  return { p50: at(0.5), p95: at(0.95), mean: s.reduce((a, b) => a + b, 0) / s.length };
}

/** CPU seconds so far of each watched group of processes. */
export function watchedCpu(watch: Record<string, number[]> = {}): Record<string, number> {
  return Object.fromEntries(Object.entries(watch).map(([k, pids]) => [k, pids.reduce((n, pid) => n + cpuOf(pid).self, 0)]));
}

export function cpuDelta(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.keys(a).map((k) => [k, b[k] - a[k]]));
}

export async function runCycle(
  ports: number[],
  concurrency: number,
  poll: (port: number) => Promise<DevicePoll>,
  watch?: Record<string, number[]>,
): Promise<CycleResult> {
  const w0 = watchedCpu(watch);
  const c0 = cpuOf('self');
  const t0 = performance.now();
  const times: number[] = [];
  const toolTimes: number[] = [];
  let failures = 0;
  let values = 0;
  let firstError: string | undefined;
  let next = 0;
  const worker = async () => {
    while (next < ports.length) {
      const port = ports[next++];
      const s = performance.now();
      let r: DevicePoll;
      try {
        r = await poll(port);
      } catch (e) {
        r = { ok: false, values: 0, error: (e as Error).message };
      }
      times.push(performance.now() - s);
      if (r.toolMs !== undefined) toolTimes.push(r.toolMs);
      values += r.values;
      if (!r.ok) {
        failures++;
        firstError ??= `port ${port}: ${r.error ?? 'failed'}`;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - t0) / 1000;
  const c1 = cpuOf('self');
  const w1 = watchedCpu(watch);
  return {
    watchedCpu: cpuDelta(w0, w1),
    seconds,
    cpuSelf: c1.self - c0.self,
    cpuChildren: c1.children - c0.children,
    failures,
    values,
    deviceMs: quantiles(times),
    toolMs: toolTimes.length ? quantiles(toolTimes) : undefined,
    firstError,
  };
}

/** Runs warm-up and measured cycles and prints the DriverOutput as one JSON line on stdout. */
export async function driverMain(
  args: DriverArgs,
  poll: (port: number) => Promise<DevicePoll>,
  info?: () => Record<string, string | number>,
): Promise<void> {
  for (let i = 0; i < args.warmup; i++) await runCycle(args.ports, args.concurrency, poll, args.watch);
  const cycles: CycleResult[] = [];
  for (let i = 0; i < args.cycles; i++) cycles.push(await runCycle(args.ports, args.concurrency, poll, args.watch));
  const m = rssOf('self');
  const out: DriverOutput = { cycles, rss: m.rss, peakRss: m.peak, info: info?.() };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

export const parseArgs = (): DriverArgs => JSON.parse(process.argv[2]) as DriverArgs;
