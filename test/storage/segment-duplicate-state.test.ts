// Review of the merge's segments (collector/storage/staging.ts): "the first stored sample of a
// (series, ts) wins" must hold for iface_state too. A sample staged later with the ts of a
// sample the merge wrote into a segment is not ignored by iface_sample's primary key (the
// first one is in iface_chunk), so it is inserted as a row; iface_state must not take its
// values, as it does not when the first sample is a row. Clocks are fixed dates.
import { describe, expect, it } from 'vitest';
import type { Store } from '../../collector/storage/store.js';
import { SEGMENT_MIN } from '../../collector/storage/staging.js';
import type { IfaceSample } from '../../protocol/samples.js';
import { tempStores } from '../helpers/temp-store.js';

const START = Date.UTC(2026, 10, 3, 9, 0, 0);
const NOW = START + 86_400_000;
const openStore = tempStores();

function run(n: number): IfaceSample[] {
  return Array.from({ length: n }, (_, i) => ({
    type: 'iface', device: 'r1', interface: 'ether1', ts: START + i * 60_000, inOctets: BigInt(1_000_000 * (i + 1)), outOctets: BigInt(1_000 * (i + 1)), bits: 64, speedBps: 1e9, operUp: true,
  }));
}

const state = (store: Store) => store.db.prepare('SELECT ts, oper_up, speed, bits FROM iface_state').all();

describe('a later sample with the ts of a segment sample', () => {
  for (const segments of [false, true]) {
    it(`leaves iface_state at the first stored sample (${segments ? 'segment' : 'rows'})`, () => {
      const store = openStore();
      if (!segments) store.staging.segmentMin = Infinity;
      const xs = run(SEGMENT_MIN * 3);
      store.writeBatch('a1', 'b1', xs, NOW);
      expect(store.staging.segments).toBe(segments ? 1 : 0);
      const first = state(store);
      expect(first).toEqual([{ ts: xs.at(-1)!.ts, oper_up: 1, speed: 1e9, bits: 64 }]);
      // Another batch (a new id, e.g. an agent that polled the same cycle again) with the newest ts.
      store.writeBatch('a1', 'b2', [{ ...xs.at(-1)!, operUp: false, speedBps: 1e8, bits: 32, inOctets: 5n }], NOW);
      expect(state(store)).toEqual(first);
    });
  }
});

// segments.test compares buckets of segments and rows only without foldOnMerge (every merge
// then marks the series dirty); the collector folds at merge. Same comparison with the fold,
// with batches of mixed sizes, an out-of-order replay and a late sample inside a segment.
describe('segments with the fold at merge', () => {
  it('give the same buckets, counter events and states as rows', async () => {
    const { Rollup } = await import('../../collector/storage/rollup.js');
    const xs = run(600);
    const wan = run(600).map((x, i) => ({ ...x, interface: 'wan', inOctets: i === 300 ? 5n : x.inOctets * 3n })); // a reset at 300
    const stores = [openStore(), openStore()];
    stores[1].staging.segmentMin = Infinity;
    const out = stores.map((store) => {
      const rollup = new Rollup(store, { maxGapMs: 600_000, foldOnMerge: true });
      let b = 0;
      for (const [from, to] of [[0, 3], [3, 40], [40, 45], [60, 200], [45, 60], [200, 600]])
        store.writeBatch('a1', `b${b++}`, [...xs.slice(from, to), ...wan.slice(from, to)], NOW);
      store.writeBatch('a1', `b${b++}`, [{ ...xs[100], ts: xs[100].ts + 1 }], NOW); // late, inside a segment's time
      rollup.drain();
      const q = (sql: string) => store.db.prepare(sql).safeIntegers(true).all();
      return ['SELECT * FROM usage5m ORDER BY series, bucket', 'SELECT * FROM counter_event ORDER BY series, ts, kind', 'SELECT * FROM iface_state ORDER BY series'].map(q);
    });
    expect(stores[0].staging.segments).toBeGreaterThan(0);
    expect(stores[0].staging.folds.folded).toBeGreaterThan(0);
    expect(out[0][0].length).toBeGreaterThan(0);
    expect(out[0]).toEqual(out[1]);
  });
});
