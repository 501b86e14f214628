// The staging merge commits without an fsync of its own (synchronous NORMAL for its
// transaction) and leaves the store's FULL setting as it was, also when the merge throws; inside
// an open transaction the setting is left alone.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../../collector/storage/store.js';
import { relaxedSync } from '../../collector/storage/staging.js';

const FULL = 2;
const NORMAL = 1;
let dir: string;
let store: Store;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pantau-sync-'));
  store = new Store(join(dir, 'p.db'));
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

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
    store.staging.fold = () => (seen.push(level()), false); // called inside the merge's transaction; false: left to the rollup
    store.writeBatch('a1', 'b1', [{ type: 'iface', device: 'r1', interface: 'ether1', ts: now, inOctets: 1n, outOctets: 2n, bits: 64 }], now);
    expect(store.sql('SELECT count(*) FROM iface_sample', { pluck: true }).get()).toBe(1);
    expect(seen).toEqual([NORMAL]);
    expect(level()).toBe(FULL);
  });
});
