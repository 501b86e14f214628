// /usage and /series read the same after packing as before (collector/storage/chunks): a month
// and two days of 60-second polls with a daily shape and poll jitter go in through /ingest, are
// rolled up, packed into chunks, and the buckets are then rebuilt from the chunks alone. The
// collector runs without background timers on a fixed clock; the test packs and drains itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_TOKEN, OTHER_AGENT_TOKEN, startTestCollector, type TestCollector } from '../helpers/collector.js';
import { ChunkPacker } from '../../collector/storage/chunks/packer.js';
import { rng } from '../../sim/rng.js';

const NOW = Date.UTC(2026, 11, 2, 12, 0, 0); // 2 Dec 19:00 WIB
const FROM = Date.UTC(2026, 9, 31, 12, 0, 0); // 31 Oct 19:00 WIB
const U64 = (1n << 64n) - 1n;

/** Bytes per second at local hour `h` (Asia/Jakarta): busy office hours, quiet nights. */
const shape = (t: number): number => {
  const h = (new Date(t).getUTCHours() + 7) % 24;
  return h >= 8 && h < 16 ? 1 : h >= 6 && h < 19 ? 0.4 : 0.05;
};

function month(device: string, bits: 32 | 64, seed: number, peakBps: number) {
  const r = rng(seed);
  const mod = bits === 32 ? 1n << 32n : U64 + 1n;
  let walk = 1;
  let inO = bits === 32 ? 4_000_000_000n : U64 - 5n * 10n ** 9n;
  let outO = 10n ** 9n;
  let up = 50_000_000;
  const out: object[] = [];
  let last = FROM;
  for (let t = FROM; t < NOW - 60_000; t += 60_000) {
    const ts = t + 2000 + Math.round((r() - 0.5) * 4000);
    const dt = (ts - last) / 1000;
    last = ts;
    walk = Math.max(0.2, Math.min(2, walk * (1 + (r() - 0.5) * 0.15)));
    const rate = (peakBps / 8) * shape(ts) * walk;
    inO = (inO + BigInt(Math.round(rate * dt))) % mod;
    outO = (outO + BigInt(Math.round(rate * dt * 0.3))) % mod;
    up = out.length === 20_000 ? 1234 : up + Math.round(dt * 100); // one reboot
    out.push({ type: 'iface', device, interface: 'ether1', ts, inOctets: inO.toString(), outOctets: outO.toString(), bits, uptime: up, operUp: true, speedBps: 1e8 });
  }
  return out;
}

let c: TestCollector;
beforeAll(async () => {
  c = await startTestCollector(undefined, { now: () => NOW });
  // r1 is polled by agent a1, r3 (a 32-bit port that wraps) by a2 (test/helpers/collector.ts).
  for (const [agent, token, samples] of [['a1', AGENT_TOKEN, month('r1', 64, 11, 60e6)], ['a2', OTHER_AGENT_TOKEN, month('r3', 32, 12, 40e6)]] as const) {
    for (let i = 0; i < samples.length; i += 5000) {
      const r = await c.post('/api/v1/ingest', { agent, batch: `m${i}`, samples: samples.slice(i, i + 5000) }, token);
      expect(r.status).toBe(200);
    }
  }
  c.rollup.drain();
}, 300_000);
afterAll(async () => c?.cleanup());

async function reads(): Promise<unknown[]> {
  const paths = [
    '/api/v1/usage?month=2026-11',
    '/api/v1/usage?month=2026-12',
    `/api/v1/series?device=r1&interface=ether1&from=${FROM}&to=${NOW}&step=3600`,
    `/api/v1/series?device=r3&interface=ether1&from=${NOW - 2 * 86_400_000}&to=${NOW}&step=300`,
  ];
  const out: unknown[] = [];
  for (const p of paths) {
    const r = await c.get(p);
    expect([p, r.status]).toEqual([p, 200]);
    out.push(await r.json());
  }
  return out;
}

describe('reads through chunks', () => {
  it('gives the same /usage and /series after packing and after rebuilding every bucket from the chunks', async () => {
    const before = await reads();
    const nov = before[0] as { opds: { opd: string; inBytes: string; coverage: number; status: string }[] };
    expect(nov.opds.find((o) => o.opd === 'dinkes')!.coverage).toBeGreaterThan(0.99);
    expect(BigInt(nov.opds.find((o) => o.opd === 'dinkes')!.inBytes)).toBeGreaterThan(10n ** 12n);

    const packer = new ChunkPacker(c.store, { afterHours: c.config.store.chunkAfterHours });
    const packed = packer.packAll(NOW);
    expect(packed.samples).toBeGreaterThan(2 * 31 * 1440);
    const rows = Number(c.store.db.prepare('SELECT count(*) FROM iface_sample').pluck().get());
    expect(rows).toBeLessThan(2 * 12 * 60); // at most 12 hours of each series stay rows
    // Every period that ended before the packer's cut is one chunk per series (the merge's segments joined).
    const split = c.store.db
      .prepare('SELECT series, t0 / 43200000 AS p, count(*) AS chunks FROM iface_chunk GROUP BY series, p HAVING chunks > 1 AND (p + 1) * 43200000 <= ?')
      .all(packer.cutAt(NOW));
    expect(split).toEqual([]);
    expect(Number(c.store.db.prepare('SELECT count(*) FROM iface_chunk').pluck().get())).toBeGreaterThanOrEqual(2 * 60); // two series, 30+ days of periods
    c.usage.clear();
    expect(await reads()).toEqual(before);

    // Every bucket, counter event and month figure again, from chunks (and the last hours' rows).
    c.store.db.exec('DELETE FROM usage5m; DELETE FROM counter_event; DELETE FROM month_figures');
    c.store.db.exec(`INSERT OR REPLACE INTO rollup_dirty (series, from_ts, to_ts) SELECT id, ${FROM}, ${NOW} FROM series`);
    c.rollup.drain();
    c.usage.clear();
    expect(await reads()).toEqual(before);
  }, 300_000);
});
