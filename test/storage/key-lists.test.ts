// The store keeps each batch's interface list (IfaceColumns.keyList) with its series and device
// ids, so an agent sending the same interfaces every cycle costs one lookup per batch. It must
// store exactly what the per-interface path stores, and never make a series for an interface
// whose samples were all refused. Fixed dates.
import { describe, expect, it } from 'vitest';
import { columnRecords, type IfaceColumns } from '../../collector/storage/staging.js';
import type { Store } from '../../collector/storage/store.js';
import { tempStores } from '../helpers/temp-store.js';
import { storedSamples } from '../helpers/raw-samples.js';

const openStore = tempStores();
const NOW = Date.parse('2026-11-20T05:00:00Z');
const KEYS = ['r1\u0000ether1', 'r1\u0000ether2', 'r2\u0000wan'];

/** One poll of KEYS at `p`, with or without the list's key. */
function columns(p: number, withList: boolean): IfaceColumns {
  const n = KEYS.length;
  const c: Omit<IfaceColumns, 'records'> = {
    n,
    keys: KEYS,
    key: Uint32Array.from([0, 1, 2]),
    ts: Float64Array.from([0, 1, 2].map((j) => NOW - 3_600_000 + p * 60_000 + j)),
    inOctets: BigUint64Array.from([0, 1, 2].map((j) => BigInt((p + 1) * (j + 1) * 1000))),
    outOctets: BigUint64Array.from([1n, 2n, 3n]),
    uptime: Float64Array.from([100 + p * 6000, NaN, 300 + p * 6000]),
    speed: Float64Array.from([1e9, 1e8, NaN]),
    flags: Uint8Array.from([6, 1, 2]),
    index: Uint32Array.from([0, 1, 2]),
  };
  return { ...c, ...(withList ? { keyList: JSON.stringify(KEYS) } : {}), records: columnRecords(c) };
}

const stage = (store: Store, p: number, withList: boolean, keep = Uint8Array.from([1, 1, 1])) =>
  store.stageBatches([{ agent: 'a1', batch: `b${p}`, samples: [], iface: { columns: columns(p, withList), keep }, now: NOW }]);

const tables = (store: Store) => [
  store.db.prepare('SELECT s.id, d.name, s.interface FROM series s JOIN device d ON d.id = s.device ORDER BY s.id').all(),
  store.db.prepare('SELECT d.name, ds.last_seen FROM device_state ds JOIN device d ON d.id = ds.device ORDER BY d.name').all(),
  storedSamples(store.db),
];

describe('a batch\'s interface list', () => {
  it('stores what the per-interface path stores, cycle after cycle', () => {
    const listed = openStore();
    const plain = openStore();
    for (let p = 0; p < 4; p++) {
      expect(stage(listed, p, true)).toEqual([{ stored: 3, duplicate: false }]);
      expect(stage(plain, p, false)).toEqual([{ stored: 3, duplicate: false }]);
    }
    listed.settle();
    plain.settle();
    expect(tables(listed)).toEqual(tables(plain));
    expect(tables(listed)[0]).toHaveLength(3);
    expect(listed.stagedStates.of('r2')?.get('wan')?.ts).toBe(NOW - 3_600_000 + 3 * 60_000 + 2);
  });

  it('makes no series for an interface whose samples were all refused', () => {
    const store = openStore();
    expect(stage(store, 0, true, Uint8Array.from([1, 0, 1]))).toEqual([{ stored: 2, duplicate: false }]);
    store.settle();
    expect(tables(store)[0]).toEqual([expect.objectContaining({ name: 'r1', interface: 'ether1' }), expect.objectContaining({ name: 'r2', interface: 'wan' })]);
    expect(stage(store, 1, true)).toEqual([{ stored: 3, duplicate: false }]); // now all kept: the list is made, ether2 with it
    store.settle();
    expect(tables(store)[0]).toHaveLength(3);
  });
});
