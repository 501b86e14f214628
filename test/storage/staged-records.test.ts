// Staged records built where a batch is parsed (collector/storage/staging.ts columnRecords,
// StagedRows.addColumns): the store only writes each record's series id, so the bytes it
// stages must equal what it staged when it wrote every field itself (StagedRows.add).
import { describe, expect, it } from 'vitest';
import { RECORD, StagedRows, StagedStates, columnRecords, type IfaceColumns } from '../../collector/storage/staging.js';
import { records, recordsOf, sortRecords } from '../../collector/storage/staged-records.js';

function columns(): IfaceColumns {
  const n = 7;
  const c: Omit<IfaceColumns, 'records'> = {
    n,
    keys: ['r1\u0000ether1', 'r1\u0000ether2', 'r2\u0000wan'],
    key: Uint32Array.from([0, 1, 2, 0, 1, 2, 0]),
    ts: Float64Array.from([60_000, 60_000, 60_000, 120_000, 120_000, 120_000, 180_000]),
    inOctets: BigUint64Array.from([1n, 2n ** 64n - 1n, 2n ** 53n + 1n, 5n, 6n, 7n, 8n]),
    outOctets: BigUint64Array.from([9n, 10n, 11n, 12n, 2n ** 63n, 14n, 15n]),
    uptime: Float64Array.from([100, NaN, 300, 6_100, NaN, 6_300, 12_100]),
    speed: Float64Array.from([1e9, 1e8, NaN, 1e9, 1e8, NaN, 1e10]),
    flags: Uint8Array.from([0, 1, 2, 6, 1, 2, 7]),
    index: Uint32Array.from([0, 1, 2, 3, 4, 5, 6]),
  };
  return { ...c, records: columnRecords(c) };
}

describe('staged records from columns', () => {
  it('stages the kept samples with their series ids, byte for byte as add() writes them', () => {
    const c = columns();
    const keep = Uint8Array.from([1, 0, 1, 1, 0, 0, 1]); // runs of kept records with gaps between
    const seriesOfKey = Float64Array.from([41, 42, 4_000_000_000]);
    const fromColumns = new StagedRows(c.n);
    fromColumns.addColumns(c, keep, seriesOfKey);

    const byField = new StagedRows(c.n);
    for (let k = 0; k < c.n; k++) {
      if (!keep[k]) continue;
      const up = c.uptime[k];
      const sp = c.speed[k];
      byField.add(seriesOfKey[c.key[k]], c.ts[k], c.inOctets[k], c.outOctets[k], Number.isNaN(up) ? undefined : up, Number.isNaN(sp) ? undefined : sp, c.flags[k]);
    }
    expect(fromColumns.count).toBe(4);
    expect(fromColumns.bytes().length).toBe(4 * RECORD);
    expect(Buffer.compare(fromColumns.bytes(), byField.bytes())).toBe(0);
    // The series field is the key's, not the 0 columnRecords leaves.
    expect([0, 1, 2, 3].map((r) => fromColumns.bytes().readUInt32LE(r * RECORD))).toEqual([41, 4_000_000_000, 41, 41]);
  });

  it('refuses a record whose interface has no series id, or one wider than 32 bits', () => {
    const c = columns();
    expect(() => new StagedRows(c.n).addColumns(c, new Uint8Array(c.n).fill(1), Float64Array.from([1, -1, 3]))).toThrow(/sample 1: series id -1 is not a 32-bit id/);
    expect(() => new StagedRows(c.n).addColumns(c, new Uint8Array(c.n).fill(1), Float64Array.from([1, 2, 2 ** 32]))).toThrow(/sample 2: series id 4294967296/);
  });
});

describe('sorting a generation\'s records (sortRecords)', () => {
  it('gives the comparator sort\'s order (series, time, arrival) for dense and sparse ids, ties and times out of order', () => {
    let seed = 5;
    const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    for (let t = 0; t < 400; t++) {
      const n = 1 + Math.floor(rand() * 300);
      const sparse = rand() < 0.2;
      const edge = !sparse && rand() < 0.1; // ids at the counting sort's cut-over (4n + 4096), on both sides
      const ids = 1 + Math.floor(rand() * 40);
      const rows = new StagedRows(n);
      for (let k = 0; k < n; k++) {
        const series = sparse ? Math.floor(rand() * 2 ** 32) >>> 0 : edge ? 4 * n + 4095 + Math.floor(rand() * 3) : Math.floor(rand() * ids);
        const ts = rand() < 0.7 ? 60_000 * Math.floor(k / ids) : 60_000 * Math.floor(rand() * 5); // mostly in order, some not, ties
        rows.add(series, ts, 1n, 2n, undefined, undefined, 0);
      }
      const r = recordsOf(new Uint8Array(rows.bytes()).slice().buffer);
      const want = Uint32Array.from({ length: n }, (_, k) => k).sort((x, y) => r.u32[x * 12] - r.u32[y * 12] || r.f64[x * 6 + 1] - r.f64[y * 6 + 1] || x - y);
      const got = new Uint32Array(n);
      sortRecords(r, got);
      expect([...got]).toEqual([...want]);
    }
  });

  it('reads a generation into a reused buffer when it is big enough, with views of exactly its records', () => {
    const rows = new StagedRows(3);
    for (let k = 0; k < 3; k++) rows.add(7 + k, 60_000 * k, BigInt(k), 0n, undefined, undefined, 0);
    const big = new ArrayBuffer(RECORD * 10);
    const r = records([rows.bytes().subarray(0, RECORD), rows.bytes().subarray(RECORD)], 3 * RECORD, big);
    expect(r.u32.buffer).toBe(big);
    expect([r.n, r.u32.length, r.f64.length, r.u64[6 * 2 + 2]]).toEqual([3, 36, 18, 2n]);
    const small = records([rows.bytes()], 3 * RECORD, new ArrayBuffer(RECORD));
    expect(small.u32.buffer.byteLength).toBe(3 * RECORD); // too small: a new one
  });
});

describe('staged interface states (StagedStates)', () => {
  it('keeps each interface\'s newest staged sample: a newer one replaces it, an older or equal one does not', () => {
    const s = new StagedStates();
    s.note('r1', 'ether1', 60_000, 2 | 4, 1e9); // operUp known and up, 64-bit
    s.note('r1', 'ether1', 60_000, 2, 1e8); // the same time: the first staged is kept
    s.note('r1', 'ether1', 30_000, 1, NaN); // older
    expect(s.of('r1')?.get('ether1')).toEqual({ ts: 60_000, operUp: true, speed: 1e9, bits: 64 });
    const before = s.of('r1')!.get('ether1');
    s.note('r1', 'ether1', 120_000, 1, NaN); // newer: 32-bit, operUp and speed unknown
    expect(s.of('r1')?.get('ether1')).toEqual({ ts: 120_000, operUp: null, speed: null, bits: 32 });
    expect(before).toEqual({ ts: 120_000, operUp: null, speed: null, bits: 32 }); // updated in place
    s.note('r2', 'wan', 5, 2, 0);
    expect(s.of('r2')?.get('wan')).toEqual({ ts: 5, operUp: false, speed: 0, bits: 64 });
    expect(s.of('r3')).toBeUndefined();
  });
});
