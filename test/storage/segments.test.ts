// Segments (collector/storage/staging.ts): a series with a long in-order run in one merge is
// written as chunks of its own, cut at 12-hour periods, instead of a row per sample. Every
// read returns what rows would have given; the first stored sample of a ts still wins; the
// packer joins a period's segments once the period is old enough; buckets are the same as
// with rows. Clocks are fixed dates.
import { describe, expect, it } from 'vitest';
import type { Store } from '../../collector/storage/store.js';
import { Rollup } from '../../collector/storage/rollup.js';
import { RawReader } from '../../collector/storage/chunks/reader.js';
import { CHUNK_PERIOD_MS, ChunkPacker } from '../../collector/storage/chunks/packer.js';
import { SEGMENT_MIN } from '../../collector/storage/staging.js';
import type { IfaceSample } from '../../protocol/samples.js';
import { tempStores } from '../helpers/temp-store.js';
import { rawCount } from '../helpers/raw-samples.js';

const START = Date.UTC(2026, 10, 3, 9, 0, 0); // 09:00 UTC: a run of a day crosses two period edges
const NOW = START + 3 * 86_400_000;
const U64 = (1n << 64n) - 1n;
const openStore = tempStores();

/** `n` polls of one interface a minute apart with ±2 s jitter; the counter passes 2^64 once. */
function run(n: number, from = START, iface = 'ether1'): IfaceSample[] {
  const out: IfaceSample[] = [];
  let v = U64 - 50_000_000n;
  for (let i = 0; i < n; i++) {
    v = (v + BigInt(1_000_000 + ((i * 7919) % 300_000))) & U64;
    out.push({
      type: 'iface', device: 'r1', interface: iface, ts: from + i * 60_000 + ((i * 37) % 4000) - 2000,
      inOctets: v, outOctets: v / 3n, bits: 64, uptime: 1_000 + i * 6_000, speedBps: i < 5 ? undefined : 1e9, operUp: i % 50 !== 7 ? true : undefined,
    });
  }
  return out;
}

