// WAL checkpoints off the ingest path (issue 12): commits never copy pages into the database
// file; the background merge does (PASSIVE), and empties the WAL when nothing is staged. And the
// merge commits without an fsync of its own (synchronous NORMAL for its transaction), leaving
// the store's FULL setting as it was, also when the merge throws; inside an open transaction
// the setting is left alone.
import { beforeEach, describe, expect, it } from 'vitest';
import { statSync } from 'node:fs';
import type { Store } from '../../collector/storage/store.js';
import { Checkpoints } from '../../collector/storage/checkpoint.js';
import { relaxedSync } from '../../collector/storage/staging.js';
import type { Sample } from '../../protocol/samples.js';
import { tempStores } from '../helpers/temp-store.js';
import { rawCount } from '../helpers/raw-samples.js';

const NOW = Date.parse('2026-11-20T05:00:00Z');
const openStore = tempStores();
let store: Store;
beforeEach(() => {
  store = openStore();
});

/** `n` batches of 2,000 samples of 200 interfaces: about 100 KB staged each. */
function ingest(n: number, from = 0): void {
  for (let b = from; b < from + n; b++) {
    const samples: Sample[] = [];
    for (let k = 0; k < 10; k++)
      for (let i = 0; i < 200; i++) samples.push({ type: 'iface', device: 'r1', interface: `e${i}`, ts: NOW + (b * 10 + k) * 60_000, inOctets: BigInt(b * 10 + k) * 1000n, outOctets: 1n, bits: 64 });
    const [r] = store.stageBatches([{ agent: 'a1', batch: `b${b}`, samples, now: NOW }]);
    expect(r).toEqual({ stored: 2000, duplicate: false });
  }
}
const dbBytes = () => statSync(store.file).size;

describe('WAL checkpoints', () => {
  it('are not taken inside ingest commits once taken over; the merge checkpoints, and truncates the WAL when idle', () => {
    store.checkpoints.takeOver();
    const before = dbBytes();
    ingest(60); // ~6 MB of WAL: past SQLite's automatic checkpoint at 1,000 pages
    expect(store.checkpoints.walBytes()).toBeGreaterThan(4_000_000);
    expect(dbBytes()).toBe(before); // no page reached the database file: no checkpoint ran in a commit
    expect(store.maintain(60_000)).toBe(60);
    expect(store.checkpoints.counts).toEqual({ passive: 1, truncate: 0, forced: 0 });
    expect(dbBytes()).toBeGreaterThan(before + 4_000_000);
    expect(rawCount(store)).toBe(120_000);
    expect(store.maintain(50)).toBe(0); // nothing staged: idle
    expect(store.checkpoints.counts).toEqual({ passive: 1, truncate: 1, forced: 0 });
    expect(store.checkpoints.walBytes()).toBe(0);
    expect(store.maintain(50)).toBe(0); // still idle, WAL empty: nothing to do
    expect(store.checkpoints.counts.truncate).toBe(1);
  });

  it('wait for a merge worth doing: enough samples staged, the oldest staged long enough, or ingest gone quiet', () => {
    const wait = { minSamples: 50_000, maxAgeMs: 3_600_000 };
    ingest(2); // 4,000 samples
    expect(store.maintain(50, wait)).toBe(0);
    expect(store.staging.pending()).toEqual({ batches: 2, samples: 4000 });
    expect(store.maintain(50, { minSamples: 4000, maxAgeMs: 3_600_000 })).toBe(2);
    ingest(1, 2);
    expect(store.maintain(50, { minSamples: 50_000, maxAgeMs: 0 })).toBe(1);
    expect(store.staging.pending()).toEqual({ batches: 0, samples: 0 });
    // Batches keep arriving between calls: it waits; after three calls with nothing staged since, it merges.
    ingest(1, 3);
    expect(store.maintain(50, wait)).toBe(0);
    ingest(1, 4);
    expect(store.maintain(50, wait)).toBe(0);
    expect(store.maintain(50, wait)).toBe(0);
    expect(store.maintain(50, wait)).toBe(0);
    expect(store.maintain(50, wait)).toBe(2);
    expect(store.staging.pending()).toEqual({ batches: 0, samples: 0 });
  });

  it('are left to SQLite when not taken over (tools, one-shot commands)', () => {
    const before = dbBytes();
    ingest(60);
    expect(dbBytes()).toBeGreaterThan(before);
    expect(store.checkpoints.counts).toEqual({ passive: 0, truncate: 0, forced: 0 });
  });

  it('copy pages at most once per interval while merges keep writing, and truncate as soon as nothing is staged', () => {
    const ck = new Checkpoints(store.db, store.file, 256 * 1024 * 1024, 3_600_000);
    ck.takeOver();
    ingest(1);
    ck.afterMerge(false);
    ck.afterMerge(false);
    expect(ck.counts).toEqual({ passive: 1, truncate: 0, forced: 0 });
    ck.afterMerge(true);
    expect(ck.counts).toEqual({ passive: 1, truncate: 1, forced: 0 });
    expect(ck.walBytes()).toBe(0);
  });

  it('keep the WAL bounded when the background falls behind: past the bound the next write checkpoints', () => {
    const ck = new Checkpoints(store.db, store.file, 1_000_000);
    ck.takeOver();
    ck.noteWrite(600_000);
    expect(ck.counts.forced).toBe(0);
    ck.noteWrite(600_000);
    expect(ck.counts.forced).toBe(1);
    ck.noteWrite(600_000); // counted afresh after the checkpoint
    expect(ck.counts.forced).toBe(1);
  });
});

