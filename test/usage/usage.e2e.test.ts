// The monthly evaluation end to end: crafted /ingest batches → store → rollup → GET /usage,
// against ground truth computed here from the traffic the batches describe.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_TOKEN, VIEWER_TOKEN, startTestCollector, type TestCollector } from '../helpers/collector.js';
import type { UsageReport } from '../../protocol/usage.js';

const TWO32 = 2n ** 32n;
const TWO64 = 2n ** 64n;

interface Pt { ts: number; inOctets: bigint; outOctets: bigint; bits: 32 | 64; uptime: number; speedBps: number }

/** A generated scenario: samples, and the true bytes per month the rules must count. */
interface Scenario { iface: string; points: Pt[]; truth: Record<string, { in: bigint; out: bigint }> }

const OCT = '2026-10';
const NOV = '2026-11';
// Local midnight of 1 Nov in Asia/Makassar (UTC+8) is 31 Oct 16:00 UTC.
const NOV_START = Date.UTC(2026, 9, 31, 16, 0, 0);

function add(t: Scenario['truth'], month: string, i: bigint, o: bigint) {
  t[month] ??= { in: 0n, out: 0n };
  t[month].in += i;
  t[month].out += o;
}

/** Counters driven by a byte rate; `wrapBits` wraps them like the device would. */
function run(opts: {
  iface: string; start: number; n: number; stepMs: number; bits: 32 | 64; inBps: number; outBps: number;
  startIn?: bigint; startOut?: bigint; startUptime?: number; speedBps?: number;
  at?: (i: number, p: Pt) => { reboot?: boolean; gapMs?: number } | void;
}): Scenario {
  const mod = opts.bits === 32 ? TWO32 : TWO64;
  let ts = opts.start;
  let inO = opts.startIn ?? 1000n;
  let outO = opts.startOut ?? 2000n;
  let up = opts.startUptime ?? 100_000;
  const s: Scenario = { iface: opts.iface, points: [], truth: {} };
  const speed = opts.speedBps ?? 1e9;
  s.points.push({ ts, inOctets: inO, outOctets: outO, bits: opts.bits, uptime: up, speedBps: speed });
  for (let i = 1; i < opts.n; i++) {
    const ev = opts.at?.(i, s.points[s.points.length - 1]) ?? {};
    const dt = ev.gapMs ?? opts.stepMs;
    const t0 = ts;
    ts += dt;
    const di = BigInt(Math.round((opts.inBps / 8) * (dt / 1000)));
    const dOut = BigInt(Math.round((opts.outBps / 8) * (dt / 1000)));
    if (ev.reboot) {
      // The device restarted during this interval: counters and sysUpTime start from zero;
      // what it counted since the restart is all that can be known.
      inO = di / 3n;
      outO = dOut / 3n;
      up = 500;
      splitTruth(s.truth, t0, ts, inO, outO);
    } else {
      inO = (inO + di) % mod;
      outO = (outO + dOut) % mod;
      up = (up + Math.round(dt / 10)) % 2 ** 32;
      splitTruth(s.truth, t0, ts, di, dOut);
    }
    s.points.push({ ts, inOctets: inO, outOctets: outO, bits: opts.bits, uptime: up, speedBps: speed });
  }
  return s;
}

/** The contract: an increase straddling the month edge is split in proportion to time (floor before the edge). */
function splitTruth(t: Scenario['truth'], t0: number, t1: number, di: bigint, dOut: bigint) {
  if (t0 < NOV_START && t1 > NOV_START) {
    const a = (di * BigInt(NOV_START - t0)) / BigInt(t1 - t0);
    const b = (dOut * BigInt(NOV_START - t0)) / BigInt(t1 - t0);
    add(t, OCT, a, b);
    add(t, NOV, di - a, dOut - b);
  } else add(t, t1 <= NOV_START ? OCT : NOV, di, dOut);
}

