// Ingest commits without an fsync on the event loop (collector/storage/wal-sync.ts): a commit is
// acknowledged only after an fdatasync of the WAL that began after it; commits made while one
// runs wait for the next. Against a real store file; no timers.
import { describe, expect, it } from 'vitest';
import { WalSync } from '../../collector/storage/wal-sync.js';
import { GroupCommit } from '../../collector/ingest/group-commit.js';
import type { Sample } from '../../protocol/samples.js';
import { tempStores } from '../helpers/temp-store.js';

const openStore = tempStores();
const NOW = Date.parse('2026-11-20T05:00:00Z');
const iface = (ts: number): Sample => ({ type: 'iface', device: 'r1', interface: 'ether1', ts, inOctets: BigInt(ts), outOctets: 1n, bits: 64 });

describe('the WAL\'s fdatasync', () => {
  it('settles a commit only with a sync begun after it; commits during a sync wait for the next', async () => {
    const store = openStore();
    store.writeBatch('a1', 'b0', [iface(NOW - 60_000)], NOW); // the WAL exists
    const wal = new WalSync(`${store.file}-wal`);
    const order: number[] = [];
    const first = wal.noteCommit();
    const a = wal.durable(first).then(() => order.push(first)); // a sync begins now, covering commit 1
    const second = wal.noteCommit(); // committed while it runs
    const b = wal.durable(second).then(() => order.push(second));
    await Promise.all([a, b]);
    expect(order).toEqual([1, 2]);
    expect(wal.syncs).toBe(2); // the first sync began before commit 2: it does not cover it
    expect(wal.durableUpTo).toBe(2);
    await wal.durable(2); // covered already: no sync
    expect(wal.syncs).toBe(2);
    wal.close();
  });

  it('fails the commits it covers when the WAL cannot be synced', async () => {
    const wal = new WalSync('/nonexistent/pantau.db-wal');
    await expect(wal.durable(wal.noteCommit())).rejects.toThrow(/ENOENT/);
  });

  it('answers ingest only once the WAL is synced, and leaves the connection at FULL after the commit', async () => {
    const store = openStore();
    store.syncWalLater();
    const gc = new GroupCommit(store, { merge: 'eager' });
    const levels: number[] = [];
    const commit = store.stageBatches.bind(store);
    store.stageBatches = (group) => {
      const r = commit(group);
      levels.push(Number(store.db.prepare('PRAGMA synchronous').pluck().get())); // FULL again after the commit
      return r;
    };
    const r = await Promise.all([1, 2, 3].map((k) => gc.submit({ agent: 'a1', batch: `b${k}`, samples: [iface(NOW - k * 60_000)], now: NOW })));
    expect(r).toEqual([1, 2, 3].map(() => ({ stored: 1, duplicate: false })));
    expect(store.walSyncs).toBeGreaterThanOrEqual(1);
    expect(levels).toEqual([2]); // one group, FULL restored after it
  });
});
