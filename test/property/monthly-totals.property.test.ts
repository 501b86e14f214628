// Property (issue 8): for any sequence of counter samples, in any arrival order, with late ones
// inside the acceptance window and pruning in the middle, the monthly totals the store holds
// equal the ground truth of the contract's rules ("The monthly evaluation"), written out again
// here from the contract's words, and are never negative. Generated: 32-bit wraps, resets,
// reboots, gaps of up to three days, month boundaries (Asia/Jakarta), pruning at a day edge.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Store, fromI64 } from '../../collector/storage/store.js';
import { Rollup } from '../../collector/storage/rollup.js';
import { monthRange } from '../../collector/accounting/months.js';
import { localDayStart } from '../../collector/usage/day-cache.js';
import type { IfaceSample } from '../../protocol/samples.js';

const TZ = 'Asia/Jakarta';
const MONTHS = ['2026-10', '2026-11', '2026-12'];
const START = monthRange('2026-11', TZ).from - 3 * 86_400_000; // 29 October, local midnight
const SPEED = 10_000_000_000; // 10 Gbit/s: a 32-bit wrap within a minute is plausible
const MAX_GAP_MS = 600_000;
const TWO32 = 2n ** 32n;

interface Step {
  dtMs: number;
  inc: bigint;
  outInc: bigint;
  event: 'none' | 'reset' | 'reboot';
}

const step: fc.Arbitrary<Step> = fc.record({
  dtMs: fc.oneof(
    { weight: 8, arbitrary: fc.integer({ min: 1_000, max: 300_000 }) },
    { weight: 2, arbitrary: fc.integer({ min: MAX_GAP_MS + 1, max: 3 * 86_400_000 }) }, // a gap
  ),
  inc: fc.bigInt({ min: 0n, max: 3n * 10n ** 9n }),
  outInc: fc.bigInt({ min: 0n, max: 10n ** 8n }),
  event: fc.constantFrom<Step['event']>('none', 'none', 'none', 'none', 'none', 'none', 'reset', 'reboot'),
});

/** A counter's life: samples of one interface from true traffic, with wraps, resets and reboots. */
function life(bits: 32 | 64, steps: Step[], firstTs: number): IfaceSample[] {
  const mod = bits === 32 ? TWO32 : 2n ** 64n;
  let ts = firstTs;
  let inO = 5_000n;
  let outO = 7_000n;
  let uptime = 100_000;
  const out: IfaceSample[] = [];
  for (const s of steps) {
    ts += s.dtMs;
    uptime += Math.round(s.dtMs / 10);
    inO = (inO + s.inc) % mod;
    outO = (outO + s.outInc) % mod;
    if (s.event === 'reset') [inO, outO] = [s.inc % 1000n, s.outInc % 1000n];
    if (s.event === 'reboot') [inO, outO, uptime] = [s.inc % 1000n, s.outInc % 1000n, 500 + (s.dtMs % 1000)];
    out.push({ type: 'iface', device: 'r1', interface: 'ether1', ts, inOctets: inO, outOctets: outO, bits, uptime, speedBps: SPEED });
  }
  return out;
}

/** The contract's rules for one direction of one pair. */
function increase(prev: bigint, cur: bigint, bits: 32 | 64, rebooted: boolean, gapMs: number): bigint {
  if (rebooted) return cur; // a lower uptime: a reboot, the new value counts
  if (cur >= prev) return cur - prev;
  if (bits === 64) return cur; // a 64-bit counter that went down was reset
  const wrapped = cur + TWO32 - prev;
  // a wrap implying a rate above the speed + 2 % is a reset
  return wrapped * 8n * 1000n * 100n > BigInt(SPEED) * 102n * BigInt(gapMs) ? cur : wrapped;
}

/** Floor share of Δ over (t0, t1] that falls in [from, to), cumulative from t0 (exact split). */
function share(delta: bigint, t0: number, t1: number, from: number, to: number): bigint {
  const carried = (t: number) => (t <= t0 ? 0n : t >= t1 ? delta : (delta * BigInt(t - t0)) / BigInt(t1 - t0));
  return carried(Math.min(to, t1)) - carried(Math.max(from, t0));
}

/** Ground truth: per month, the sum over consecutive pairs of the increase split by time. */
function truth(samples: IfaceSample[]): Map<string, { in: bigint; out: bigint }> {
  const sorted = [...samples].sort((a, b) => a.ts - b.ts);
  const months = new Map(MONTHS.map((m) => [m, { in: 0n, out: 0n }]));
  for (let i = 1; i < sorted.length; i++) {
    const p = sorted[i - 1];
    const c = sorted[i];
    const rebooted = c.uptime! < p.uptime!;
    const gap = c.ts - p.ts;
    const dIn = increase(p.inOctets, c.inOctets, c.bits, rebooted, gap);
    const dOut = increase(p.outOctets, c.outOctets, c.bits, rebooted, gap);
    for (const m of MONTHS) {
      const r = monthRange(m, TZ);
      months.get(m)!.in += share(dIn, p.ts, c.ts, r.from, r.to);
      months.get(m)!.out += share(dOut, p.ts, c.ts, r.from, r.to);
    }
  }
  return months;
}