const scenarios: Scenario[] = [
  // 32-bit counters at 700 Mbit/s polled every 30 s: a wrap every ~49 s, all told apart.
  run({ iface: 'wan32', start: Date.UTC(2026, 9, 5, 2, 0, 0), n: 240, stepMs: 30_000, bits: 32, inBps: 700e6, outBps: 90e6, startIn: TWO32 - 5_000_000n }),
  // A reboot mid-month: counters and sysUpTime go back to zero.
  run({ iface: 'reboot', start: Date.UTC(2026, 9, 15, 1, 0, 0), n: 120, stepMs: 60_000, bits: 64, inBps: 50e6, outBps: 20e6, startIn: 10n ** 15n, at: (i) => (i === 60 ? { reboot: true } : undefined) }),
  // sysUpTime wraps at 2^32 hundredths (497 days) while the counters keep rising: not a reboot.
  run({ iface: 'uptimewrap', start: Date.UTC(2026, 9, 20, 3, 0, 0), n: 60, stepMs: 60_000, bits: 64, inBps: 80e6, outBps: 10e6, startIn: 77n * 10n ** 12n, startUptime: 2 ** 32 - 1500 }),
  // A 3-hour polling gap: the counters are cumulative, nothing is lost; coverage drops.
  run({ iface: 'gap', start: Date.UTC(2026, 9, 22, 0, 0, 0), n: 60, stepMs: 60_000, bits: 64, inBps: 30e6, outBps: 30e6, at: (i) => (i === 30 ? { gapMs: 3 * 3600_000 } : undefined) }),
  // Counters above 2^62 on a 64-bit interface.
  run({ iface: 'big', start: Date.UTC(2026, 9, 25, 0, 0, 0), n: 30, stepMs: 60_000, bits: 64, inBps: 900e6, outBps: 400e6, startIn: (1n << 62n) + 987654321n, startOut: (1n << 63n) + 5n }),
  // Samples straddling local midnight of the 1st in Asia/Makassar, 7-minute polling.
  run({ iface: 'midnight', start: NOV_START - 33 * 60_000 - 17_000, n: 12, stepMs: 7 * 60_000, bits: 64, inBps: 123e6, outBps: 45e6 }),
];

const yaml = (sqlite: string) => `
timezone: Asia/Makassar
listen: 127.0.0.1:0
store: { sqlite: ${JSON.stringify(sqlite)} }
auth: { users: [ { name: wall, role: viewer, token: ${VIEWER_TOKEN} } ] }
agents: [ { id: a1, token: ${AGENT_TOKEN}, poll: [rtr-tabalong] } ]
opds:
  - id: tabalong
    name: Dinas Kominfo Tabalong
    quota: { volumeGB: 5000, rateMbps: 500 }
    uplinks: [${scenarios.map((s) => `{ device: rtr-tabalong, interface: ${s.iface} }`).join(', ')}]
devices:
  - { id: rtr-tabalong, opd: tabalong, kind: router, address: 127.0.0.1, snmp: { version: 2c, community: public } }
`;

let c: TestCollector;
beforeAll(async () => {
  // A fixed clock in mid-November: samples from 5 October on lie inside the acceptance window (rawDays 45).
  c = await startTestCollector(yaml, { now: () => Date.UTC(2026, 10, 15) });
  let n = 0;
  for (const s of scenarios) {
    const samples = s.points.map((p) => ({
      type: 'iface', device: 'rtr-tabalong', interface: s.iface, ts: p.ts, inOctets: p.inOctets.toString(), outOctets: p.outOctets.toString(),
      bits: p.bits, uptime: p.uptime, speedBps: p.speedBps,
    }));
    // Sent newest batch first, as an agent replaying its spool would interleave them.
    for (let i = samples.length; i > 0; i -= 50) {
      const r = await c.post('/api/v1/ingest', { agent: 'a1', batch: `b${n++}`, samples: samples.slice(Math.max(0, i - 50), i) });
      expect(r.status).toBe(200);
    }
  }
});
afterAll(async () => c?.cleanup());

async function usage(month: string): Promise<UsageReport> {
  const r = await c.get(`/api/v1/usage?month=${month}`);
  expect(r.status).toBe(200);
  return (await r.json()) as UsageReport;
}

