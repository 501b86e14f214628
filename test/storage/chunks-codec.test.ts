// The chunk codec (collector/storage/chunks/codec.ts): whatever goes in comes out exactly,
// u64 counters included (2^64−1, 32-bit wraps, resets, random values), and realistic
// 60-second polls with jitter take about 10 bytes a sample or less.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeChunk, encodeChunk, encodeChunkColumns, type RawSample } from '../../collector/storage/chunks/codec.js';
import { Writer } from '../../collector/storage/chunks/streams.js';

const U64 = (1n << 64n) - 1n;
const T0 = Date.UTC(2026, 10, 2, 0, 0, 0);

const sample = (ts: number, inOct: bigint, outOct: bigint, more: Partial<RawSample> = {}): RawSample => ({
  ts,
  inOct,
  outOct,
  uptime: 100n,
  speed: 1_000_000_000n,
  flags: 6,
  ...more,
});

const roundTrip = (rows: RawSample[]) => {
  expect(decodeChunk(encodeChunk(rows))).toEqual(rows);
  expect(encodeChunk(rows)).toEqual(encodeChunk(rows, true)); // the number path writes the bigint path's bytes
};

describe('chunk codec', () => {
  it('keeps the largest u64, zero, and a counter that wraps from 2^64−1 to 0', () => {
    roundTrip([sample(T0, U64, 0n), sample(T0 + 60_000, 0n, U64), sample(T0 + 120_000, U64, U64), sample(T0 + 180_000, 5n, 1n)]);
  });

  it('keeps 32-bit wraps, resets and reboots', () => {
    const rows: RawSample[] = [];
    let c = 4_294_000_000n;
    let up = 1_000n;
    for (let i = 0; i < 50; i++) {
      c = i === 20 ? 10n : (c + 700_000n) % (1n << 32n); // wraps twice, reset at 20
      up = i === 30 ? 5n : up + 6000n; // a reboot at 30
      rows.push(sample(T0 + i * 60_000, c, c / 3n, { uptime: up, flags: 1 | 2 | (i % 7 === 0 ? 0 : 4) }));
    }
    roundTrip(rows);
  });

  it('keeps absent uptime and speed, one sample, two samples, and negative stored uptime or speed', () => {
    roundTrip([sample(T0, 1n, 2n, { uptime: null, speed: null, flags: 0 })]);
    roundTrip([sample(T0, 1n, 2n, { uptime: null }), sample(T0 + 1, 3n, 4n, { speed: null })]);
    roundTrip([
      sample(T0, 1n, 2n, { uptime: -5n, speed: -(1n << 63n) }),
      sample(T0 + 7, 3n, 4n, { uptime: null, speed: (1n << 63n) - 1n }),
      sample(T0 + 9_000_000_000, 3n, 4n, { uptime: 4_294_967_295n, speed: null }),
    ]);
  });

  it('refuses what it cannot keep exactly: unsorted or repeated times, counters outside u64', () => {
    expect(() => encodeChunk([])).toThrow(/no samples/);
    expect(() => encodeChunk([sample(T0, 1n, 1n), sample(T0, 2n, 2n)])).toThrow(/does not follow/);
    expect(() => encodeChunk([sample(T0, U64 + 1n, 1n)])).toThrow(/u64/);
    expect(() => encodeChunk([sample(T0, -1n, 1n)])).toThrow(/u64/);
    expect(() => encodeChunk([sample(T0 + 0.5, 1n, 1n)])).toThrow(/integer/);
  });

  it('refuses damaged data instead of returning wrong samples', () => {
    const data = encodeChunk([sample(T0, 1n, 2n), sample(T0 + 60_000, 3n, 4n), sample(T0 + 120_000, 5n, 6n)]);
    expect(() => decodeChunk(data.subarray(0, data.length - 1))).toThrow(/chunk/);
    expect(() => decodeChunk(Uint8Array.of(...data, 0))).toThrow(/bytes left/);
    expect(() => decodeChunk(Uint8Array.of(9, ...data.subarray(1)))).toThrow(/version/);
  });

  it('decode(encode(x)) == x for random samples (property)', () => {
    const row = fc.record({
      dt: fc.oneof(fc.integer({ min: 1, max: 120_000 }), fc.integer({ min: 1, max: 2 ** 40 })),
      inOct: fc.bigInt({ min: 0n, max: U64 }),
      outOct: fc.oneof(fc.bigInt({ min: 0n, max: U64 }), fc.bigInt({ min: 0n, max: (1n << 32n) - 1n })),
      uptime: fc.option(fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n })),
      speed: fc.option(fc.constantFrom(0n, 10_000_000n, 1_000_000_000n, 4_294_967_295n, (1n << 63n) - 1n)),
      flags: fc.integer({ min: 0, max: 7 }),
    });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 45 }), fc.array(row, { minLength: 1, maxLength: 80 }), (start, xs) => {
        let ts = start;
        const rows = xs.map((x) => ({ ts: (ts += x.dt), inOct: x.inOct, outOct: x.outOct, uptime: x.uptime, speed: x.speed, flags: x.flags }));
        expect(decodeChunk(encodeChunk(rows))).toEqual(rows);
        expect(encodeChunk(rows)).toEqual(encodeChunk(rows, true));
      }),
      { numRuns: 300 },
    );
  });

  it('decode(encode(x)) == x for counters that rise, wrap at 2^32 or 2^64 and reset (property)', () => {
    const step = fc.record({
      jitter: fc.integer({ min: -2000, max: 2000 }),
      add: fc.bigInt({ min: 0n, max: 1n << 36n }),
      event: fc.constantFrom('none', 'none', 'none', 'none', 'reset', 'wrap32', 'wrap64'),
    });
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: U64 }), fc.array(step, { minLength: 2, maxLength: 200 }), (c0, steps) => {
        let ts = T0;
        let c = c0;
        const rows = steps.map((s) => {
          ts += 60_000 + s.jitter;
          if (s.event === 'reset') c = s.add % 1000n;
          else if (s.event === 'wrap32') c = (c + s.add) % (1n << 32n);
          else c = (c + s.add) & U64;
          return sample(ts, c, U64 - c, { uptime: BigInt(Math.floor((ts - T0) / 10)) });
        });
        expect(decodeChunk(encodeChunk(rows))).toEqual(rows);
        expect(encodeChunk(rows)).toEqual(encodeChunk(rows, true));
      }),
      { numRuns: 200 },
    );
  });

  it('packs numbers of every width 0-53 bit for bit as bigints, from every bit offset', () => {
    let seed = 3;
    const rnd = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    for (let width = 0; width <= 53; width++) {
      for (const count of [1, 3, 7, 16, 17, 40]) {
        // Values with the top bit set (so the block's width is `width`), others random below it.
        const values = Array.from({ length: count }, (_, i) => (width === 0 ? 0 : i === 0 ? 2 ** (width - 1) + Math.floor(rnd() * 2 ** (width - 1)) : Math.floor(rnd() * 2 ** width)));
        const a = new Writer();
        const b = new Writer();
        a.byte(width); // a leading byte, as in a chunk
        b.byte(width);
        a.streamNum(values);
        b.stream(values.map(BigInt));
        expect([width, count, Buffer.from(a.bytes()).toString('hex')]).toEqual([width, count, Buffer.from(b.bytes()).toString('hex')]);
      }
    }
  });

  it('writes the same bytes in numbers as in bigints, also at the edges of the number path (property)', () => {
    // Values around 2^53 and rates whose prediction (previous increase × interval) passes 2^53:
    // the number path must hand those columns to the bigint path, never round.
    const edge = fc.constantFrom(0n, 1n, (1n << 51n) - 1n, 1n << 51n, (1n << 53n) - 1n, 1n << 53n, (1n << 53n) + 1n, U64);
    const step = fc.record({
      dt: fc.oneof(fc.integer({ min: 1, max: 120_000 }), fc.integer({ min: 1, max: 2 ** 45 })),
      add: fc.oneof(fc.bigInt({ min: 0n, max: 1n << 40n }), fc.bigInt({ min: 0n, max: 1n << 53n })),
      at: fc.option(edge, { freq: 6 }),
      uptime: fc.option(fc.oneof(fc.bigInt({ min: 0n, max: 1n << 32n }), edge), { freq: 4 }),
      speed: fc.option(fc.oneof(fc.constantFrom(10n ** 9n, 10n ** 11n), edge), { freq: 4 }),
    });
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 50), max: 2 ** 50 }), fc.array(step, { minLength: 1, maxLength: 60 }), (start, steps) => {
        let ts = start;
        let c = 0n;
        const rows = steps.map((x) => {
          ts += x.dt;
          c = x.at ?? (c + x.add) & U64;
          return sample(ts, c, c / 7n, { uptime: x.uptime, speed: x.speed });
        });
        const bytes = encodeChunk(rows);
        expect(bytes).toEqual(encodeChunk(rows, true));
        expect(decodeChunk(bytes)).toEqual(rows);
      }),
      { numRuns: 500 },
    );
  });

  it('takes under 10 bytes a sample for six hours of 60-second polls with ±2 s jitter', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const rows: RawSample[] = [];
    let rate = 2_000_000; // bytes/s, a random walk
    let inOct = 10n ** 12n;
    let outOct = 3n * 10n ** 11n;
    let ts = T0;
    for (let i = 0; i < 360; i++) {
      const next = T0 + i * 60_000 + Math.round((rnd() - 0.5) * 4000);
      const dt = i === 0 ? 0 : next - ts;
      ts = next;
      rate = Math.max(1000, rate * (1 + (rnd() - 0.5) * 0.2));
      inOct += BigInt(Math.round((rate * dt) / 1000));
      outOct += BigInt(Math.round((rate * dt) / 4000));
      rows.push(sample(ts, inOct, outOct, { uptime: BigInt(Math.floor((ts - T0 + 86_400_000) / 10)) }));
    }
    const data = encodeChunk(rows);
    expect(decodeChunk(data)).toEqual(rows);
    expect(data.length / rows.length).toBeLessThan(10);
  });

  it('encodes number columns (the merge\'s segments) to the bigint encoder\'s bytes, or declines what needs bigints (property)', () => {
    const edge = <T,>(common: fc.Arbitrary<T>, rare: fc.Arbitrary<T>) => fc.oneof({ weight: 30, arbitrary: common }, { weight: 1, arbitrary: rare });
    const row = fc.record({
      dt: edge(fc.integer({ min: 1, max: 120_000 }), fc.oneof(fc.constantFrom(1, 60_000), fc.integer({ min: 1, max: 2 ** 40 }))),
      add: edge(fc.integer({ min: 0, max: 2 ** 36 }), fc.constantFrom(0, 2 ** 51, 2 ** 52)),
      reset: fc.integer({ min: 0, max: 19 }).map((v) => v === 0),
      uptime: fc.option(edge(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.constantFrom(0, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER))),
      speed: fc.option(edge(fc.constantFrom(0, 10_000_000, 1_000_000_000, 4_294_967_295), fc.constantFrom(2 ** 51, 2 ** 52))),
      flags: fc.integer({ min: 0, max: 7 }),
    });
    let numbers = 0;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 45 }), fc.oneof(fc.integer({ min: 0, max: 2 ** 40 }), fc.constant(Number.MAX_SAFE_INTEGER - 2 ** 40)), fc.array(row, { minLength: 1, maxLength: 40 }), (start, c0, xs) => {
        let ts = start;
        let c = c0;
        const rows = xs.map((x): RawSample => {
          c = x.reset ? x.add % 1000 : c + x.add;
          return { ts: (ts += x.dt), inOct: BigInt(c), outOct: BigInt(Math.floor(c / 3)), uptime: x.uptime === null ? null : BigInt(x.uptime), speed: x.speed === null ? null : BigInt(x.speed), flags: x.flags };
        });
        const safe = (v: bigint) => v <= BigInt(Number.MAX_SAFE_INTEGER);
        const cols = {
          ts: rows.map((r) => r.ts),
          inOct: rows.every((r) => safe(r.inOct)) ? rows.map((r) => Number(r.inOct)) : null,
          outOct: rows.every((r) => safe(r.outOct)) ? rows.map((r) => Number(r.outOct)) : null,
          uptime: rows.map((r) => (r.uptime === null ? null : Number(r.uptime))),
          speed: rows.map((r) => (r.speed === null ? null : Number(r.speed))),
          flags: rows.map((r) => r.flags),
        };
        const got = encodeChunkColumns(cols);
        if (got) {
          numbers++;
          expect(got).toEqual(encodeChunk(rows, true));
        }
      }),
      { numRuns: 1500, seed: 20261203 },
    );
    expect(numbers).toBeGreaterThan(500);
    expect(encodeChunkColumns({ ts: [1, 1], inOct: [1, 2], outOct: [1, 2], uptime: [null, null], speed: [null, null], flags: [0, 0] })).toBeNull(); // not increasing
    expect(encodeChunkColumns({ ts: [1, 2], inOct: null, outOct: [1, 2], uptime: [null, null], speed: [null, null], flags: [0, 0] })).toBeNull();
  });
});