function stored(store: Store): Map<string, { in: bigint; out: bigint }> {
  const rows = store.db.prepare('SELECT bucket, in_bytes, out_bytes FROM usage5m').safeIntegers(true).all() as { bucket: bigint; in_bytes: bigint; out_bytes: bigint }[];
  for (const r of rows) {
    expect(r.in_bytes, 'never negative').toBeGreaterThanOrEqual(0n);
    expect(r.out_bytes, 'never negative').toBeGreaterThanOrEqual(0n);
  }
  return new Map(
    MONTHS.map((m) => {
      const { from, to } = monthRange(m, TZ);
      const inM = rows.filter((r) => Number(r.bucket) >= from && Number(r.bucket) < to);
      return [m, { in: inM.reduce((a, r) => a + fromI64(r.in_bytes), 0n), out: inM.reduce((a, r) => a + fromI64(r.out_bytes), 0n) }];
    }),
  );
}

/** Arrival: the samples cut into batches (sizes 1..8) in a permuted order. */
const scenario = fc.record({
  bits: fc.constantFrom<32 | 64>(32, 64),
  steps: fc.array(step, { minLength: 2, maxLength: 50 }),
  offsetMs: fc.integer({ min: 0, max: 6 * 86_400_000 }),
  order: fc.array(fc.nat(), { maxLength: 60 }),
  batch: fc.integer({ min: 1, max: 8 }),
  drainEvery: fc.integer({ min: 1, max: 4 }),
  pruneAt: fc.double({ min: 0, max: 1, noNaN: true }),
});

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

function arrival(samples: IfaceSample[], order: number[]): IfaceSample[] {
  const a = [...samples];
  // Fisher–Yates with the generated numbers: any permutation can come out, and shrinks towards in-order.
  for (let i = a.length - 1; i > 0; i--) {
    const j = order.length ? order[i % order.length] % (i + 1) : i;
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

function run(s: Scenario, prune: boolean): void {
  const store = new Store(':memory:');
  const rollup = new Rollup(store, { maxGapMs: MAX_GAP_MS, dayStart: localDayStart(TZ) });
  try {
    const samples = life(s.bits, s.steps, START + s.offsetMs);
    const arriving = arrival(samples, s.order);
    const sorted = [...samples].sort((a, b) => a.ts - b.ts);
    // Pruning in the middle, at a local day edge after which every later arrival lies (the
    // acceptance window: an agent cannot send what is older than the raw retention).
    const pruneAfter = Math.floor(s.pruneAt * arriving.length);
    let n = 0;
    let batches = 0;
    for (let i = 0; i < arriving.length; i += s.batch) {
      if (prune && i >= pruneAfter && rollup.finalBefore() === 0) {
        const rest = arriving.slice(i);
        const oldestLate = Math.min(...rest.map((x) => x.ts));
        // The pair crossing the cut must be whole: cut at or before the last arrived sample below the oldest late one.
        const arrived = sorted.filter((x) => x.ts < oldestLate);
        if (arrived.length >= 1) rollup.finalize(arrived[arrived.length - 1].ts);
      }
      store.writeBatch('a1', `b${n++}`, arriving.slice(i, i + s.batch));
      if (++batches % s.drainEvery === 0) rollup.drain();
    }
    rollup.drain();
    expect(stored(store)).toEqual(truth(samples));
  } finally {
    store.close();
  }
}

/** Pruning after part of the arrivals; then the rest arrives whatever its age (no window). */
function runFinal(s: Scenario): void {
  const store = new Store(':memory:');
  const rollup = new Rollup(store, { maxGapMs: MAX_GAP_MS, dayStart: localDayStart(TZ) });
  try {
    const samples = life(s.bits, s.steps, START + s.offsetMs);
    const arriving = arrival(samples, s.order);
    const k = Math.max(1, Math.floor(s.pruneAt * arriving.length));
    store.writeBatch('a1', 'first', arriving.slice(0, k));
    rollup.drain();
    const sorted = arriving.slice(0, k).sort((a, b) => a.ts - b.ts);
    rollup.finalize(sorted[Math.floor(sorted.length / 2)].ts);
    const cut = rollup.finalBefore();
    const q = store.db.prepare('SELECT bucket, in_bytes, out_bytes, covered_ms, span_ms FROM usage5m WHERE bucket < ? ORDER BY bucket').safeIntegers(true);
    const before = q.all(cut);
    for (let i = k, n = 0; i < arriving.length; i += s.batch) {
      store.writeBatch('a1', `late${n++}`, arriving.slice(i, i + s.batch));
      if (n % s.drainEvery === 0) rollup.drain();
    }
    rollup.drain();
    expect(q.all(cut)).toEqual(before);
    stored(store); // never negative
  } finally {
    store.close();
  }
}

describe('monthly totals (property)', () => {
  it('before a pruning cut stay as they were whatever arrives later, of any age', () => {
    fc.assert(fc.property(scenario, (s) => runFinal(s)), { numRuns: 150, seed: 17 });
  });

  it('equal the contract rules for any samples in any arrival order, and are never negative', () => {
    fc.assert(fc.property(scenario, (s) => run(s, false)), { numRuns: 150, seed: 20261202 });
  });

  it('still equal them with pruning in the middle and late samples after it', () => {
    fc.assert(fc.property(scenario, (s) => run(s, true)), { numRuns: 150, seed: 8 });
  });
});
