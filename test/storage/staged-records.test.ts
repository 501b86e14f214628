// Staged records built where a batch is parsed (collector/storage/staging.ts columnRecords,
// StagedRows.addColumns): the store only writes each record's series id, so the bytes it
// stages must equal what it staged when it wrote every field itself (StagedRows.add).
import { describe, expect, it } from 'vitest';
import { RECORD, StagedRows, columnRecords, type IfaceColumns } from '../../collector/storage/staging.js';

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
