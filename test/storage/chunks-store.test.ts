// Compressed raw storage in the store (collector/storage/chunks): packing moves iface_sample rows
// into chunks and every raw read (RawReader, which the rollup reads through) returns exactly
// what it returned before; a late sample for a packed period is merged (the first stored value
// wins) and folded in by the next packing; retention drops whole chunks and keeps the anchor;
// a reopened store reads its chunks. Clocks are fixed dates.
import { describe, expect, it } from 'vitest';
import type { Store } from '../../collector/storage/store.js';
import { Rollup } from '../../collector/storage/rollup.js';
import { RawReader } from '../../collector/storage/chunks/reader.js';
import { CHUNK_PERIOD_MS, ChunkPacker } from '../../collector/storage/chunks/packer.js';
import type { RawSample } from '../../collector/storage/chunks/codec.js';
import type { Sample } from '../../protocol/samples.js';
import { rng } from '../../sim/rng.js';
import { parseCollectorConfig } from '../../config/collector.js';
import { tempStores } from '../helpers/temp-store.js';

const DAY = 86_400_000;
const START = Date.UTC(2026, 10, 1, 0, 0, 0);
const U64 = (1n << 64n) - 1n;

const openStore = tempStores();
function open(file?: string) {
  const store = openStore(file);
  store.staging.segmentMin = Infinity; // these tests pack rows: the merge writes no segments (test/storage/segments.test.ts)
  return { file: store.file, store, rollup: new Rollup(store, { maxGapMs: 600_000 }), reader: new RawReader(store), packer: new ChunkPacker(store, { afterHours: 6 }) };
}

/** `days` of 60 s polls with ±2 s jitter: a random-walk rate, a 32-bit port that wraps, a reboot, an unknown speed. */
function traffic(seed: number, device: string, days: number, from = START): Sample[] {
  const r = rng(seed);
  const out: Sample[] = [];
  let rate = 3e6;
  let inO = U64 - 10n ** 9n; // passes 2^64 early on
  let wan32 = 4_000_000_000n;
  let up = 12_345_678;
  for (let i = 0; i < days * 1440; i++) {
    const ts = from + i * 60_000 + 2000 + Math.round((r() - 0.5) * 4000); // ±2 s around a poll
    rate = Math.max(1e3, Math.min(1.2e8, rate * (1 + (r() - 0.5) * 0.2)));
    inO = (inO + BigInt(Math.round(rate * 60))) & U64;
    wan32 = (wan32 + BigInt(Math.round(rate * 20))) % (1n << 32n);
    up = i === 700 ? 300 : up + 6000;
    const operUp = i % 500 !== 17;
    out.push({ type: 'iface', device, interface: 'ether1', ts, inOctets: inO, outOctets: inO / 5n, bits: 64, uptime: up, operUp, speedBps: i < 100 ? undefined : 1e9 } as Sample);
    out.push({ type: 'iface', device, interface: 'wan32', ts, inOctets: wan32, outOctets: wan32 / 3n, bits: 32, uptime: up, speedBps: 1e8 } as Sample);
  }
  return out;
}

function ingest(store: Store, samples: Sample[], at: number): void {
  for (let i = 0; i < samples.length; i += 5000) store.writeBatch('a1', `b${samples[i].ts}-${i}`, samples.slice(i, i + 5000), at);
}

const seriesOf = (store: Store, device: string, iface: string) => store.seriesId(device, iface);
const rowsSql = (store: Store, series: number): RawSample[] =>
  (store.db.prepare('SELECT ts, in_oct, out_oct, uptime, speed, flags FROM iface_sample WHERE series = ? ORDER BY ts').safeIntegers(true).all(series) as {
    ts: bigint; in_oct: bigint; out_oct: bigint; uptime: bigint | null; speed: bigint | null; flags: bigint;
  }[]).map((x) => ({ ts: Number(x.ts), inOct: BigInt.asUintN(64, x.in_oct), outOct: BigInt.asUintN(64, x.out_oct), uptime: x.uptime, speed: x.speed, flags: Number(x.flags) }));
