// The monthly-report benchmark's deployment: 60 OPDs × 5 routers, each router's ether1 an
// uplink of its OPD, and the traffic those uplinks carry through October 2026 (WIB): a
// deterministic office-hours shape per router with weekends, per-minute noise, short bursts,
// and a few real-world irregularities (one reboot, one polling gap) on some routers so the
// counter events and data-quality notes are exercised too.
import { stringify } from 'yaml';
import { parseCollectorConfig, type CollectorConfig } from '../../config/collector.js';
import { monthRange } from '../../collector/accounting/months.js';
import type { IfaceSample } from '../../protocol/samples.js';
import { rng as prng } from '../../sim/rng.js';

export { prng };

export const OPDS = 60;
export const ROUTERS_PER_OPD = 5;
export const ROUTERS = OPDS * ROUTERS_PER_OPD;
export const MONTH = '2026-10';
export const TZ = 'Asia/Jakarta';
export const SPEED_BPS = 1e9;
export const STEP_MS = 60_000;
export const AGENT = 'bench-report-agent';
export const AGENT_TOKEN = 'bench-report-agent-token-0123456789';
export const VIEWER_TOKEN = 'bench-report-viewer-token-0123456789';
/** The report is built after the month: 2026-11-05 09:00 WIB. */
export const REPORT_NOW = Date.parse('2026-11-05T09:00:00+07:00');
/** /usage is asked while October is the current month: 2026-10-31 12:00 WIB. */
export const USAGE_NOW = Date.parse('2026-10-31T12:00:00+07:00');

export const opdId = (o: number) => `opd-${String(o + 1).padStart(2, '0')}`;
export const routerId = (r: number) => `rtr-${String(Math.floor(r / ROUTERS_PER_OPD) + 1).padStart(2, '0')}-${(r % ROUTERS_PER_OPD) + 1}`;


/** Peak download rate of router r in bit/s (5–120 Mbps, skewed towards the low end). */
export function peakBps(r: number): number {
  const u = prng(1000 + r)();
  return (5 + 115 * u * u) * 1e6;
}

/** The collector configuration of the deployment, through the real YAML parser. */
export function buildConfig(sqlite: string): CollectorConfig {
  return parseCollectorConfig('bench-report.yml', buildConfigYaml(sqlite));
}

/** The deployment's collector.yml text. */
export function buildConfigYaml(sqlite: string): string {
  const opds = Array.from({ length: OPDS }, (_, o) => {
    const routers = Array.from({ length: ROUTERS_PER_OPD }, (_, k) => o * ROUTERS_PER_OPD + k);
    const sumPeak = routers.reduce((s, r) => s + peakBps(r), 0);
    const rnd = prng(7000 + o);
    // Allocations between 0.6× and 2.6× the OPD's summed peak: some over, some warning, some ok, some idle.
    const rateMbps = Math.max(10, Math.round((sumPeak / 1e6) * (0.6 + 2 * rnd())));
    const quota = o % 3 === 0 ? { rateMbps, volumeGB: Math.round(rateMbps * 60) } : { rateMbps };
    return {
      id: opdId(o),
      name: `Dinas Benchmark ${o + 1}`,
      quota,
      uplinks: routers.map((r) => ({ device: routerId(r), interface: 'ether1' })),
    };
  });
  const devices = Array.from({ length: ROUTERS }, (_, r) => ({
    id: routerId(r),
    opd: opdId(Math.floor(r / ROUTERS_PER_OPD)),
    kind: 'router',
    address: `10.${Math.floor(r / 250)}.${r % 250}.1`,
    ping: false,
    snmp: { version: '2c', community: 'public' },
  }));
  return stringify({
    timezone: TZ,
    listen: '127.0.0.1:0',
    store: { sqlite },
    auth: { users: [{ name: 'bench-viewer', role: 'viewer', token: VIEWER_TOKEN }] },
    agents: [{ id: AGENT, token: AGENT_TOKEN, poll: devices.map((d) => d.id) }],
    opds,
    devices,
    report: { language: 'id' },
  });
}

