// The merge in generations (collector/storage/staging.ts): the staged batches up to one id are
// sorted once and merged a slice of whole series at a time, each slice its own transaction
// that records how far it got; the staged rows go with the last slice. A crash between slices
// (the store closed and opened again), or another connection taking over, continues after
// the last series committed: every sample stored once, and the buckets equal those of one
// merge. Clocks are fixed dates.
import { describe, expect, it } from 'vitest';
import { IDLE_QUIET_MS, type Store } from '../../collector/storage/store.js';
import { Rollup } from '../../collector/storage/rollup.js';
import type { IfaceSample } from '../../protocol/samples.js';
import { tempStores } from '../helpers/temp-store.js';
import { rawCount } from '../helpers/raw-samples.js';

const NOW = Date.parse('2026-11-20T05:00:00Z');
const openStore = tempStores();

/** Poll `p` of `series` interfaces (r1/e0..), a counter rising by a different rate per interface. */
function poll(p: number, series: number): IfaceSample[] {
  return Array.from({ length: series }, (_, i) => ({
    type: 'iface', device: 'r1', interface: `e${i}`, ts: NOW - 3_600_000 + p * 60_000 + i, inOctets: BigInt(p * (i + 1) * 1_000_000), outOctets: BigInt(p * 1000), bits: 64, operUp: true,
  }));
}

function stage(store: Store, polls: number[], series: number, tag = 'b'): void {
  for (const p of polls) {
    const [r] = store.stageBatches([{ agent: 'a1', batch: `${tag}${p}`, samples: poll(p, series), now: NOW }]);
    expect(r).toEqual({ stored: series, duplicate: false });
  }
}

const marker = (store: Store) => store.db.prepare("SELECT value FROM meta WHERE key = 'merge_gen'").pluck().get() as string | undefined;
const buckets = (store: Store) => store.db.prepare('SELECT series, bucket, in_bytes, out_bytes, covered_ms FROM usage5m ORDER BY series, bucket').safeIntegers(true).all();
const withRollup = (store: Store) => new Rollup(store, { maxGapMs: 600_000, foldOnMerge: true });

