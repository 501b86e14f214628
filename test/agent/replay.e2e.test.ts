// Replaying a spool into the real collector: batches go as their files lie on disk, and a file
// that turned to garbage on disk is dropped (counted) while the others are stored, none twice.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Spool } from '../../agent/spool/spool.js';
import { Outbox } from '../../agent/transport/outbox.js';
import { Sender } from '../../agent/transport/sender.js';
import { silentLogger } from '../../log/logger.js';
import type { IngestBatch } from '../../protocol/samples.js';
import { AGENT_TOKEN, startTestCollector, type TestCollector } from '../helpers/collector.js';
import { storedSamples } from '../helpers/raw-samples.js';

let c: TestCollector | undefined;
let dir: string | undefined;
afterEach(async () => {
  await c?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const batch = (id: string, t0: number, n: number): IngestBatch => ({
  agent: 'a1',
  batch: id,
  samples: Array.from({ length: n }, (_, i) => ({ type: 'iface' as const, device: 'r1', interface: 'ether1', ts: t0 + i * 60_000, inOctets: (1n << 62n) + BigInt(i), outOctets: BigInt(i), bits: 64 as const })),
});

describe('spool replay into the collector', () => {
  it('sends spooled files as they are, drops the ones that are garbage or no batch, stores the rest once', async () => {
    c = await startTestCollector(undefined, { now: () => Date.UTC(2026, 10, 25) }); // the samples below are of 24 November
    dir = mkdtempSync(join(tmpdir(), 'pantau-replay-'));
    const log = silentLogger();
    const spool = await Spool.open({ dir, maxBytes: 1e7, logger: log });
    const t0 = Date.UTC(2026, 10, 24, 0, 0);
    await spool.put(batch('a1-1-1', t0, 30), 'samples');
    await spool.put(batch('a1-1-2', t0 + 30 * 60_000, 30), 'samples');
    await spool.put(batch('a1-1-3', t0 + 60 * 60_000, 30), 'samples');
    await spool.put(batch('a1-1-4', t0 + 90 * 60_000, 30), 'samples');
    await spool.put(batch('a1-1-5', t0 + 120 * 60_000, 30), 'samples');
    const file = (id: string) => join(dir!, 'samples', readdirSync(join(dir!, 'samples')).find((f) => f.includes(id))!);
    writeFileSync(file('a1-1-2'), Buffer.from('this was a gzip file before the disk said otherwise'));
    writeFileSync(file('a1-1-4'), gzipSync('{"note":"valid gzip and JSON, but not a batch"}'));

    const sender = new Sender({ collector: c.url, token: AGENT_TOKEN, logger: log, maxBodyBytes: () => 16 * 1024 * 1024 });
    const outbox = new Outbox({ sender, spool, logger: log, replayPerSecond: 50 });
    outbox.start();
    const until = Date.now() + 10_000;
    while (spool.stats().batches > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    await outbox.stop();

    expect(spool.stats().batches).toBe(0);
    expect(outbox.counters).toMatchObject({ replayed: 3, dropped: 2 });
    const rows = storedSamples(c.store.db); // rows, and chunks: a replayed batch is one long run per interface
    expect(rows).toHaveLength(90);
    expect([rows[0].ts, rows[0].inOct]).toEqual([t0, 1n << 62n]);
    expect(rows[30].ts).toBe(t0 + 60 * 60_000);
    expect(rows[60].ts).toBe(t0 + 120 * 60_000);
  });
});

describe('spool replay against a redirect', () => {
  it('keeps every batch spooled (a redirect is not followed, nothing is dropped)', async () => {
    let hits = 0;
    const server = createServer((req, res) => {
      hits++;
      req.resume();
      res.writeHead(308, { location: 'https://collector.example/api/v1/ingest', 'content-type': 'application/json' });
      res.end('{"error":"moved"}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    dir = mkdtempSync(join(tmpdir(), 'pantau-replay-'));
    const log = silentLogger();
    const spool = await Spool.open({ dir, maxBytes: 1e7, logger: log });
    for (let i = 1; i <= 3; i++) await spool.put(batch(`a1-2-${i}`, Date.UTC(2026, 10, 24) + i * 3_600_000, 5), 'samples');
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const outbox = new Outbox({ sender: new Sender({ collector: url, token: AGENT_TOKEN, logger: log, maxBodyBytes: () => 1e6 }), spool, logger: log, replayPerSecond: 50 });
    try {
      outbox.start();
      const until = Date.now() + 5000;
      // Wait for the outbox's decision (a retry time), not for a while in which nothing happens.
      while (outbox.retryAt === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      const decidedAt = Date.now();
      await outbox.stop();
      expect(hits).toBe(1);
      // It asks again only after 60 s.
      expect(outbox.retryAt - decidedAt).toBeGreaterThan(59_000);
      expect(outbox.retryAt - decidedAt).toBeLessThanOrEqual(60_000);
      expect(spool.stats().batches).toBe(3);
      expect(outbox.counters.dropped).toBe(0);
    } finally {
      server.close();
    }
  });
});