const chunks = (store: Store) => store.db.prepare('SELECT t0, t1, n FROM iface_chunk ORDER BY series, t0').all() as { t0: number; t1: number; n: number }[];
const rows = (store: Store) => Number(store.db.prepare('SELECT count(*) FROM iface_sample').pluck().get());
const segs = (store: Store) => store.db.prepare('SELECT period FROM chunk_seg ORDER BY period').pluck().all() as number[];
const read = (store: Store, iface = 'ether1') => new RawReader(store).range(store.seriesId('r1', iface), Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
const expected = (xs: IfaceSample[]) =>
  xs.map((x) => ({
    ts: x.ts, inOct: x.inOctets, outOct: x.outOctets, uptime: BigInt(x.uptime!), speed: x.speedBps === undefined ? null : BigInt(x.speedBps),
    flags: x.operUp === undefined ? 0 : 6,
  }));

describe('segments written by the merge', () => {
  it('store a long in-order run as one chunk per 12-hour period, read back exactly', () => {
    const store = openStore();
    const xs = run(1440); // a day: periods 00-12, 12-24, 00-12 UTC
    store.writeBatch('a1', 'b1', xs, NOW);
    expect(rows(store)).toBe(0);
    const cs = chunks(store);
    expect(cs.map((c) => Math.floor(c.t0 / CHUNK_PERIOD_MS))).toEqual([0, 1, 2].map((k) => Math.floor(START / CHUNK_PERIOD_MS) + k));
    for (const c of cs) expect(Math.floor(c.t1 / CHUNK_PERIOD_MS)).toBe(Math.floor(c.t0 / CHUNK_PERIOD_MS)); // none straddles a period edge
    expect(cs.reduce((a, c) => a + c.n, 0)).toBe(1440);
    expect(segs(store)).toEqual(cs.map((c) => Math.floor(c.t0 / CHUNK_PERIOD_MS) * CHUNK_PERIOD_MS));
    expect(read(store)).toEqual(expected(xs));
    expect(store.staging.segments).toBe(1);
  });

  it('leave short runs, and runs among stored samples, to rows', () => {
    const store = openStore();
    const xs = run(200);
    store.writeBatch('a1', 'short', xs.slice(0, SEGMENT_MIN - 1), NOW);
    expect([rows(store), chunks(store).length]).toEqual([SEGMENT_MIN - 1, 0]);
    store.writeBatch('a1', 'next', xs.slice(SEGMENT_MIN - 1, 100), NOW); // all after the stored ones: a segment
    expect([rows(store), chunks(store).length]).toEqual([SEGMENT_MIN - 1, 1]);
    // A replay that reaches back among stored samples: all rows (the ten repeated ones too, as
    // late rows behind the segment), and the stored samples keep their values.
    const replay = [...xs.slice(50, 60).map((x) => ({ ...x, inOctets: 1n })), ...xs.slice(100, 130)];
    store.writeBatch('a1', 'replay', replay, NOW);
    expect(rows(store)).toBe(SEGMENT_MIN - 1 + 40);
    expect(chunks(store).length).toBe(1);
    expect(read(store)).toEqual(expected(xs.slice(0, 130)));
    expect(rawCount(store)).toBe(130);
  });

  it('keep the first staged sample of a repeated ts, and a later sample of that ts does not rewrite it', () => {
    const store = openStore();
    const xs = run(40);
    store.writeBatch('a1', 'b1', [...xs, { ...xs[10], inOctets: 5n }], NOW); // the same ts twice in one merge
    expect(chunks(store).length).toBe(1);
    store.writeBatch('a1', 'b2', [{ ...xs[20], inOctets: 7n }], NOW); // late: a row with a packed ts
    expect(read(store)).toEqual(expected(xs));
    expect(rawCount(store)).toBe(40);
  });

  it('are joined into one chunk per period by the packer once the period is old enough, reading the same', () => {
    const store = openStore();
    const packer = new ChunkPacker(store, { afterHours: 6 });
    const xs = run(1440);
    for (let i = 0; i < xs.length; i += 60) store.writeBatch('a1', `b${i}`, xs.slice(i, i + 60), NOW); // an hour per merge
    store.writeBatch('a1', 'late', [{ ...xs[30], ts: xs[30].ts + 1 }], NOW); // a late row inside a segment's time
    const before = read(store);
    // A segment per hour's merge and period: 24, and one more for the hour cut at 00:00 UTC (12:00's first poll is after the edge).
    expect(new Set(xs.map((x, i) => `${Math.floor(i / 60)} ${Math.floor(x.ts / CHUNK_PERIOD_MS)}`)).size).toBe(25);
    expect(chunks(store).length).toBe(25);
    // At 19:00 UTC the first period (its polls 09:00-12:00) ended more than 6 hours ago, the second not.
    const at = Math.floor(START / CHUNK_PERIOD_MS) * CHUNK_PERIOD_MS + CHUNK_PERIOD_MS + 7 * 3_600_000;
    const r = packer.packAll(at);
    expect(r.samples).toBeGreaterThanOrEqual(180);
    const first = Math.floor(START / CHUNK_PERIOD_MS) * CHUNK_PERIOD_MS;
    expect(segs(store)[0]).toBe(first + CHUNK_PERIOD_MS); // the first period's row is gone, the others stay
    expect(chunks(store).filter((c) => c.t0 < first + CHUNK_PERIOD_MS)).toEqual([{ t0: xs[0].ts, t1: before.filter((x) => x.ts < first + CHUNK_PERIOD_MS).at(-1)!.ts, n: 181 }]);
    expect(rows(store)).toBe(0); // the late row was packed into its period's chunk
    expect(read(store)).toEqual(before);
    packer.packAll(NOW); // every period ended: one chunk each
    expect(chunks(store).length).toBe(3);
    expect(segs(store)).toEqual([]);
    expect(read(store)).toEqual(before);
  });

  it('give the same buckets and counter events as rows', () => {
    const stores = [openStore(), openStore()];
    stores[1].staging.segmentMin = Infinity;
    const xs = [...run(900), ...run(900, START, 'wan')];
    for (const store of stores) {
      const rollup = new Rollup(store, { maxGapMs: 600_000 });
      for (let i = 0; i < xs.length; i += 250) store.writeBatch('a1', `b${i}`, xs.slice(i, i + 250), NOW);
      rollup.drain();
    }
    expect(rows(stores[0])).toBe(0);
    expect(rows(stores[1])).toBe(1800);
    const q = (store: Store, sql: string) => store.db.prepare(sql).safeIntegers(true).all();
    for (const sql of ['SELECT * FROM usage5m ORDER BY series, bucket', 'SELECT * FROM counter_event ORDER BY series, ts, kind', 'SELECT * FROM iface_state ORDER BY series'])
      expect(q(stores[0], sql)).toEqual(q(stores[1], sql));
    expect(q(stores[0], 'SELECT count(*) FROM usage5m')).not.toEqual([{ 'count(*)': 0n }]);
  });
});
