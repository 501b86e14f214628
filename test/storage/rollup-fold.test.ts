// The incremental rollup (issue 12): in-order samples folded into their buckets during the
// staging merge give exactly the buckets and counter events of the recompute, with 32-bit wraps,
// resets, a reboot, a speed change and gaps; out-of-order samples still go through the recompute.
import { describe, expect, it } from 'vitest';
import { Store } from '../../collector/storage/store.js';
import { Rollup } from '../../collector/storage/rollup.js';
import { localDayStart } from '../../collector/usage/day-cache.js';
import { ChunkPacker } from '../../collector/storage/chunks/packer.js';
import type { IfaceSample } from '../../protocol/samples.js';
import { tempStores } from '../helpers/temp-store.js';

const openStore = tempStores();
const OPTS = { maxGapMs: 600_000, dayStart: localDayStart('Asia/Jakarta') };
function open(fold: boolean): { store: Store; rollup: Rollup } {
  const store = openStore();
  return { store, rollup: new Rollup(store, { ...OPTS, foldOnMerge: fold }) };
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

/** Two interfaces (a 32-bit one that wraps, a 64-bit one), ~60 s polls with jitter, a reboot, a counter reset, a speed change, a 40-minute and a 3-day gap. */
function samples(seed: number, n: number): IfaceSample[] {
  const r = rng(seed);
  const out: IfaceSample[] = [];
  let ts = Date.UTC(2026, 9, 31, 16, 0, 0) + Math.floor(r() * 60_000);
  let a = BigInt(Math.floor(r() * 2 ** 32));
  let b = 10n ** 15n;
  let uptime = 1_000_000;
  let speed = 1e9;
  for (let i = 0; i < n; i++) {
    let dt = 55_000 + Math.floor(r() * 10_000);
    if (i === Math.floor(n / 4)) dt = 40 * 60_000;
    if (i === Math.floor((3 * n) / 4)) dt = 3 * 86_400_000;
    ts += dt;
    uptime += Math.round(dt / 10);
    a = (a + BigInt(Math.floor(r() * 3e9))) % 2n ** 32n;
    b += BigInt(Math.floor(r() * 5e9));
    if (i === Math.floor(n / 3)) {
      uptime = 700; // reboot
      a = 99n;
    }
    if (i === Math.floor(n / 2)) b = 5n; // reset without a reboot
    if (i === Math.floor((2 * n) / 3)) speed = 1e8;
    out.push({ type: 'iface', device: 'r1', interface: 'ether1', ts, inOctets: a, outOctets: a / 2n, bits: 32, uptime, speedBps: speed });
    out.push({ type: 'iface', device: 'r1', interface: 'sfp1', ts: ts + 1234, inOctets: b, outOctets: b / 3n, bits: 64, uptime, speedBps: 1e10, operUp: true });
  }
  return out;
}

const dump = (store: Store) => ({
  buckets: store.db.prepare('SELECT series, bucket, in_bytes, out_bytes, covered_ms, span_ms FROM usage5m ORDER BY series, bucket').safeIntegers(true).all(),
  events: store.db.prepare('SELECT series, ts, kind, speed FROM counter_event ORDER BY series, ts, kind').all(),
});

/** Sends `all` in batches of `size` in the given order, merging after each (the collector's eager mode). */
function ingest(store: Store, all: IfaceSample[], size: number, tag: string): void {
  for (let k = 0; k * size < all.length; k++) store.writeBatch('a1', `${tag}-${k}`, all.slice(k * size, (k + 1) * size), Date.UTC(2026, 10, 20));
}

describe('rollup folded at merge', () => {
  it('gives the recompute\'s buckets and counter events for in-order batches, without marking a range dirty', () => {
    const all = samples(7, 400);
    const folded = open(true);
    const plain = open(false);
    ingest(folded.store, all, 6, 'f');
    ingest(plain.store, all, 6, 'p');
    expect(folded.store.staging.folds.folded).toBeGreaterThan(100);
    expect(folded.store.staging.folds.recomputed).toBe(0);
    expect(folded.rollup.pending()).toBe(0); // nothing left for the recompute
    plain.rollup.drain();
    const f = dump(folded.store);
    expect(f.events.length).toBeGreaterThan(5);
    expect(new Set((f.events as { kind: string }[]).map((e) => e.kind))).toEqual(new Set(dump(plain.store).events.map((e) => (e as { kind: string }).kind)));
    expect(f).toEqual(dump(plain.store));
    expect((f.buckets as { span_ms: bigint }[]).some((b) => b.span_ms > 300_000n)).toBe(true); // the 3-day gap's day rows
  });

  it('sends late and out-of-order batches to the recompute and still ends equal', () => {
    const all = samples(11, 300);
    const late = all.filter((_, i) => i % 10 === 3);
    const first = all.filter((_, i) => i % 10 !== 3);
    const folded = open(true);
    const plain = open(false);
    ingest(folded.store, first, 8, 'f');
    ingest(folded.store, late.reverse(), 5, 'fl'); // a spool replayed newest-first after the current cycles
    ingest(plain.store, all, 8, 'p');
    expect(folded.store.staging.folds.recomputed).toBeGreaterThan(0);
    folded.rollup.drain();
    plain.rollup.drain();
    expect(dump(folded.store)).toEqual(dump(plain.store));
  });

  it('folds the first pair after a series was packed whole from its newest packed sample (chunks and staging merged)', () => {
    const all = samples(5, 200);
    const gapAt = all.findIndex((x, i) => i >= 2 && x.ts - all[i - 2]!.ts > 86_400_000); // the 3-day gap
    expect(gapAt).toBeGreaterThan(100);
    const folded = open(true);
    const plain = open(false);
    ingest(folded.store, all.slice(0, gapAt), 6, 'f');
    // Every raw row before the gap is packed into chunks: iface_sample holds nothing of these series.
    const packed = new ChunkPacker(folded.store, { afterHours: 1 }).packAll(all[gapAt]!.ts);
    expect(packed.samples).toBe(gapAt);
    expect(folded.store.sql('SELECT count(*) FROM iface_sample', { pluck: true }).get()).toBe(0);
    ingest(folded.store, all.slice(gapAt), 6, 'g');
    ingest(plain.store, all, 6, 'p');
    expect(folded.store.staging.folds.recomputed).toBe(0);
    plain.rollup.drain();
    folded.rollup.drain();
    expect(dump(folded.store)).toEqual(dump(plain.store));
  });

  it('forgets the newest samples it keeps when another connection merged staged samples (a one-shot report)', () => {
    const all = samples(3, 60);
    const folded = open(true);
    const plain = open(false);
    const file = folded.store.db.name;
    const third = Math.floor(all.length / 3);
    ingest(folded.store, all.slice(0, third), 4, 'a'); // merged here: the merge keeps each series' newest sample
    const [r] = folded.store.stageBatches([{ agent: 'a1', batch: 'b', samples: all.slice(third, 2 * third), now: Date.UTC(2026, 10, 20) }]);
    expect(r).toEqual({ stored: 2 * third - third, duplicate: false });
    // Another process (`pantau report` settling the store) merges what this one staged.
    const other = new Store(file);
    new Rollup(other, { ...OPTS, foldOnMerge: true });
    other.settle();
    other.close();
    ingest(folded.store, all.slice(2 * third), 4, 'c'); // must pair with the other's samples, not its own last
    ingest(plain.store, all, 4, 'p');
    folded.rollup.drain();
    plain.rollup.drain();
    expect(dump(folded.store)).toEqual(dump(plain.store));
  });

  it('tells the listeners of the buckets it changed, with their full values', () => {
    const { store, rollup } = open(true);
    const told: { series: number; buckets: { bucket: number; inBytes: bigint }[]; range: { from: number; to: number } }[] = [];
    rollup.addListener((series, buckets, range) => told.push({ series, buckets, range }));
    const t0 = Date.UTC(2026, 10, 1, 0, 4, 0);
    const s = (ts: number, v: bigint): IfaceSample => ({ type: 'iface', device: 'r1', interface: 'e1', ts, inOctets: v, outOctets: 0n, bits: 64 });
    store.writeBatch('a1', 'l1', [s(t0, 0n), s(t0 + 120_000, 1200n)]);
    store.writeBatch('a1', 'l2', [s(t0 + 240_000, 2400n)]);
    // Pair 1: 04:00-06:00 (600 B in [0:00, 0:05), 600 B in [0:05, 0:10)); pair 2: 06:00-08:00 (1200 B in [0:05, 0:10)).
    expect(told.map((t) => [t.range, t.buckets.map((b) => [b.bucket - Date.UTC(2026, 10, 1), b.inBytes])])).toEqual([
      [{ from: Date.UTC(2026, 10, 1), to: Date.UTC(2026, 10, 1, 0, 10) }, [[0, 600n], [300_000, 600n]]],
      [{ from: Date.UTC(2026, 10, 1, 0, 5), to: Date.UTC(2026, 10, 1, 0, 10) }, [[300_000, 1800n]]],
    ]);
    expect(rollup.pending()).toBe(0);
  });
});
