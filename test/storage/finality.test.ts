// Issue 8, defect 1: one old timestamp must neither stall the rollup nor rewrite history.
// - A pair of samples years apart is spread over its time in day rows (bounded work), with the
//   contract's proportional split for every month.
// - After pruning, buckets before the cut are final: a sample before it changes nothing, and a
//   late sample after it changes the figures only by what it adds.
import { describe, expect, it } from 'vitest';
import { type Store, fromI64 } from '../../collector/storage/store.js';
import { Rollup } from '../../collector/storage/rollup.js';
import { allocate } from '../../collector/accounting/buckets.js';
import { monthRange } from '../../collector/accounting/months.js';
import { localDayStart } from '../../collector/usage/day-cache.js';
import type { IfaceSample } from '../../protocol/samples.js';
import { tempStores } from '../helpers/temp-store.js';
import { rawCount } from '../helpers/raw-samples.js';

const TZ = 'Asia/Jakarta';
const DAY = 86_400_000;
const NOV = monthRange('2026-11', TZ).from;
const openStore = tempStores();
function open(): { store: Store; rollup: Rollup } {
  const store = openStore();
  return { store, rollup: new Rollup(store, { maxGapMs: 600_000, dayStart: localDayStart(TZ) }) };
}

const s = (ts: number, inOctets: bigint, outOctets = 0n): IfaceSample => ({ type: 'iface', device: 'r1', interface: 'ether1', ts, inOctets, outOctets, bits: 64 });
let batch = 0;
const write = (store: Store, samples: IfaceSample[]) => store.writeBatch('a1', `b${batch++}`, samples);

function sumIn(store: Store, from = -Infinity, to = Infinity): bigint {
  const rows = store.db.prepare('SELECT bucket, in_bytes FROM usage5m').safeIntegers(true).all() as { bucket: bigint; in_bytes: bigint }[];
  return rows.filter((r) => Number(r.bucket) >= from && Number(r.bucket) < to).reduce((a, r) => a + fromI64(r.in_bytes), 0n);
}
const rowsBefore = (store: Store, t: number) =>
  store.db.prepare('SELECT bucket, in_bytes, out_bytes, covered_ms, span_ms FROM usage5m WHERE bucket < ? ORDER BY bucket').safeIntegers(true).all(t);
const rowsFrom = (store: Store, t: number) =>
  store.db.prepare('SELECT bucket, in_bytes, out_bytes, covered_ms, span_ms FROM usage5m WHERE bucket >= ? ORDER BY bucket').safeIntegers(true).all(t);
const rowCount = (store: Store) => store.db.prepare('SELECT count(*) FROM usage5m').pluck().get() as number;

/** 5-minute samples over [from, to) at `per5m` bytes each step, counter starting at `start`. */
function steady(from: number, to: number, per5m: bigint, start = 10n ** 12n): IfaceSample[] {
  const out: IfaceSample[] = [];
  for (let t = from, v = start; t < to; t += 300_000, v += per5m) out.push(s(t, v));
  return out;
}

describe('a long gap between two samples', () => {
  it('writes a row per local day, not per 5 minutes, and splits every month in proportion to time', () => {
    const { store, rollup } = open();
    const t0 = Date.UTC(2000, 0, 1, 3, 7, 11);
    const t1 = Date.UTC(2026, 10, 20, 8, 1, 2);
    const delta = 10n ** 15n + 12_345n;
    write(store, [s(t0, 0n), s(t1, delta)]);
    const started = performance.now();
    rollup.drain();
    const ms = performance.now() - started;
    const days = Math.ceil((t1 - t0) / DAY);
    expect(rowCount(store)).toBeLessThanOrEqual(days + 3); // 2.8 million rows before
    expect(ms).toBeLessThan(5000);
    expect(sumIn(store)).toBe(delta);
    for (const m of ['2000-01', '2013-06', '2024-02', '2026-11']) {
      const r = monthRange(m, TZ);
      expect(sumIn(store, r.from, r.to), m).toBe(allocate(delta, t0, t1, r.from, r.to));
    }
    store.close();
  });
});