const count = (store: Store, sql: string): number => Number(store.db.prepare(sql).pluck().get());

/** What before/after/atOrAfter/sample must answer, from a plain sorted list. */
function probe(reader: RawReader, series: number, xs: RawSample[], points: number[]) {
  const ts = xs.map((x) => x.ts);
  for (const t of points) {
    const before = ts.filter((v) => v < t).at(-1) ?? null;
    const after = ts.find((v) => v > t) ?? null;
    const atOrAfter = ts.find((v) => v >= t) ?? null;
    expect([t, reader.before(series, t), reader.after(series, t), reader.atOrAfter(series, t)]).toEqual([t, before, after, atOrAfter]);
    expect(reader.sample(series, t)).toEqual(xs.find((x) => x.ts === t));
  }
}

describe('compressed raw storage', () => {
  it('reads exactly the rows it packed: every sample, neighbours and ranges', () => {
    const { store, reader, packer } = open();
    const now = START + 3 * DAY;
    ingest(store, traffic(1, 'r1', 3), now);
    const series = [seriesOf(store, 'r1', 'ether1'), seriesOf(store, 'r1', 'wan32')];
    const before = series.map((s) => rowsSql(store, s));
    expect(before[0]).toHaveLength(3 * 1440);

    const packed = packer.packAll(now);
    // Rows older than 6 hours are packed, in 12-hour chunks: 2 days and 18 hours of each series.
    expect(CHUNK_PERIOD_MS).toBe(12 * 3_600_000);
    expect(packed.chunks).toBe(2 * 6);
    expect(count(store, 'SELECT count(*) FROM iface_chunk')).toBe(12);
    expect(count(store, `SELECT count(*) FROM iface_sample WHERE ts < ${packer.cutAt(now)}`)).toBe(0);
    expect(packer.cutAt(now)).toBe(now - 6 * 3_600_000);

    const r = rng(9);
    for (const [k, s] of series.entries()) {
      expect(reader.range(s, 0, Number.MAX_SAFE_INTEGER)).toEqual(before[k]);
      const ts = before[k].map((x) => x.ts);
      const points = [START - 1, ts[0], ts[0] + 1, now - 1, now, ...[359, 360, 361, 720, 2159, 3599].flatMap((i) => [ts[i] - 1, ts[i], ts[i] + 1])];
      for (let i = 0; i < 40; i++) points.push(START + Math.floor(r() * 3 * DAY));
      probe(reader, s, before[k], points);
      for (let i = 0; i < 20; i++) {
        const a = START + Math.floor(r() * 3 * DAY);
        const b = a + Math.floor(r() * DAY);
        expect(reader.range(s, a, b)).toEqual(before[k].filter((x) => x.ts >= a && x.ts <= b));
      }
    }
    // Packing again finds nothing new; a day later the rest goes into the last chunk of each series.
    expect(packer.packAll(now).samples).toBe(0);
    expect(packer.packAll(now + DAY).chunks).toBe(2);
    expect(count(store, 'SELECT count(*) FROM iface_sample')).toBe(0);
    expect(count(store, 'SELECT count(*) FROM iface_chunk')).toBe(12);
    expect(reader.range(series[0], 0, Number.MAX_SAFE_INTEGER)).toEqual(before[0]);
    store.close();
  });

  it('rebuilds the same buckets and counter events from chunks as from rows', () => {
    const { store, rollup, packer } = open();
    const now = START + 4 * DAY;
    ingest(store, traffic(2, 'r1', 4), now);
    rollup.drain();
    const snap = () => ({
      usage: store.db.prepare('SELECT * FROM usage5m ORDER BY series, bucket').safeIntegers(true).all(),
      events: store.db.prepare('SELECT * FROM counter_event ORDER BY series, ts, kind').all(),
    });
    const fromRows = snap();
    expect(fromRows.events.length).toBeGreaterThan(10); // wraps, a reboot
    packer.packAll(now);
    store.db.exec('DELETE FROM usage5m; DELETE FROM counter_event');
    store.db.exec(`INSERT INTO rollup_dirty (series, from_ts, to_ts) SELECT id, ${START - DAY}, ${now} FROM series`);
    rollup.drain();
    expect(snap()).toEqual(fromRows);
    store.close();
  });

  it('merges a late sample into a packed period, keeps the first stored value of a ts, and folds it in at the next packing', () => {
    const { store, rollup, reader, packer } = open();
    const now = START + 2 * DAY;
    const samples = traffic(3, 'r1', 2);
    ingest(store, samples, now);
    rollup.drain();
    packer.packAll(now);
    const s = seriesOf(store, 'r1', 'ether1');
    const all = reader.range(s, 0, Number.MAX_SAFE_INTEGER);
    const usage = () => store.db.prepare('SELECT sum(in_bytes) FROM usage5m WHERE series = ?').pluck().safeIntegers(true).get(s) as bigint;
    const total = usage();

    // A replayed sample with the same ts and other counters: stored history is not rewritten.
    const old = all[100];
    store.writeBatch('a1', 'replay', [{ type: 'iface', device: 'r1', interface: 'ether1', ts: old.ts, inOctets: old.inOct + 5_000_000n, outOctets: 1n, bits: 64 } as Sample], now);
    // A sample between two packed ones, halfway in time and counters.
    const mid = { ts: (all[200].ts + all[201].ts) / 2, inOct: (all[200].inOct + all[201].inOct) / 2n };
    const midTs = Math.round(mid.ts);
    store.writeBatch('a1', 'late', [{ type: 'iface', device: 'r1', interface: 'ether1', ts: midTs, inOctets: mid.inOct, outOctets: all[200].outOct, bits: 64, speedBps: 1e9 } as Sample], now);
    expect(count(store, `SELECT count(*) FROM iface_sample WHERE series = ${s} AND ts < ${packer.cutAt(now)}`)).toBe(2);

    const merged = reader.range(s, 0, Number.MAX_SAFE_INTEGER);
    expect(merged).toHaveLength(all.length + 1);
    expect(reader.sample(s, old.ts)).toEqual(old);
    expect(reader.sample(s, midTs)).toMatchObject({ ts: midTs, inOct: mid.inOct, uptime: null });
    expect(reader.after(s, all[200].ts)).toBe(midTs);
    expect(reader.before(s, all[201].ts)).toBe(midTs);
    rollup.drain();
    // The late sample splits a pair: the month's bytes stay the same (counters are cumulative).
    expect(usage()).toBe(total);

    packer.packAll(now);
    expect(count(store, `SELECT count(*) FROM iface_sample WHERE series = ${s} AND ts < ${packer.cutAt(now)}`)).toBe(0);
    expect(reader.range(s, 0, Number.MAX_SAFE_INTEGER)).toEqual(merged);
    expect(reader.sample(s, old.ts)).toEqual(old);
    store.close();
  });

  it('retention drops whole chunks, re-encodes the one at the cut from the anchor on, and keeps final figures', () => {
    const plain = open();
    const packed = open();
    const now = START + 5 * DAY;
    for (const o of [plain, packed]) {
      ingest(o.store, traffic(4, 'r1', 5), now);
      o.rollup.drain();
    }
    packed.packer.packAll(now);
    const chunksBefore = count(packed.store, 'SELECT count(*) FROM iface_chunk');
    // Cut at the midnight of day 2, 17:00 (UTC days: the rollup's default).
    const at = START + 2 * DAY + 17 * 3_600_000;
    for (const o of [plain, packed]) o.rollup.finalize(at);
    const s = seriesOf(packed.store, 'r1', 'ether1');
    const cut = START + 2 * DAY;
    const anchor = plain.reader.before(s, cut)!;
    expect(anchor).toBeLessThan(cut);
    // Two days of chunks but the one holding the anchor (3 per series) are gone; that one now starts at the anchor.
    expect(count(packed.store, 'SELECT count(*) FROM iface_chunk')).toBe(chunksBefore - 2 * 3);
    expect(count(packed.store, `SELECT min(t0) FROM iface_chunk WHERE series = ${s}`)).toBe(anchor);
    expect(count(packed.store, `SELECT n FROM iface_chunk WHERE series = ${s} AND t0 = ${anchor}`)).toBe(1);
    for (const series of [s, seriesOf(packed.store, 'r1', 'wan32')])
      expect(packed.reader.range(series, 0, Number.MAX_SAFE_INTEGER)).toEqual(plain.reader.range(series, 0, Number.MAX_SAFE_INTEGER));
    expect(plain.reader.range(s, 0, cut)).toHaveLength(1);

    // A late sample inside the pair that crosses the cut lands the same way in both: final
    // buckets stay as they are and the rest of the pair is placed after the cut.
    const next = plain.reader.atOrAfter(s, cut)!;
    expect(next).toBeGreaterThan(cut + 1);
    const [x0, x1] = [plain.reader.sample(s, anchor)!, plain.reader.sample(s, next)!];
    const late = [{ type: 'iface', device: 'r1', interface: 'ether1', ts: cut + 1, inOctets: (x0.inOct + x1.inOct) / 2n, outOctets: x0.outOct, bits: 64 } as Sample];
    for (const o of [plain, packed]) {
      o.store.writeBatch('a1', 'late-after-cut', late, now);
      o.rollup.drain();
    }
    const buckets = (o: typeof plain) => o.store.db.prepare('SELECT * FROM usage5m ORDER BY series, bucket').safeIntegers(true).all();
    expect(buckets(packed)).toEqual(buckets(plain));
    expect(packed.reader.range(s, anchor, next)).toHaveLength(3);
    plain.store.close();
    packed.store.close();
  });

  it('leaves a series it cannot encode as rows, says why, and packs the others', () => {
    const { store, reader, packer } = open();
    const now = START + 2 * DAY;
    ingest(store, traffic(6, 'r1', 2), now);
    const [good, bad] = [seriesOf(store, 'r1', 'wan32'), seriesOf(store, 'r1', 'ether1')];
    store.db.prepare('UPDATE iface_sample SET flags = -1 WHERE series = ? AND ts = (SELECT min(ts) FROM iface_sample WHERE series = ?)').run(bad, bad);
    const want = rowsSql(store, bad);
    packer.packAll(now);
    expect(packer.failures.get(bad)).toMatch(/chunk: flags -1/);
    expect(count(store, `SELECT count(*) FROM iface_chunk WHERE series = ${bad}`)).toBe(0);
    expect(count(store, `SELECT count(*) FROM iface_chunk WHERE series = ${good}`)).toBeGreaterThan(0);
    expect(reader.range(bad, 0, Number.MAX_SAFE_INTEGER)).toEqual(want);
    store.close();
  });

  it('reads its chunks after the store is closed and opened again', () => {
    const first = open();
    const now = START + 2 * DAY;
    ingest(first.store, traffic(5, 'r1', 2), now);
    const s = seriesOf(first.store, 'r1', 'ether1');
    const want = rowsSql(first.store, s);
    first.packer.packAll(now);
    first.store.close();
    const again = open(first.file);
    expect(count(again.store, 'SELECT count(*) FROM iface_chunk')).toBeGreaterThan(0);
    expect(again.reader.range(s, 0, Number.MAX_SAFE_INTEGER)).toEqual(want);
    again.store.close();
  });
});

describe('store.chunkAfterHours', () => {
  const cfg = (v: string) => parseCollectorConfig('c.yaml', `store: { sqlite: x.db${v} }\n`);
  it('defaults to 6 hours and takes whole hours from 1 to 720', () => {
    expect(cfg('').store.chunkAfterHours).toBe(6);
    expect(cfg(', chunkAfterHours: 24').store.chunkAfterHours).toBe(24);
  });
  it.each([
    ['0', /store\.chunkAfterHours: expected at least 1 hour/],
    ['1.5', /store\.chunkAfterHours: expected whole hours, such as 6/],
    ['1000', /store\.chunkAfterHours: expected at most 720 hours/],
    ['"enam"', /store\.chunkAfterHours: /],
  ])('refuses %s with its key path', (v, message) => {
    expect(() => cfg(`, chunkAfterHours: ${v}`)).toThrow(message);
  });
});
