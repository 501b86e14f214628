// Ingest bodies parsed and validated by the worker pool (issue 12): the same answers as
// in-thread parsing, counters exact above 2^53, and a refusal stores nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { startTestCollector, type TestCollector } from '../helpers/collector.js';
import { ParsePool } from '../../collector/ingest/parse-pool.js';

const NOW = Date.parse('2026-11-20T05:00:00Z');
let c: TestCollector;
beforeAll(async () => {
  c = await startTestCollector(undefined, { now: () => NOW, ingestWorkers: 1 });
});
afterAll(async () => c?.cleanup());
const count = () => Number(c.store.db.prepare('SELECT count(*) FROM iface_sample').pluck().get());
const iface = (ts: number, inOctets: string, over: Record<string, unknown> = {}) => ({ type: 'iface', device: 'r1', interface: 'ether1', ts, inOctets, outOctets: '1', bits: 64, ...over });

describe('ingest through the parse workers', () => {
  it('stores a gzip batch with counters above 2^53 exactly and acknowledges refusals and set-asides as in-thread', async () => {
    const big = (1n << 64n) - 3n;
    const body = { agent: 'a1', batch: 'w-1', samples: [iface(NOW - 120_000, big.toString()), iface(NOW - 60_000, '12', { speedBps: -5 }), iface(NOW - 30_000, 'x'), { ...iface(NOW - 20_000, '5'), device: 'r3' }] };
    const r = await c.post('/api/v1/ingest', gzipSync(JSON.stringify(body)), undefined, { 'content-encoding': 'gzip' });
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({
      ok: true, batch: 'w-1', stored: 2, duplicate: false, refusedCount: 2, setAsideCount: 1,
      refused: [{ index: 2, path: 'samples[2].inOctets', reason: 'invalid_counter' }, { index: 3, path: 'samples[3].device', reason: 'not_assigned' }],
      setAside: [{ index: 1, field: 'speedBps', action: 'unknown' }],
    });
    const rows = c.store.db.prepare('SELECT ts, in_oct, speed FROM iface_sample ORDER BY ts').safeIntegers(true).all() as { ts: bigint; in_oct: bigint; speed: bigint | null }[];
    expect(rows.map((x) => [Number(x.ts), BigInt.asUintN(64, x.in_oct), x.speed])).toEqual([[NOW - 120_000, big, null], [NOW - 60_000, 12n, null]]);
  });

  it('rejects malformed JSON, a __proto__ key and another agent\'s batch whole, storing nothing', async () => {
    const before = count();
    const bad = await c.post('/api/v1/ingest', '{"agent": "a1", "batch": ');
    expect([bad.status, ((await bad.json()) as { code: string }).code]).toEqual([400, 'PANTAU_INVALID_JSON']);
    const proto = await c.post('/api/v1/ingest', `{"agent": "a1", "batch": "w-2", "samples": [], "__proto__": {"x": 1}}`);
    expect([proto.status, ((await proto.json()) as { code: string }).code]).toEqual([400, 'PANTAU_INVALID_JSON']);
    const noBatch = await c.post('/api/v1/ingest', { agent: 'a1', samples: [iface(NOW - 10_000, '7')] });
    expect([noBatch.status, ((await noBatch.json()) as { code: string; path: string }).path]).toEqual([400, 'batch']);
    const other = await c.post('/api/v1/ingest', { agent: 'a2', batch: 'w-3', samples: [iface(NOW - 10_000, '7')] });
    expect(other.status).toBe(403);
    expect(count()).toBe(before);
  });
});

describe('the parse pool', () => {
  it('moves a body that is a whole ArrayBuffer to the worker and copies one that shares its buffer, parsing both alike', async () => {
    const pool = new ParsePool(1, (e) => {
      throw e;
    });
    try {
      const samples = Array.from({ length: 100 }, (_, i) => iface(NOW - 600_000 + i * 1000, String(1000 + i)));
      const text = JSON.stringify({ agent: 'a1', batch: 'p-1', samples });
      expect(text.length).toBeGreaterThan(4096);
      const whole = new Uint8Array(new ArrayBuffer(text.length));
      whole.set(Buffer.from(text));
      const pooled = Buffer.concat([Buffer.from('xx'), Buffer.from(text)]).subarray(2); // shares a larger buffer
      const [a, b] = await Promise.all([pool.parse(whole, NOW, 86_400_000), pool.parse(pooled, NOW, 86_400_000)]);
      expect(whole.byteLength).toBe(0); // moved: detached here
      expect(Buffer.from(pooled).toString()).toBe(text); // copied: still the caller's
      for (const r of [a, b]) {
        expect(r.error).toBeUndefined();
        expect(r.batch!.iface.n).toBe(100);
        expect(r.batch!.iface.inOctets[99]).toBe(1099n);
      }
    } finally {
      await pool.close();
    }
  });
});
