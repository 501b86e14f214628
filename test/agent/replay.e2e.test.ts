// Replaying a spool into the real collector: batches go as their files lie on disk, and a file
// that turned to garbage on disk is dropped (counted) while the others are stored, none twice.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Spool } from '../../agent/spool/spool.js';
import { Outbox } from '../../agent/transport/outbox.js';
import { Sender } from '../../agent/transport/sender.js';
import { silentLogger } from '../../log/logger.js';
import type { IngestBatch } from '../../protocol/samples.js';
import { AGENT_TOKEN, startTestCollector, type TestCollector } from '../helpers/collector.js';

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
  it('sends spooled files as they are, drops one that is garbage, stores the rest once', async () => {
    c = await startTestCollector();
    dir = mkdtempSync(join(tmpdir(), 'pantau-replay-'));
    const log = silentLogger();
    const spool = await Spool.open({ dir, maxBytes: 1e7, logger: log });
    const t0 = Date.UTC(2026, 10, 24, 0, 0);
    await spool.put(batch('a1-1-1', t0, 30), 'samples');
    await spool.put(batch('a1-1-2', t0 + 30 * 60_000, 30), 'samples');
    await spool.put(batch('a1-1-3', t0 + 60 * 60_000, 30), 'samples');
    const second = readdirSync(join(dir, 'samples')).find((f) => f.includes('a1-1-2'))!;
    writeFileSync(join(dir, 'samples', second), Buffer.from('this was a gzip file before the disk said otherwise'));

    const sender = new Sender({ collector: c.url, token: AGENT_TOKEN, logger: log, maxBodyBytes: () => 16 * 1024 * 1024 });
    const outbox = new Outbox({ sender, spool, logger: log, replayPerSecond: 50 });
    outbox.start();
    const until = Date.now() + 10_000;
    while (spool.stats().batches > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    await outbox.stop();

    expect(spool.stats().batches).toBe(0);
    expect(outbox.counters).toMatchObject({ replayed: 2, dropped: 1 });
    const rows = c.store.db.prepare('SELECT ts, in_oct FROM iface_sample ORDER BY ts').safeIntegers().all() as { ts: bigint; in_oct: bigint }[];
    expect(rows).toHaveLength(60);
    expect(rows[0]).toEqual({ ts: BigInt(t0), in_oct: 1n << 62n });
    expect(rows[30].ts).toBe(BigInt(t0 + 60 * 60_000));
  });
});
