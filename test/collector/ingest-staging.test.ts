// Ingest through the staging table (issue 12): an acknowledged batch is durable in staging,
// merged before any read that needs it, exactly once, and batches ready together share one commit.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../collector/storage/store.js';
import { Rollup } from '../../collector/storage/rollup.js';
import { GroupCommit } from '../../collector/ingest/group-commit.js';
import type { Sample } from '../../protocol/samples.js';
import { startTestCollector, type TestCollector } from '../helpers/collector.js';
import { tempStores } from '../helpers/temp-store.js';

const NOW = Date.parse('2026-11-20T05:00:00Z');
const iface = (ts: number, inOctets: string, over: Record<string, unknown> = {}) => ({
  type: 'iface', device: 'r1', interface: 'ether1', ts, inOctets, outOctets: '7', bits: 64, speedBps: 100_000_000, operUp: true, ...over,
});

describe('ingest staging with the merge deferred', () => {
  let c: TestCollector;
  let n = 0;
  beforeAll(async () => {
    c = await startTestCollector(undefined, { now: () => NOW, ingestMerge: 'deferred' });
  });
  afterAll(async () => c?.cleanup());
  const count = (table: string) => Number(c.store.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get());
  const post = async (batch: string, samples: unknown[]) => (await c.post('/api/v1/ingest', { agent: 'a1', batch, samples })).json();
  const metric = async (name: string) => {
    const text = await (await c.get('/metrics')).text();
    return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
  };

  type Ifaces = { devices: { id: string; interfaces: { name: string; ts: number; speedBps?: number; operUp?: boolean; bits: number }[] }[] };
  const interfaces = async () => ((await (await c.get('/api/v1/status')).json()) as Ifaces).devices.find((d) => d.id === 'r1')!.interfaces;

  it('acknowledges a batch once it is staged, and /status sees it before the merge ran, without merging', async () => {
    const id = `s-${++n}`;
    expect(await post(id, [iface(NOW - 120_000, '1000'), iface(NOW - 60_000, '5000')])).toEqual({ ok: true, batch: id, stored: 2, duplicate: false });
    expect([count('ingest_stage'), count('iface_sample')]).toEqual([1, 0]);
    expect(await metric('pantau_store_merge_pending_batches')).toBe(1);
    expect(await metric('pantau_store_merge_pending_samples')).toBe(2);
    expect(await interfaces()).toEqual([{ name: 'ether1', ts: NOW - 60_000, speedBps: 100_000_000, operUp: true, bits: 64 }]);
    expect([count('ingest_stage'), count('iface_sample')]).toEqual([1, 0]); // read from the staged states in memory
    c.store.settle();
    expect([count('ingest_stage'), count('iface_sample')]).toEqual([0, 2]);
    expect(await metric('pantau_store_merge_pending_batches')).toBe(0);
    expect(await interfaces()).toEqual([{ name: 'ether1', ts: NOW - 60_000, speedBps: 100_000_000, operUp: true, bits: 64 }]);
  });

  it('shows in /status the newer of the merged and the staged state of each interface, new interfaces in name order', async () => {
    await post(`s-${++n}`, [iface(NOW - 45_000, '1', { interface: 'wan', operUp: false, bits: 32, speedBps: 10_000_000 }), iface(NOW - 46_000, '2', { interface: 'ether9' })]);
    // An older sample staged after a newer one does not take its place; at equal times the first staged stays.
    await post(`s-${++n}`, [iface(NOW - 47_000, '3', { interface: 'wan', operUp: true }), iface(NOW - 46_000, '4', { interface: 'ether9', operUp: false })]);
    const staged = await interfaces();
    expect(count('ingest_stage')).toBe(2);
    expect(staged.map((i) => i.name)).toEqual(['ether1', 'ether9', 'wan']);
    expect(staged[1]).toEqual({ name: 'ether9', ts: NOW - 46_000, speedBps: 100_000_000, operUp: true, bits: 64 });
    expect(staged[2]).toEqual({ name: 'wan', ts: NOW - 45_000, speedBps: 10_000_000, operUp: false, bits: 32 });
    c.store.settle();
    expect(count('ingest_stage')).toBe(0);
    expect(await interfaces()).toEqual(staged); // the merge put the same into iface_state
  });

  it('treats a batch repeated while still staged as a duplicate and stores its samples once', async () => {
    const id = `s-${++n}`;
    const samples = [iface(NOW - 50_000, '9000')];
    expect(await post(id, samples)).toMatchObject({ stored: 1, duplicate: false });
    expect(count('ingest_stage')).toBe(1);
    expect(await post(id, samples)).toMatchObject({ stored: 0, duplicate: true });
    expect(count('ingest_stage')).toBe(1);
    c.rollup.drain(); // merges first, then rolls up
    expect(c.store.db.prepare('SELECT count(*) FROM iface_sample WHERE ts = ?').pluck().get(NOW - 50_000)).toBe(1);
    expect(count('ingest_stage')).toBe(0);
    expect(count('rollup_dirty')).toBe(0);
    expect(count('usage5m')).toBeGreaterThan(0);
  });

  it('keeps the first staged sample of a (series, time) and iface_state at the newest sample', async () => {
    const ts = NOW - 40_000;
    await post(`s-${++n}`, [iface(ts, '11111')]);
    await post(`s-${++n}`, [iface(ts, '22222', { operUp: false }), iface(NOW - 30_000, '33333', { operUp: false, speedBps: 10_000_000 })]);
    c.store.settle();
    expect(c.store.db.prepare('SELECT in_oct FROM iface_sample WHERE ts = ?').pluck().get(ts)).toBe(11111);
    expect(c.store.db.prepare('SELECT ts, oper_up, speed FROM iface_state').get()).toEqual({ ts: NOW - 30_000, oper_up: 0, speed: 10_000_000 });
  });
});

