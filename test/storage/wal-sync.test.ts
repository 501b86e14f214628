// Ingest commits without an fsync on the event loop (collector/storage/wal-sync.ts): a commit is
// acknowledged only after an fdatasync of the WAL that began after it; commits made while one
// runs wait for the next. Against a real store file; no timers.
import { describe, expect, it } from 'vitest';
import { WalSync } from '../../collector/storage/wal-sync.js';
import { GroupCommit } from '../../collector/ingest/group-commit.js';
import type { Sample } from '../../protocol/samples.js';
import { tempStores } from '../helpers/temp-store.js';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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

  it('fails for good after one failed sync: a later sync that could succeed acknowledges nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pantau-walsync-'));
    try {
      const file = join(dir, 'p.db-wal');
      const wal = new WalSync(file);
      await expect(wal.durable(wal.noteCommit())).rejects.toThrow(/could not be synced.*ENOENT.*until the collector restarts/);
      writeFileSync(file, 'x'); // the file is there now: a sync would succeed
      await expect(wal.durable(wal.noteCommit())).rejects.toThrow(/could not be synced/);
      expect(wal.syncs).toBe(0);
      wal.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('closes its descriptor after the sync running at close, and syncs nothing after', async () => {
    const store = openStore();
    store.writeBatch('a1', 'b0', [iface(NOW - 60_000)], NOW);
    const wal = new WalSync(`${store.file}-wal`);
    const running = wal.durable(wal.noteCommit());
    wal.close(); // while it runs
    await running;
    expect(wal.syncs).toBe(1);
    await expect(wal.durable(wal.noteCommit())).rejects.toThrow(/closed/);
    expect(wal.syncs).toBe(1);
  });

  it('syncs the WAL SQLite writes when the store\'s path is a symlink', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pantau-walsync-'));
    try {
      mkdirSync(join(dir, 'disk'));
      symlinkSync(join(dir, 'disk', 'pantau.db'), join(dir, 'pantau.db')); // the data moved to another disk
      writeFileSync(join(dir, 'pantau.db-wal'), ''); // and a stale file named like its old WAL
      const store = openStore(join(dir, 'pantau.db'));
      expect(store.mainFile()).toBe(realpathSync(join(dir, 'disk', 'pantau.db')));
      store.syncWalLater();
      expect(store.walSyncFile).toBe(`${realpathSync(join(dir, 'disk', 'pantau.db'))}-wal`); // not the stale file beside the link
      const gc = new GroupCommit(store, {});
      await expect(gc.submit({ agent: 'a1', batch: 'b1', samples: [iface(NOW - 60_000)], now: NOW })).resolves.toEqual({ stored: 1, duplicate: false });
      expect(store.walSyncs).toBe(1);
      expect(statSync(join(dir, 'disk', 'pantau.db-wal')).size).toBeGreaterThan(0); // the WAL SQLite writes, the one synced
      store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers ingest only after the WAL is synced, the commit itself at NORMAL and FULL again after it', async () => {
    const store = openStore();
    store.syncWalLater();
    const gc = new GroupCommit(store, { merge: 'eager' });
    const level = () => Number(store.db.prepare('PRAGMA synchronous').pluck().get());
    const during: number[] = [];
    const stage = store.staging.stage.bind(store.staging);
    store.staging.stage = (rows) => {
      during.push(level()); // inside the group's transaction
      stage(rows);
    };
    const events: string[] = [];
    const durable = store.durable.bind(store);
    store.durable = () => durable().then(() => void events.push('synced'));
    const r = await Promise.all([1, 2, 3].map((k) => gc.submit({ agent: 'a1', batch: `b${k}`, samples: [iface(NOW - k * 60_000)], now: NOW }).then((x) => (events.push('answered'), x))));
    expect(r).toEqual([1, 2, 3].map(() => ({ stored: 1, duplicate: false })));
    expect(events).toEqual(['synced', 'answered', 'answered', 'answered']);
    expect(during).toEqual([1, 1, 1]); // NORMAL: the commit does not fsync by itself
    expect(level()).toBe(2);
    expect(store.walSyncs).toBe(1);
  });
});