/** Share of the peak rate at local hour-of-day `h` (fractional) on a weekday / weekend. */
function dayShape(h: number, weekend: boolean): number {
  // Office hours 07:30–16:00 WIB with a lunch dip, a small evening tail, a low night floor.
  const office = Math.exp(-(((h - 10.5) / 2.6) ** 2)) * 0.75 + Math.exp(-(((h - 14.2) / 1.8) ** 2)) * 0.6;
  const evening = Math.exp(-(((h - 20) / 2.2) ** 2)) * 0.18;
  const base = 0.06 + (weekend ? 0.3 : 1) * office + evening;
  return Math.min(1, base);
}

/**
 * Yields one router's samples for the month in chunks of at most `chunk`, one sample per minute
 * (with 0–1.5 s of polling jitter), 64-bit counters. Memory: one chunk at a time.
 */
export function* routerSamples(r: number, chunk: number): Generator<IfaceSample[]> {
  const { from, to } = monthRange(MONTH, TZ);
  const rnd = prng(r + 1);
  const gauss = () => {
    const u = rnd() || 1e-12;
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd());
  };
  const device = routerId(r);
  const peak = peakBps(r);
  const outShare = 0.15 + 0.25 * rnd();
  let inOct = Math.floor(rnd() * 5e12);
  let outOct = Math.floor(rnd() * 1e12);
  const bootedAt = from - Math.floor((2 + rnd() * 90) * 86_400_000);
  let boot = bootedAt;
  // Irregularities: router r%37==5 reboots once (counters restart near 0), r%53==7 misses 30 polls.
  const rebootAt = r % 37 === 5 ? from + Math.floor((3 + rnd() * 25) * 86_400_000) : Infinity;
  const gapAt = r % 53 === 7 ? from + Math.floor((3 + rnd() * 25) * 86_400_000) : Infinity;
  let rebooted = false;
  let burst = 0;
  const n = Math.round((to - from) / STEP_MS);
  let out: IfaceSample[] = [];
  for (let i = 0; i < n; i++) {
    const slot = from + i * STEP_MS;
    const ts = slot + Math.floor(rnd() * 1500);
    const local = new Date(slot + 7 * 3600_000); // WIB has no daylight saving
    const h = local.getUTCHours() + local.getUTCMinutes() / 60;
    const dow = local.getUTCDay();
    if (burst > 0) burst--;
    else if (rnd() < 0.002) burst = 3 + Math.floor(rnd() * 20);
    const level = dayShape(h, dow === 0 || dow === 6) * (1 + 0.18 * gauss()) * (burst > 0 ? 1.6 : 1);
    const inBps = Math.min(SPEED_BPS * 0.97, Math.max(0, peak * level));
    const outBps = Math.min(SPEED_BPS * 0.97, Math.max(0, inBps * outShare * (1 + 0.2 * gauss())));
    inOct += Math.round((inBps * STEP_MS) / 8000);
    outOct += Math.round((outBps * STEP_MS) / 8000);
    if (!rebooted && ts >= rebootAt) {
      rebooted = true;
      boot = ts - 90_000;
      inOct = Math.round((inBps * 60) / 8);
      outOct = Math.round((outBps * 60) / 8);
    }
    if (ts >= gapAt && ts < gapAt + 30 * STEP_MS) continue;
    out.push({
      type: 'iface',
      device,
      interface: 'ether1',
      ts,
      inOctets: BigInt(inOct),
      outOctets: BigInt(outOct),
      bits: 64,
      uptime: Math.floor((ts - boot) / 10),
      operUp: true,
      speedBps: SPEED_BPS,
    });
    if (out.length >= chunk) {
      yield out;
      out = [];
    }
  }
  if (out.length) yield out;
}

/** Samples per router in the month (before the polling gaps). */
export function samplesPerRouter(): number {
  const { from, to } = monthRange(MONTH, TZ);
  return Math.round((to - from) / STEP_MS);
}
