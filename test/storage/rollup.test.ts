import { describe, expect, it } from 'vitest';
import { type Store, fromI64 } from '../../collector/storage/store.js';
import { Rollup } from '../../collector/storage/rollup.js';
import { seriesBuckets } from '../../collector/accounting/series.js';
import type { IfaceSample } from '../../protocol/samples.js';
import { tempStores } from '../helpers/temp-store.js';

const openStore = tempStores();
function open(): { store: Store; rollup: Rollup } {
  const store = openStore();
  return { store, rollup: new Rollup(store, { maxGapMs: 600_000 }) };
}

/** A deterministic pseudo-random generator, so a failure can be reproduced. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

/** Samples of one 32-bit interface at ~60 s with jitter, wraps, one reboot and a 3-hour gap. */
function samples(seed: number, n: number): IfaceSample[] {
  const r = rng(seed);
  const out: IfaceSample[] = [];
  let ts = Date.UTC(2026, 9, 31, 15, 0, 0) + Math.floor(r() * 60_000);
  let inO = BigInt(Math.floor(r() * 2 ** 32));
  let outO = BigInt(Math.floor(r() * 2 ** 32));
  let uptime = 1_000_000;
  for (let i = 0; i < n; i++) {
    let dt = 55_000 + Math.floor(r() * 10_000);
    if (i === Math.floor(n / 2)) dt = 3 * 3600_000; // a 3-hour polling gap
    ts += dt;
    uptime += Math.round(dt / 10);
    inO = (inO + BigInt(Math.floor(r() * 3e9))) % 2n ** 32n; // up to 400 Mbit/s: wraps
    outO = (outO + BigInt(Math.floor(r() * 1e8))) % 2n ** 32n;
    if (i === Math.floor(n / 3)) {
      uptime = 500; // reboot
      inO = 12345n;
      outO = 678n;
    }
    out.push({ type: 'iface', device: 'r1', interface: 'ether1', ts, inOctets: inO, outOctets: outO, bits: 32, uptime, speedBps: 1e9 });
  }
  return out;
}

interface Row { bucket: number; inBytes: bigint; outBytes: bigint; coveredMs: number; spanMs?: number }

function stored(store: Store): Row[] {
  const rows = store.db.prepare('SELECT bucket, in_bytes, out_bytes, covered_ms, span_ms FROM usage5m ORDER BY bucket').safeIntegers(true).all() as {
    bucket: bigint; in_bytes: bigint; out_bytes: bigint; covered_ms: bigint; span_ms: bigint;
  }[];
  return rows.map((x) => ({
    bucket: Number(x.bucket), inBytes: fromI64(x.in_bytes), outBytes: fromI64(x.out_bytes), coveredMs: Number(x.covered_ms),
    ...(x.span_ms !== 300000n ? { spanMs: Number(x.span_ms) } : {}),
  }));
}

/**
 * The contract's 5-minute buckets, folded into the stored layout: a long gap is stored as one
 * row per day between its first and last bucket, holding exactly the sum of the buckets it
 * stands for (storage/spans.ts).
 */
function truth(all: IfaceSample[], layout?: Row[]): Row[] {
  const buckets: Row[] = seriesBuckets(
    all.map((s) => ({ ts: s.ts, inOctets: s.inOctets, outOctets: s.outOctets, bits: s.bits, uptime: s.uptime, speedBps: s.speedBps })),
    { maxGapMs: 600_000 },
  ).buckets.filter((b) => b.inBytes !== 0n || b.outBytes !== 0n || b.coveredMs !== 0);
  if (!layout) return buckets;
  const out: Row[] = [];
  for (const b of buckets) {
    const span = layout.find((r) => r.spanMs && r.bucket <= b.bucket && b.bucket < r.bucket + r.spanMs);
    if (!span) out.push(b);
    else if (out.length && out[out.length - 1].bucket === span.bucket) {
      out[out.length - 1].inBytes += b.inBytes;
      out[out.length - 1].outBytes += b.outBytes;
    } else {
      expect(b.coveredMs).toBe(0);
      out.push({ bucket: span.bucket, inBytes: b.inBytes, outBytes: b.outBytes, coveredMs: 0, spanMs: span.spanMs });
    }
  }
  return out;
}

const nonEmpty = <T extends { inBytes: bigint; outBytes: bigint; coveredMs: number }>(bs: T[]) =>
  bs.filter((b) => b.inBytes !== 0n || b.outBytes !== 0n || b.coveredMs !== 0);

describe('rollup into 5-minute buckets', () => {
  it('gives the same buckets for samples arriving in order, one batch at a time', () => {
    const { store, rollup } = open();
    const all = samples(1, 300);
    all.forEach((s, i) => {
      store.writeBatch('a1', `b${i}`, [s]);
      rollup.drain();
    });
    const got = stored(store);
    expect(got.some((r) => r.spanMs)).toBe(true); // the 3-hour gap is one row between its edges
    expect(nonEmpty(got)).toEqual(truth(all, got));
    store.close();
  });

  it.each([2, 3, 4])('gives the same buckets whatever the arrival order (seed %i: spool replay, late batches)', (seed) => {
    const { store, rollup } = open();
    const all = samples(seed, 400);
    const r = rng(seed * 7);
    const shuffled = [...all].sort(() => r() - 0.5);
    for (let i = 0; i < shuffled.length; i += 17) {
      store.writeBatch('a1', `b${i}`, shuffled.slice(i, i + 17));
      if (r() < 0.5) rollup.drain();
    }
    rollup.drain();
    const got = stored(store);
    expect(nonEmpty(got)).toEqual(truth(all, got));
    const sum = got.reduce((a, b) => a + b.inBytes, 0n);
    const direct = truth(all).reduce((a, b) => a + b.inBytes, 0n);
    expect(sum).toBe(direct);
    store.close();
  });

  it('records the counter events of each pair once, however often a range is recomputed', () => {
    const { store, rollup } = open();
    const all = samples(5, 200);
    store.writeBatch('a1', 'first', all.slice(0, 150));
    rollup.drain();
    store.writeBatch('a1', 'second', all.slice(100, 200)); // overlaps: the first 50 are duplicates
    rollup.drain();
    const ev = store.db.prepare('SELECT kind, count(*) AS n FROM counter_event GROUP BY kind').all() as { kind: string; n: number }[];
    const by = Object.fromEntries(ev.map((e) => [e.kind, e.n]));
    expect(by.reboot).toBe(1);
    expect(by.gap).toBe(1);
    // A wrap wherever a 32-bit counter went down between consecutive samples, except at the reboot.
    const reboot = Math.floor(200 / 3);
    const wraps = all.filter((x, i) => i > 0 && i !== reboot && (x.inOctets < all[i - 1].inOctets || x.outOctets < all[i - 1].outOctets)).length;
    expect(wraps).toBeGreaterThan(10); // the series exercises wraps at all
    expect(by.wrap).toBe(wraps);
    store.close();
  });
});