describe('buckets whose raw samples were pruned', () => {
  /** 20 days of November at 1 GB per 5 minutes, pruned with rawDays 2 on the 21st. */
  function history() {
    const o = open();
    const samples = steady(NOV, NOV + 20 * DAY, 10n ** 9n);
    for (let i = 0; i < samples.length; i += 2000) write(o.store, samples.slice(i, i + 2000));
    o.rollup.drain();
    const now = NOV + 21 * DAY + 3 * 3600_000;
    o.rollup.finalize(now - 2 * DAY);
    return { ...o, samples, cut: NOV + 19 * DAY };
  }

  it('are final: a sample dated 2020 with counter 0 rewrites no bucket and adds no phantom traffic', () => {
    const { store, rollup, cut } = history();
    expect(rollup.finalBefore()).toBe(cut); // a local day edge
    const before = rowsBefore(store, cut);
    const nov = sumIn(store, NOV, NOV + 30 * DAY);
    write(store, [s(Date.UTC(2020, 0, 1), 0n)]);
    rollup.drain();
    expect(rowsBefore(store, cut)).toEqual(before);
    expect(sumIn(store, NOV, NOV + 30 * DAY)).toBe(nov);
    expect(sumIn(store, -Infinity, NOV)).toBe(0n);
    // The raw samples of November before the cut are gone but one (the anchor of the pair crossing it).
    expect(rawCount(store, NOV, cut)).toBe(1);
    store.close();
  });

  it('keep their figures when the pair crossing the cut is rebuilt as it was', () => {
    const { store, rollup, cut, samples } = history();
    const before = rowsBefore(store, cut);
    const total = sumIn(store);
    // A duplicate of a sample after the cut and a new one at the end: ranges touching the cut are rebuilt.
    const last = samples[samples.length - 1];
    write(store, [samples.find((x) => x.ts > cut)!, s(last.ts + 300_000, last.inOctets + 10n ** 9n)]);
    rollup.drain();
    expect(rowsBefore(store, cut)).toEqual(before);
    expect(sumIn(store)).toBe(total + 10n ** 9n);
    store.close();
  });

  it('change only by what a late sample after the cut adds, when it lands in the pair crossing the cut', () => {
    const { store, rollup } = open();
    // Samples until the 18th 22:00, the agent offline until the 19th 12:00 (local), then on.
    const a = steady(NOV, NOV + 17 * DAY + 22 * 3600_000, 10n ** 9n);
    const gapEnd = NOV + 18 * DAY + 12 * 3600_000;
    const lastA = a[a.length - 1];
    const perMs = 10n ** 9n / 300_000n;
    const at = (t: number) => lastA.inOctets + BigInt(t - lastA.ts) * perMs; // the counter's true value
    const b = steady(gapEnd, NOV + 20 * DAY, 10n ** 9n, at(gapEnd));
    for (const part of [a, b]) for (let i = 0; i < part.length; i += 2000) write(store, part.slice(i, i + 2000));
    rollup.drain();
    const cut = NOV + 18 * DAY;
    rollup.finalize(NOV + 18 * DAY + 5 * 3600_000);
    expect(rollup.finalBefore()).toBe(cut);
    const before = rowsBefore(store, cut);
    const after = rowsFrom(store, gapEnd + 300_000);
    const total = sumIn(store);
    // The spool replays a sample taken in the gap, after the cut: on the counter's line, it adds no bytes.
    write(store, [s(cut + 6 * 3600_000, at(cut + 6 * 3600_000))]);
    rollup.drain();
    expect(rowsBefore(store, cut)).toEqual(before);
    expect(sumIn(store)).toBe(total);
    // Only the buckets between the late sample's neighbours changed: those after the gap are as they were.
    expect(rowsFrom(store, gapEnd + 300_000)).toEqual(after);
    // The remainder of the crossing pair lies in (cut, late sample], in proportion to time.
    const late = cut + 6 * 3600_000;
    expect(sumIn(store, cut, late)).toBeGreaterThan(0n);
    expect(sumIn(store, late + 300_000, gapEnd)).toBe(allocate(at(gapEnd) - at(late), late, gapEnd, late + 300_000, gapEnd));
    store.close();
  });
});