describe('WAL checkpoints in a thread (the collector)', () => {
  it('copy pages on a connection of their own while this one keeps writing, one at a time, and truncate the WAL here', async () => {
    store.checkpoints.takeOver({ thread: true });
    const before = dbBytes();
    ingest(60);
    expect(store.maintain(60_000)).toBe(60); // merges, then asks the thread for a PASSIVE checkpoint
    // Its answer comes as a message, on a later turn of the event loop: not counted yet (run
    // here, on this connection, it would be).
    expect(store.checkpoints.counts.passive).toBe(0);
    store.checkpoints.afterMerge(true); // one at a time: skipped while the PASSIVE is in flight
    ingest(5, 60); // this connection writes while the thread checkpoints
    await store.checkpoints.idle();
    expect(store.checkpoints.counts).toEqual({ passive: 1, truncate: 0, forced: 0 });
    expect(store.checkpoints.failed).toBe(0);
    expect(dbBytes()).toBeGreaterThan(before + 4_000_000); // the thread copied the merged pages into the file
    store.staging.drain();
    store.checkpoints.afterMerge(true); // idle: TRUNCATE, on this connection (at once)
    expect(store.checkpoints.counts).toEqual({ passive: 1, truncate: 1, forced: 0 });
    expect(store.checkpoints.walBytes()).toBe(0);
    expect(rawCount(store)).toBe(130_000);
  });

  it('keep the bound on the writer\'s own connection, and go back to it when the thread is gone', async () => {
    const ck = new Checkpoints(store.db, store.file, 1_000_000);
    ck.takeOver({ thread: true });
    ingest(1);
    ck.noteWrite(1_200_000); // past the bound: at once, here, not in the thread
    expect(ck.counts.forced).toBe(1);
    ck.close(); // the thread ends; afterMerge runs here again, at once
    ck.afterMerge(true);
    expect(ck.counts.truncate).toBe(1);
    expect(ck.walBytes()).toBe(0);
  });
});

const FULL = 2;
const NORMAL = 1;
const level = () => Number(store.sql('PRAGMA synchronous', { pluck: true }).get());

describe('relaxedSync', () => {
  it('runs the merge at NORMAL and puts FULL back, after a throw too; inside a transaction it changes nothing', () => {
    expect(level()).toBe(FULL);
    expect(relaxedSync(store.db, level)).toBe(NORMAL);
    expect(level()).toBe(FULL);
    expect(() => relaxedSync(store.db, () => { throw new Error('merge failed'); })).toThrow('merge failed');
    expect(level()).toBe(FULL);
    const inside = store.db.transaction(() => relaxedSync(store.db, level));
    expect(inside()).toBe(FULL);
    expect(level()).toBe(FULL);
  });

  it('is how the staging merge runs: NORMAL inside its transaction, FULL again once it is done', () => {
    const now = Date.UTC(2026, 11, 3, 2, 0, 0);
    const seen: number[] = [];
    // finalBefore() is read once per slice, inside the merge's transaction.
    store.staging.foldWith({
      maxGapMs: 600_000,
      dayStart: (t) => Math.floor(t / 86_400_000) * 86_400_000,
      finalBefore: () => (seen.push(level()), 0),
      sample: () => {
        throw new Error('a new series has no stored sample');
      },
      apply: () => {},
    });
    store.writeBatch('a1', 'b1', [{ type: 'iface', device: 'r1', interface: 'ether1', ts: now, inOctets: 1n, outOctets: 2n, bits: 64 }], now);
    expect(rawCount(store)).toBe(1);
    expect(seen).toEqual([NORMAL]);
    expect(level()).toBe(FULL);
  });
});