describe('group commit', () => {
  const openStore = tempStores();
  let store: Store;
  beforeEach(() => {
    store = openStore();
  });
  const s = (ts: number, v: bigint): Sample => ({ type: 'iface', device: 'r1', interface: 'e1', ts, inOctets: v, outOctets: v, bits: 64 });

  it('commits batches submitted in the same turn together, each answered once durable, a repeat within the group a duplicate', async () => {
    const commits: number[] = [];
    const g = new GroupCommit(store, { onCommit: (k) => commits.push(k) });
    const results = await Promise.all([
      g.submit({ agent: 'a1', batch: 'g1', samples: [s(NOW, 1n), s(NOW + 60_000, 2n)], now: NOW }),
      g.submit({ agent: 'a1', batch: 'g2', samples: [s(NOW + 120_000, 3n)], now: NOW }),
      g.submit({ agent: 'a1', batch: 'g1', samples: [s(NOW, 1n), s(NOW + 60_000, 2n)], now: NOW }),
    ]);
    expect(commits).toEqual([3]);
    expect(results).toEqual([{ stored: 2, duplicate: false }, { stored: 1, duplicate: false }, { stored: 0, duplicate: true }]);
    expect(store.staging.pending()).toEqual({ batches: 2, samples: 3 });
    // A second store on the same file sees them: they are committed, not in memory.
    const other = openStore(store.file);
    expect(other.staging.pending()).toEqual({ batches: 2, samples: 3 });
    new Rollup(other, { maxGapMs: 600_000 }).drain();
    expect(other.db.prepare('SELECT count(*) FROM iface_sample').pluck().get()).toBe(3);
    expect(other.staging.pending()).toEqual({ batches: 0, samples: 0 });
  });

  it('merges a slice at commit when the backlog passes its bound (the background fell behind)', async () => {
    const g = new GroupCommit(store, { maxBacklog: 2 });
    await g.submit({ agent: 'a1', batch: 'k1', samples: [s(NOW + 180_000, 4n), s(NOW + 240_000, 5n)], now: NOW });
    expect(store.staging.pending()).toEqual({ batches: 1, samples: 2 }); // at the bound: left to the background
    await g.submit({ agent: 'a1', batch: 'k2', samples: [s(NOW + 300_000, 6n)], now: NOW });
    expect(store.staging.pending()).toEqual({ batches: 0, samples: 0 });
  });
});