describe('the merge in generations', () => {
  it('merges a generation a slice of whole series at a time, and drops its staged rows with the last', () => {
    const store = openStore();
    withRollup(store);
    stage(store, [0, 1, 2, 3], 100); // 400 samples, 4 per series
    expect(store.staging.mergeOnce(90)).toEqual({ batches: 0, samples: 92 }); // 23 whole series
    expect(store.staging.inGeneration()).toBe(true);
    expect(marker(store)).toMatch(/^\d+:\d+$/);
    expect(store.staging.pending()).toEqual({ batches: 4, samples: 400 }); // staged until the generation ends
    stage(store, [4], 100); // staged during the generation: the next one takes it
    let slices = 1;
    for (let r = store.staging.mergeOnce(90); r!.batches === 0; r = store.staging.mergeOnce(90)) slices++;
    expect(slices + 1).toBe(5); // 100 series in slices of 23: five
    expect(store.staging.pending()).toEqual({ batches: 1, samples: 100 });
    expect(marker(store)).toBeUndefined();
    expect(store.staging.inGeneration()).toBe(false);
    expect(rawCount(store)).toBe(400);
    store.staging.drain();
    expect([rawCount(store), store.staging.pending().samples]).toEqual([500, 0]);
  });

  it('continues after a crash between slices from the last series committed: every sample once, the same buckets', () => {
    const polls = Array.from({ length: 20 }, (_, p) => p); // 20 per series: written as segments
    const reference = openStore();
    const refRollup = withRollup(reference);
    stage(reference, polls, 30);
    reference.settle();
    refRollup.drain();

    const store = openStore();
    withRollup(store);
    stage(store, polls, 30);
    store.staging.mergeOnce(100);
    store.staging.mergeOnce(100); // 10 of the 30 series
    const got = marker(store)!;
    const file = store.file;
    store.close(); // the process dies: the generation in memory is gone, the marker stays
    const again = openStore(file);
    const rollup = withRollup(again);
    expect(marker(again)).toBe(got);
    again.settle();
    rollup.drain();
    expect(marker(again)).toBeUndefined();
    expect(rawCount(again)).toBe(600);
    // Nothing merged twice: no sample also stored as a late row, and every series folded in order.
    const stored = (s: Store) => s.db.prepare('SELECT (SELECT count(*) FROM iface_sample) + (SELECT coalesce(sum(n), 0) FROM iface_chunk)').pluck().get();
    expect(stored(again)).toBe(600);
    expect(again.staging.folds).toEqual({ folded: 20, recomputed: 0 });
    expect(buckets(again)).toEqual(buckets(reference));
    expect(buckets(again).length).toBeGreaterThan(0);
  });

  it('lets another connection finish a generation this one started, and then starts afresh', () => {
    const store = openStore();
    withRollup(store);
    stage(store, [0, 1, 2], 50);
    store.staging.mergeOnce(40);
    const other = openStore(store.file); // a one-shot `pantau report` settling the same store
    withRollup(other);
    other.settle();
    expect([rawCount(other), other.staging.pending().samples]).toEqual([150, 0]);
    stage(store, [3], 50);
    store.settle(); // its generation in memory is stale: the marker is gone, it reads the store again
    expect([rawCount(store), marker(store)]).toEqual([200, undefined]);
    other.close();
  });

  it('waits in the background until sixteen samples per known series are staged, unless ingest goes quiet (three calls without a batch)', () => {
    const store = openStore();
    stage(store, [0], 5_000, 'warm'); // 5,000 series known
    store.settle();
    const wait = { maxAgeMs: 3_600_000 };
    stage(store, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 5_000);
    expect(store.maintain(50, wait)).toBe(0); // 50,000 < 80,000 staged
    stage(store, [11, 12, 13, 14, 15, 16], 5_000);
    expect(store.staging.pending().samples).toBe(80_000);
    store.maintain(60_000, wait);
    expect(store.staging.pending().samples).toBe(0);
    stage(store, [17], 5_000);
    expect(store.maintain(50, wait)).toBe(0); // batches still arriving
    expect(store.maintain(50, wait)).toBe(0); // nothing new since one call: a pause between cycles, not yet quiet
    expect(store.maintain(50, wait)).toBe(0);
    expect(store.maintain(60_000, wait)).toBe(1); // nothing new over three calls: quiet, merged
    // With no ingest request in hand for IDLE_QUIET_MS, ingest is quiet at once.
    stage(store, [18], 5_000);
    expect(store.maintain(50, { ...wait, idleMs: 0 })).toBe(0); // a request in hand
    expect(store.maintain(50, { ...wait, idleMs: IDLE_QUIET_MS - 1 })).toBe(0); // answered, but only just
    stage(store, [19], 5_000);
    expect(store.maintain(60_000, { ...wait, idleMs: IDLE_QUIET_MS })).toBe(2); // quiet: both batches merged
    expect(store.staging.pending().samples).toBe(0);
    // The look after ingest went idle is not a tick: it does not count towards QUIET_TICKS.
    stage(store, [20], 5_000);
    expect(store.maintain(50, wait)).toBe(0); // a batch since the last call
    for (let k = 0; k < 5; k++) expect(store.maintain(60_000, { ...wait, idleMs: 0, between: true })).toBe(0);
    stage(store, [21], 5_000);
    expect(store.maintain(60_000, { ...wait, between: true, idleMs: 0 })).toBe(0);
    expect(store.maintain(50, wait)).toBe(0); // a batch since the last tick
    expect(store.maintain(50, wait)).toBe(0);
    expect(store.maintain(50, wait)).toBe(0);
    expect(store.maintain(60_000, wait)).toBe(2); // three ticks without a batch
  });

  it('counts the age of what is staged from the start of the last generation, not from the first sample ever staged', () => {
    const store = openStore();
    const o = (now: number) => ({ now, minSamples: 1e9, maxAgeMs: 5_000 });
    stage(store, [0, 1, 2, 3, 4, 5], 10_000, 'a'); // 60,000 samples
    expect(store.maintain(0, o(0))).toBe(0); // staged since 0
    stage(store, [6], 10_000, 'a');
    expect(store.maintain(0, o(6_000))).toBe(0); // old enough: a generation begins, one slice per call (budget 0)
    expect(store.staging.inGeneration()).toBe(true);
    let now = 6_000;
    for (let k = 0; store.staging.inGeneration() && k < 10; k++) {
      stage(store, [100 + k], 10, 'b'); // arriving during the generation
      now += 100;
      store.maintain(0, o(now));
    }
    expect(store.staging.inGeneration()).toBe(false);
    expect(store.staging.pending().samples).toBeGreaterThan(0);
    stage(store, [200], 10, 'c');
    expect(store.maintain(0, o(10_999))).toBe(0); // what is left arrived after 6,000: not 5 s old yet
    stage(store, [201], 10, 'c');
    expect(store.maintain(0, o(11_000))).toBeGreaterThan(0);
  });
});
