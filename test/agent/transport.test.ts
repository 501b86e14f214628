// The sender and outbox against a real HTTP peer on loopback playing the collector.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../log/logger.js';
import type { IngestBatch, Sample } from '../../protocol/samples.js';
import { Spool } from '../../agent/spool/spool.js';
import { backoffMs, parseRetryAfter } from '../../agent/transport/backoff.js';
import { Outbox } from '../../agent/transport/outbox.js';
import { Sender } from '../../agent/transport/sender.js';
import { startCollectorPeer, type CollectorPeer } from './collector-peer.js';

const TOKEN = 'test-token-0123456789';
const log = silentLogger();
let peer: CollectorPeer;
let dir: string;

beforeEach(async () => {
  peer = await startCollectorPeer(TOKEN);
  dir = mkdtempSync(join(tmpdir(), 'pantau-transport-'));
});
afterEach(async () => {
  await peer.close();
  rmSync(dir, { recursive: true, force: true });
});

function samples(n: number, device = 'rtr'): Sample[] {
  return Array.from({ length: n }, (_, i) => ({
    type: 'iface' as const,
    device,
    interface: `ether${i}`,
    ts: 1_700_000_000_000 + i,
    inOctets: (1n << 63n) + BigInt(i),
    outOctets: BigInt(i),
    bits: 64 as const,
  }));
}
const batch = (id: string, n: number): IngestBatch => ({ agent: 'a1', batch: id, samples: samples(n) });
const sender = (maxBodyBytes: number) => new Sender({ collector: peer.url, token: TOKEN, logger: log, maxBodyBytes: () => maxBodyBytes });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('sender', () => {
  it('splits a batch so every uncompressed body stays under maxBodyBytes, gzip-encoded', async () => {
    const r = await sender(20_000).send(batch('b1', 1000));
    expect(r.retry).toBeUndefined();
    const wire = JSON.stringify({ agent: 'a1', batch: 'b1', samples: samples(1000) }, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
    // 134 819 bytes as one body: the fewest bodies of at most 20 000 bytes that can hold it, 7.
    expect(peer.received).toHaveLength(Math.ceil(Buffer.byteLength(wire) / 20_000));
    for (const got of peer.received) {
      expect(got.rawBytes).toBeLessThanOrEqual(20_000);
      expect(got.gzip).toBe(true);
    }
    const all = peer.received.flatMap((x) => x.samples);
    expect(all).toHaveLength(1000);
    expect(all[999].inOctets).toBe(((1n << 63n) + 999n).toString());
    // Each part is named by the range of the batch it holds; the ranges tile the batch.
    let next = 0;
    for (const got of peer.received) {
      const [, from, to] = /^b1\.r(\d+)-(\d+)$/.exec(got.batch)!.map(Number);
      expect([from, to - from]).toEqual([next, got.samples.length]);
      expect(got.samples[0].interface).toBe(`ether${from}`);
      next = to;
    }
    expect(next).toBe(1000);
  });

  it('sends a cycle of many samples as one gzip body, each sample exactly once and in order', async () => {
    const r = await sender(16 * 1024 * 1024).send(batch('big', 20_000));
    expect(r.retry).toBeUndefined();
    expect(peer.received).toHaveLength(1);
    const got = peer.received[0];
    expect(got).toMatchObject({ batch: 'big', gzip: true });
    const wire = JSON.stringify({ agent: 'a1', batch: 'big', samples: samples(20_000) }, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
    expect(got.rawBytes).toBe(Buffer.byteLength(wire));
    expect(got.samples).toHaveLength(20_000);
    expect(got.samples.map((s) => s.interface)).toEqual(samples(20_000).map((s) => (s as { interface: string }).interface));
    expect(got.samples[12_345]).toEqual({ type: 'iface', device: 'rtr', interface: 'ether12345', ts: 1_700_000_012_345, inOctets: ((1n << 63n) + 12_345n).toString(), outOctets: '12345', bits: 64 });
  });

  it('halves and resends on 413 until the collector takes every sample once', async () => {
    peer.limit = 15_000;
    const r = await sender(10_000_000).send(batch('b2', 600));
    expect(r.retry).toBeUndefined();
    // 600 → 300 → 150 refused, 75 + 75 taken, and so on: seven 413s, eight parts of 75 samples.
    expect(peer.attempts.map((a) => a.status)).toEqual([413, 413, 413, 200, 200, 413, 200, 200, 413, 413, 200, 200, 413, 200, 200]);
    expect(peer.received.map((x) => x.samples.length)).toEqual([75, 75, 75, 75, 75, 75, 75, 75]);
    const all = peer.received.flatMap((x) => x.samples).map((s) => s.interface);
    expect(new Set(all).size).toBe(600);
    expect(all).toHaveLength(600);
  });

  it('drops the one sample an older collector refuses with 400 and sends the others', async () => {
    peer.script = () => (peer.attempts.length === 0 ? { status: 400, body: { error: 'unknown device', path: 'samples[3].device' } } : undefined);
    const r = await sender(1_000_000).send(batch('b3', 10));
    expect(r.refusedSamples).toBe(1);
    expect(r.dropped).toBe(0);
    expect(r.retry).toBeUndefined();
    expect(peer.attempts).toHaveLength(2);
    expect(r.acked).toHaveLength(1);
    expect(peer.received.at(-1)?.batch).toBe('b3.x3');
    expect(peer.received.at(-1)?.samples).toHaveLength(9);
  });

  it('never drops a batch for the fault of its samples: an older collector refusing six of them one by one still gets the other four', async () => {
    // The collector of before issue 7 refused a whole batch for each bad sample; six bad
    // FortiGate samples (index 0 of each resend) must not cost the other four.
    peer.script = () => (peer.attempts.length < 6 ? { status: 400, body: { error: 'speedBps: expected a number from 0 to 10000000000000', path: 'samples[0].speedBps' } } : undefined);
    const r = await sender(1_000_000).send(batch('b3b', 10));
    expect(r.retry).toBeUndefined();
    expect(r).toMatchObject({ dropped: 0, refusedSamples: 6 });
    expect(peer.attempts).toHaveLength(7);
    expect(peer.received.at(-1)?.samples.map((x) => x.interface)).toEqual(['ether6', 'ether7', 'ether8', 'ether9']);
  });

  it('counts the samples a collector acknowledges as refused, and keeps the batch acknowledged', async () => {
    peer.script = () => ({
      status: 200,
      body: { ok: true, batch: 'b3c', stored: 9, duplicate: false, refusedCount: 1, refused: [{ index: 2, path: 'samples[2].device', reason: 'unknown_device', error: 'unknown device', device: 'rtr' }] },
    });
    const r = await sender(1_000_000).send(batch('b3c', 10));
    expect(r).toMatchObject({ dropped: 0, refusedSamples: 1 });
    expect(r.acked).toHaveLength(1);
    expect(peer.attempts).toHaveLength(1);
  });

  it('drops a batch the collector refuses as malformed (a 400 naming no sample)', async () => {
    peer.script = () => ({ status: 400, body: { error: 'samples: expected an array of samples', path: 'samples' } });
    const r = await sender(1_000_000).send(batch('b3d', 10));
    expect(r).toMatchObject({ dropped: 1, refusedSamples: 0 });
    expect(r.retry).toBeUndefined();
    expect(peer.attempts).toHaveLength(1);
  });

  it('keeps batches for a later retry on a redirect or a URL that is not the collector (307, 404)', async () => {
    peer.script = () => ({ status: 307, body: { error: 'moved' }, headers: { location: 'https://noc.example/api/v1/ingest' } });
    const r = await sender(1_000_000).send(batch('b3r', 10));
    expect(r.dropped).toBe(0);
    expect(r.retry).toMatchObject({ retryAfterMs: 60_000, reason: expect.stringMatching(/307: moved \(a redirect to https:\/\/noc.example\/api\/v1\/ingest: set the agent's collector URL/) });
    expect(r.retry?.remaining.map((p) => p.batch)).toEqual(['b3r']);
    peer.script = () => ({ status: 404, body: { error: 'no such page' } });
    const r2 = await sender(1_000_000).send(batch('b3s', 10));
    expect(r2.retry?.reason).toMatch(/404: no such page \(is http:\/\/127.0.0.1:\d+ the Pantau collector\?\)/);
    expect(r2.dropped).toBe(0);
  });

  it('keeps batches for a later retry when the collector does not know the token (401)', async () => {
    peer.script = () => ({ status: 401, body: { error: 'unknown token' } });
    const r = await sender(1_000_000).send(batch('b3c', 10));
    expect(r.dropped).toBe(0);
    expect(r.retry?.remaining[0].batch).toBe('b3c');
    expect(r.retry?.retryAfterMs).toBe(60_000);
  });

  it('asks for a retry with the Retry-After delay on 429 and 503', async () => {
    peer.script = () => ({ status: 429, body: { error: 'slow down' }, headers: { 'retry-after': '7' } });
    const r = await sender(1_000_000).send(batch('b4', 10));
    expect(r.retry?.retryAfterMs).toBe(7000);
    expect(r.retry?.remaining[0].batch).toBe('b4');
    peer.script = () => ({ status: 503, body: { error: 'store unavailable' } });
    expect((await sender(1_000_000).send(batch('b5', 10))).retry?.reason).toMatch(/503: store unavailable/);
  });

  it('treats an unreachable collector as retryable', async () => {
    const url = peer.url;
    await peer.close();
    const s = new Sender({ collector: url, token: TOKEN, logger: log, maxBodyBytes: () => 1e6 });
    expect((await s.send(batch('b6', 1))).retry?.reason).toMatch(/unreachable/);
  });
});

describe('backoff', () => {
  it('grows exponentially from 1 s to 60 s with jitter', () => {
    expect(backoffMs(1, { random: () => 1 })).toBe(1000);
    expect(backoffMs(1, { random: () => 0 })).toBe(500);
    expect(backoffMs(4, { random: () => 1 })).toBe(8000);
    expect(backoffMs(30, { random: () => 1 })).toBe(60_000);
    expect(backoffMs(30, { random: () => 0 })).toBe(30_000);
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(new Date(Date.now() + 5000).toUTCString())).toBeGreaterThan(3000);
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});

describe('outbox', () => {
  async function outbox(opts: Partial<ConstructorParameters<typeof Outbox>[0]> = {}) {
    const spool = await Spool.open({ dir, maxBytes: 10 * 1024 * 1024, logger: log });
    const o = new Outbox({ sender: sender(1_000_000), spool, logger: log, replayPerSecond: 50, ...opts });
    o.start();
    return { o, spool };
  }

  it('honours Retry-After before replaying a spooled batch', async () => {
    let refuse = true;
    peer.script = () => (refuse ? { status: 503, body: { error: 'store unavailable' }, headers: { 'retry-after': '1' } } : undefined);
    const { o, spool } = await outbox();
    const t0 = Date.now();
    await o.submit(batch('r1', 5), 'samples');
    expect(spool.stats().batches).toBe(1);
    refuse = false;
    while (peer.received.length === 0 && Date.now() - t0 < 5000) await sleep(20);
    expect(peer.received[0].batch).toBe('r1');
    expect(peer.received[0].at - t0).toBeGreaterThanOrEqual(950);
    // The spool file goes once the collector's acknowledgement is back (after the request arrived).
    while (spool.stats().batches > 0 && Date.now() - t0 < 5000) await sleep(20);
    expect(spool.stats().batches).toBe(0);
    await o.stop();
  });

  it('backs off exponentially on 5xx', async () => {
    peer.script = () => (peer.attempts.length < 5 ? { status: 500, body: { error: 'boom' } } : undefined);
    const { o } = await outbox({ backoffMinMs: 100, backoffMaxMs: 400 });
    await o.submit(batch('x1', 1), 'samples');
    const t0 = Date.now();
    while (peer.received.length === 0 && Date.now() - t0 < 5000) await sleep(10);
    expect(peer.received).toHaveLength(1);
    const at = peer.attempts.map((a) => a.at);
    const gaps = at.slice(1).map((t, i) => t - at[i]);
    // Ceilings 100, 200, 400, 400 ms with equal jitter: each chosen delay lies in [ceiling/2, ceiling],
    // and no retry came before its delay (a timer never fires early; a busy machine only makes it later,
    // so the wall clock bounds nothing from above).
    expect(o.recentDelays).toHaveLength(peer.attempts.length - 1); // one delay before each retry
    [100, 200, 400, 400].forEach((c, i) => {
      expect(o.recentDelays[i]).toBeGreaterThanOrEqual(c / 2);
      expect(o.recentDelays[i]).toBeLessThanOrEqual(c);
      expect(gaps[i]).toBeGreaterThanOrEqual(o.recentDelays[i] - 5);
    });
    await o.stop();
  });

  it('replays the current cycle first, then the backlog oldest-first', async () => {
    let refuse = true;
    peer.script = () => (refuse ? { status: 503, body: { error: 'down' }, headers: { 'retry-after': '1' } } : undefined);
    const { o } = await outbox();
    for (let i = 1; i <= 5; i++) await o.submit(batch(`c${i}`, 2), 'samples');
    refuse = false;
    const t0 = Date.now();
    while (peer.received.length < 5 && Date.now() - t0 < 5000) await sleep(20);
    expect(peer.received.map((r) => r.batch)).toEqual(['c5', 'c1', 'c2', 'c3', 'c4']);
    await o.stop();
  });

  it('spools what is in flight when stopped', async () => {
    // A collector that accepts the connection and never answers: the request is in flight.
    const { createServer } = await import('node:http');
    const hang = createServer(() => undefined);
    await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
    const port = (hang.address() as { port: number }).port;
    const spool = await Spool.open({ dir, maxBytes: 1e6, logger: log });
    const s = new Sender({ collector: `http://127.0.0.1:${port}`, token: TOKEN, logger: log, maxBodyBytes: () => 1e6 });
    const o = new Outbox({ sender: s, spool, logger: log });
    const p = o.submit(batch('f1', 3), 'events');
    await sleep(100);
    await o.stop();
    await p;
    expect(spool.oldest()?.batchId).toBe('f1');
    expect((await spool.read(spool.oldest()!)).samples).toHaveLength(3);
    hang.closeAllConnections();
    hang.close();
  });
});

describe('part ids', () => {
  it('name the range of the original batch, so one id means the same samples however the batch was cut', async () => {
    const { halve, splitBySizes } = await import('../../agent/transport/split.js');
    const b = batch('B', 8);
    const content = new Map<string, string[]>();
    const record = (parts: IngestBatch[]) => {
      for (const p of parts) {
        const names = p.samples.map((x) => (x as { interface: string }).interface);
        expect([p.batch, content.get(p.batch) ?? names]).toEqual([p.batch, names]); // same id, same samples
        content.set(p.batch, names);
      }
    };
    const [h0, h1] = halve(b)!;
    record([h0, h1]);
    record(halve(h1)!); // B.r4-6, B.r6-8
    record(halve(halve(h0)![1])!); // B.r2-3, B.r3-4
    const sizes = b.samples.map(() => 100);
    const packed = splitBySizes(b, sizes, 420); // about 3 samples a part
    record(packed);
    record(splitBySizes(h1, sizes.slice(4), 300)); // a part packed again under a smaller limit
    expect(packed.map((p) => p.batch)).toEqual(['B.r0-3', 'B.r3-6', 'B.r6-8']);
    // B.r6-8 came from halving and from packing, B.r4-6 from halving and from packing a part: same samples.
    expect([...content.keys()].sort()).toEqual(['B.r0-3', 'B.r0-4', 'B.r2-3', 'B.r3-4', 'B.r3-6', 'B.r4-6', 'B.r4-8', 'B.r6-8']);
  });
});

describe('agent HTTP client', () => {
  it('fails an answer longer than its limit instead of cutting it, and reads it whole under a larger one', async () => {
    const { createServer } = await import('node:http');
    const { request, HttpError } = await import('../../agent/transport/http.js');
    const big = Buffer.alloc(2 * 1024 * 1024, 0x61);
    const server = createServer((_, res) => res.end(big));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = new URL(`http://127.0.0.1:${(server.address() as { port: number }).port}/`);
    try {
      const err = await request(url, { method: 'GET', headers: {}, timeoutMs: 5000, maxAnswerBytes: 1024 * 1024 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HttpError);
      expect(err).toMatchObject({ code: 'ETOOBIG', message: 'answer of 200 longer than 1048576 bytes' });
      const ok = await request(url, { method: 'GET', headers: {}, timeoutMs: 5000, maxAnswerBytes: 4 * 1024 * 1024 });
      expect([ok.status, ok.text.length]).toEqual([200, big.length]);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