describe('GET /api/v1/usage against ground truth', () => {
  it.each(scenarios.map((s) => [s.iface, s] as const))('counts uplink %s to the byte in each month', async (_name, s) => {
    for (const month of [OCT, NOV]) {
      const u = await usage(month);
      const up = u.opds[0].uplinks.find((x) => x.interface === s.iface)!;
      expect(BigInt(up.inBytes)).toBe(s.truth[month]?.in ?? 0n);
      expect(BigInt(up.outBytes)).toBe(s.truth[month]?.out ?? 0n);
    }
  });

  it('sums the OPD total over its uplinks and counts in + out against the volume quota', async () => {
    const u = await usage(OCT);
    const o = u.opds[0];
    const tIn = scenarios.reduce((a, s) => a + (s.truth[OCT]?.in ?? 0n), 0n);
    const tOut = scenarios.reduce((a, s) => a + (s.truth[OCT]?.out ?? 0n), 0n);
    expect(BigInt(o.inBytes)).toBe(tIn);
    expect(BigInt(o.outBytes)).toBe(tOut);
    expect(BigInt(o.totalBytes)).toBe(tIn + tOut);
    expect(BigInt(o.countedBytes)).toBe(tIn + tOut);
    expect(u.timezone).toBe('Asia/Makassar');
    expect(u.from).toBe(Date.UTC(2026, 8, 30, 16, 0, 0));
    expect(u.to).toBe(NOV_START);
    expect(u.current).toBe(false);
    expect(o.projectedBytes).toBeUndefined();
  });

  it('p95 equals a brute-force nearest-rank over the stored 5-minute rates', async () => {
    const u = await usage(OCT);
    const rows = c.store.db
      .prepare('SELECT bucket, sum(in_bytes) AS i, sum(out_bytes) AS o FROM usage5m WHERE bucket >= ? AND bucket < ? GROUP BY bucket HAVING sum(covered_ms) > 0')
      .all(u.from, u.to) as { i: number; o: number }[];
    const rates = rows.map((r) => Math.max(r.i, r.o) * 8 / 300).sort((a, b) => a - b);
    const rank = Math.ceil(0.95 * rates.length);
    expect(rates.length).toBeGreaterThan(50);
    expect(u.opds[0].p95Bps.maxBps).toBeCloseTo(rates[rank - 1], 6);
    expect(u.opds[0].peakBps.maxBps).toBeCloseTo(rates[rates.length - 1], 6);
    // 700 Mbit/s for two hours: the p95 of the larger direction sits at that rate.
    expect(u.opds[0].peakBps.maxBps).toBeGreaterThan(690e6);
  });

  it('flags the reboot, the sysUpTime wrap and the gap as data-quality notes, and reduces coverage', async () => {
    const u = await usage(OCT);
    const by = Object.fromEntries(u.opds[0].uplinks.map((x) => [x.interface, x]));
    expect(by.reboot.flags.join(' ')).toMatch(/dinyalakan ulang 1 kali/);
    expect(by.gap.flags.join(' ')).toMatch(/1 jeda/);
    expect(by.uptimewrap.flags.join(' ')).not.toMatch(/dinyalakan ulang/);
    expect(by.gap.coverage).toBeLessThan(by.reboot.coverage);
  });

  it('splits the month into local days whose volumes add up to the month total', async () => {
    for (const month of [OCT, NOV]) {
      const u = await usage(month);
      const [d] = c.usage.daily(month);
      expect(d.days).toHaveLength(month === OCT ? 31 : 30);
      expect(d.days.reduce((a, x) => a + BigInt(x.bytes), 0n)).toBe(BigInt(u.opds[0].totalBytes));
    }
    // The 700 Mbit/s hours of 5 October (UTC 02:00-04:00 = 10:00-12:00 WITA) fall on local day 5.
    const oct = c.usage.daily(OCT)[0].days;
    expect(BigInt(oct[4].bytes)).toBeGreaterThan(500n * 10n ** 9n);
  });

  it('speaks English on request', async () => {
    const r = await c.get(`/api/v1/usage?month=${OCT}&lang=en`);
    const u = (await r.json()) as UsageReport;
    expect(u.opds[0].uplinks.find((x) => x.interface === 'reboot')!.flags.join(' ')).toMatch(/rebooted 1 time/);
  });

  it('rejects a malformed month with 400 naming the parameter', async () => {
    const r = await c.get('/api/v1/usage?month=2026-13');
    expect(r.status).toBe(400);
    expect(((await r.json()) as { path: string }).path).toBe('month');
  });

  it('serves rates for charts at a chosen step', async () => {
    const from = Date.UTC(2026, 9, 5, 2, 0, 0);
    const r = await c.get(`/api/v1/series?device=rtr-tabalong&interface=wan32&from=${from}&to=${from + 2 * 3600_000}&step=900`);
    expect(r.status).toBe(200);
    const s = (await r.json()) as { step: number; points: { ts: number; inBps: number }[] };
    expect(s.step).toBe(900);
    expect(s.points.length).toBe(8);
    for (const p of s.points.slice(1, -1)) expect(p.inBps).toBeCloseTo(700e6, -5);
  });
});
