// Ingest bodies parsed and validated by the worker pool (issue 12): the same answers as
// in-thread parsing, counters exact above 2^53, and a refusal stores nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { startTestCollector, type TestCollector } from '../helpers/collector.js';
import { ParsePool } from '../../collector/ingest/parse-pool.js';
import { BufferPool, MIN_BYTES, SMALL_MAX_TOTAL, SMALL_MIN } from '../../collector/ingest/buffers.js';
import { request } from 'node:http';
import { AGENT_TOKEN } from '../helpers/collector.js';
import { storedSamples } from '../helpers/raw-samples.js';

const NOW = Date.parse('2026-11-20T05:00:00Z');
let c: TestCollector;
/** Run by the collector's clock, which the ingest route reads while a request is in hand. */
let duringRequest: (() => void) | undefined;
beforeAll(async () => {
  c = await startTestCollector(undefined, {
    now: () => {
      duringRequest?.();
      return NOW;
    },
    ingestWorkers: 1,
  });
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

describe('the ingest route\'s idle time (the background merge\'s quiet rule)', () => {
  it('is 0 while a request is in hand and counts from its answer', async () => {
    const seen: [number, number][] = [];
    duringRequest = () => seen.push([c.ingest.inFlight(), c.ingest.idleMs(performance.now() + 60_000)]);
    const sentAt = performance.now();
    try {
      const r = await c.post('/api/v1/ingest', { agent: 'a1', batch: 'idle-1', samples: [iface(NOW - 5_000, '9')] });
      expect(r.status).toBe(200);
    } finally {
      duringRequest = undefined;
    }
    expect(seen.length).toBeGreaterThan(0);
    for (const x of seen) expect(x).toEqual([1, 0]); // in hand: not idle, however long after
    const at = performance.now();
    expect(c.ingest.inFlight()).toBe(0);
    const idle = c.ingest.idleMs(at + 1_000);
    expect(idle).toBeGreaterThanOrEqual(1_000); // answered before `at`
    expect(idle).toBeLessThanOrEqual(1_000 + (at - sentAt)); // and not before the request began
  });
});

describe('big bodies through buffers used again (buffers.ts, body.ts)', () => {
  const big = (batch: string, iface: string, t0: number, n: number) =>
    JSON.stringify({ agent: 'a1', batch, samples: Array.from({ length: n }, (_, i) => ({ type: 'iface', device: i % 2 ? 'r1' : 'r2', interface: iface, ts: t0 + i * 10, inOctets: String(1_000_000 * i + t0 % 1000), outOctets: String(i), bits: 64 })) });
  const stored = (iface: string) => {
    const xs = [...storedSamples(c.store.db, 'r1', iface), ...storedSamples(c.store.db, 'r2', iface)].sort((a, b) => a.ts - b.ts);
    return { n: xs.length, total: xs.reduce((a, x) => a + Number(x.inOct), 0), samples: xs.map((x) => [x.device, x.ts, x.inOct, x.outOct, x.flags]) };
  };
  const sent = (t0: number, n: number) => Array.from({ length: n }, (_, i) => [i % 2 ? 'r1' : 'r2', t0 + i * 10, BigInt(1_000_000 * i + (t0 % 1000)), BigInt(i), 0]);

  it('stores concurrent big batches each as sent: no body or batch buffer is read after it went back to a pool', async () => {
    const n = 1500; // ~180 KB per body, over MIN_BYTES, and batch buffers over it too
    // Two rounds: the second reads into the buffers the first gave back.
    const t0 = (k: number, round: number) => NOW - 3_600_000 + (round * 12 + k) * 20_000;
    for (let round = 0; round < 2; round++) {
      const bodies = Array.from({ length: 12 }, (_, k) => big(`big-${round}-${k}`, `bulk${round}-${k}`, t0(k, round), n));
      expect(bodies[0].length).toBeGreaterThan(MIN_BYTES);
      const answers = await Promise.all(bodies.map((b) => c.post('/api/v1/ingest', b)));
      for (const a of answers) expect([a.status, ((await a.json()) as { stored: number }).stored]).toEqual([200, n]);
    }
    c.store.settle();
    for (let round = 0; round < 2; round++)
      for (let k = 0; k < 12; k++) {
        const want = Array.from({ length: n }, (_, i) => 1_000_000 * i + (t0(k, round) % 1000)).reduce((a, b) => a + b, 0);
        expect(stored(`bulk${round}-${k}`)).toEqual({ n, total: want, samples: sent(t0(k, round), n) }); // every field as sent
      }
  });

  it('reads a chunked body without a declared length across many writes', async () => {
    const text = big('chunked-1', 'chunky', NOW - 1_800_000, 1200);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${c.url}/api/v1/ingest`, { method: 'POST', headers: { authorization: `Bearer ${AGENT_TOKEN}`, 'content-type': 'application/json' } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', reject);
      for (let at = 0; at < text.length; at += 7_001) req.write(text.slice(at, at + 7_001));
      req.end();
    });
    expect(status).toBe(200);
    c.store.settle();
    expect(stored('chunky').samples).toEqual(sent(NOW - 1_800_000, 1200));
  });
});

describe('BufferPool', () => {
  it('hands out the smallest kept buffer that fits, keeps at most its bound, and never a small, detached or huge one', () => {
    const pool = new BufferPool(2, 1 << 20);
    const a = new ArrayBuffer(MIN_BYTES * 2);
    const b = new ArrayBuffer(MIN_BYTES * 4);
    pool.give(b);
    pool.give(a);
    pool.give(new ArrayBuffer(100)); // small: left to the allocator
    pool.give(new ArrayBuffer(2 << 20)); // over maxBytes
    const moved = new ArrayBuffer(MIN_BYTES);
    structuredClone(moved, { transfer: [moved] });
    pool.give(moved); // detached
    expect(pool.size).toBe(2);
    expect(pool.take(MIN_BYTES + 1)).toBe(a);
    pool.give(a);
    pool.give(new ArrayBuffer(MIN_BYTES * 3)); // full: in place of the smallest (a)
    expect(pool.take(MIN_BYTES)).not.toBe(a);
    expect(pool.take(MIN_BYTES * 4)).toBe(b);
    expect(pool.take(MIN_BYTES * 8).byteLength).toBe(MIN_BYTES * 8); // none fits: a new one
    expect(pool.take(10).byteLength).toBe(SMALL_MIN); // small: its size class
    const bounded = new BufferPool(8, 1 << 20, 3 * MIN_BYTES); // at most 192 KiB kept in all
    bounded.give(new ArrayBuffer(MIN_BYTES));
    bounded.give(new ArrayBuffer(MIN_BYTES));
    bounded.give(new ArrayBuffer(2 * MIN_BYTES)); // over the total: in place of a smaller one
    expect([bounded.size, bounded.bytes]).toEqual([2, 3 * MIN_BYTES]);
    bounded.give(new ArrayBuffer(4 * MIN_BYTES)); // bigger than the total: not kept
    expect(bounded.bytes).toBe(3 * MIN_BYTES);
  });
});

describe('BufferPool, small buffers', () => {
  it('keeps buffers under MIN_BYTES by size class, only of a class size, within SMALL_MAX_TOTAL', () => {
    const pool = new BufferPool();
    const b = pool.take(10_000);
    expect(b.byteLength).toBe(16 * 1024);
    pool.give(b);
    expect(pool.smallBytes).toBe(16 * 1024);
    expect(pool.take(4 * 1024 + 1)).not.toBe(b); // another class (8 KiB)
    expect(pool.take(9_000)).toBe(b); // its class: the kept one
    expect(pool.take(9_000)).not.toBe(b); // handed out once
    expect(pool.smallBytes).toBe(0);
    pool.give(new ArrayBuffer(10_000)); // not a class size: not from a pool
    pool.give(new ArrayBuffer(1024)); // under SMALL_MIN
    expect(pool.smallBytes).toBe(0);
    expect(pool.take(MIN_BYTES / 2 + 1).byteLength).toBe(MIN_BYTES); // over the last class: one of the big ones
    for (let k = 0; k < SMALL_MAX_TOTAL / (32 * 1024) + 5; k++) pool.give(new ArrayBuffer(32 * 1024));
    expect(pool.smallBytes).toBe(SMALL_MAX_TOTAL);
    const kept = new Set<ArrayBuffer>();
    for (let k = 0; k < SMALL_MAX_TOTAL / (32 * 1024); k++) kept.add(pool.take(20_000));
    expect(kept.size).toBe(SMALL_MAX_TOTAL / (32 * 1024)); // each kept buffer handed out once
    expect(pool.smallBytes).toBe(0);
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
