// The storage benchmark's samples: `series` interfaces (10 per router) polled every 60 s with
// ±2 s jitter, for `days` days ending at `endMs`, deterministic from a seed so both stores get
// the same values. Traffic is a mean-reverting random walk per interface (base rate log-uniform
// 0.4-40 Mbit/s) shaped by the day in Asia/Jakarta: office hours busy, evenings lighter, nights
// and Sundays quiet. sysUpTime follows each router's boot time (plus a few ms of reply
// latency); operUp flaps rarely; speed is fixed per port. Counters are 64-bit, started below
// 2^44 (InfluxDB 1.x integers are signed 64-bit).
import { rng } from '../../sim/rng.js';

export interface BenchSample {
  device: string;
  iface: string;
  ts: number;
  inOct: bigint;
  outOct: bigint;
  uptime: number;
  operUp: boolean;
  speed: number;
}

const IFACES = 10;
const WIB = 7 * 3_600_000;

/** Share of the interface's rate at this time (local hour and weekday in WIB). */
export function dailyShape(ts: number): number {
  const local = new Date(ts + WIB);
  const h = local.getUTCHours() + local.getUTCMinutes() / 60;
  const day = local.getUTCDay();
  const office = h >= 7.5 && h < 16 ? 1 : h >= 6 && h < 7.5 ? 0.4 : h >= 16 && h < 19 ? 0.5 : h >= 19 && h < 22.5 ? 0.2 : 0.06;
  return day === 0 ? Math.min(office, 0.1) : day === 6 ? office * 0.35 : office;
}

/** The samples of each poll cycle (every series once), oldest first, with the cycle's start. */
export function* generate(o: { series: number; days: number; endMs: number; seed?: number }): Generator<{ cycle: BenchSample[]; at: number }> {
  const r = rng(o.seed ?? 20261203);
  const cycles = Math.round((o.days * 86_400_000) / 60_000);
  const start = Math.floor((o.endMs - cycles * 60_000) / 60_000) * 60_000;
  const base = new Float64Array(o.series);
  const walk = new Float64Array(o.series).fill(1);
  const offset = new Int32Array(o.series);
  const inC: bigint[] = [];
  const outC: bigint[] = [];
  const speeds = [100e6, 1e9, 1e9, 10e9];
  const boot: number[] = [];
  const down = new Int32Array(o.series);
  for (let k = 0; k < o.series; k++) {
    base[k] = 10 ** (4.7 + r() * 2); // 50 kB/s to 5 MB/s
    offset[k] = Math.floor(r() * 50_000) + 5000; // when in the minute its router is polled
    inC.push(BigInt(Math.floor(r() * 2 ** 44)));
    outC.push(BigInt(Math.floor(r() * 2 ** 44)));
    if (k % IFACES === 0) boot.push(start - Math.floor(r() * 200 * 86_400_000));
  }
  const last = new Float64Array(o.series);
  for (let c = 0; c < cycles; c++) {
    const cycleStart = start + c * 60_000;
    const out: BenchSample[] = [];
    let devTs = 0;
    let devUp = 0;
    for (let k = 0; k < o.series; k++) {
      const d = Math.floor(k / IFACES);
      // One time per router and cycle: its interfaces come from one SNMP walk.
      if (k % IFACES === 0) {
        devTs = cycleStart + offset[k] + Math.round((r() - 0.5) * 4000);
        devUp = Math.floor((devTs + Math.floor(r() * 30) - boot[d]) / 10);
      }
      const ts = devTs;
      const dt = c === 0 ? 60 : (ts - last[k]) / 1000;
      last[k] = ts;
      // Mean-reverting walk (log scale) with per-poll noise.
      walk[k] = Math.exp(Math.log(walk[k]) * 0.97 + (r() - 0.5) * 0.25);
      const rate = base[k] * dailyShape(ts) * walk[k] * (0.85 + r() * 0.3);
      if (down[k] > 0) down[k]--;
      else if (r() < 0.0002) down[k] = 1 + Math.floor(r() * 10);
      const up = down[k] === 0;
      if (up) {
        inC[k] += BigInt(Math.floor(rate * dt));
        outC[k] += BigInt(Math.floor(rate * 0.35 * dt * (0.8 + r() * 0.4)));
      }
      out.push({
        device: `rtr-${String(d).padStart(4, '0')}`,
        iface: `ether${(k % IFACES) + 1}`,
        ts,
        inOct: inC[k],
        outOct: outC[k],
        uptime: devUp,
        operUp: up,
        speed: speeds[k % speeds.length],
      });
    }
    yield { cycle: out, at: cycleStart };
  }
}

/** InfluxDB line protocol with the fields Pantau stores per sample (iface_sample's columns). */
export function toLine(x: BenchSample): string {
  const flags = 2 | (x.operUp ? 4 : 0); // bit0 32-bit (never here), bit1 operUp known, bit2 operUp
  return `iface,device=${x.device},interface=${x.iface} in=${x.inOct}i,out=${x.outOct}i,uptime=${x.uptime}i,speed=${x.speed}i,flags=${flags}i ${x.ts}`;
}
