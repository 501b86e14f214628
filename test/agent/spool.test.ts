// The disk spool: bounded size, sample batches dropped before events, survives re-open.
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Spool } from '../../agent/spool/spool.js';
import { silentLogger } from '../../log/logger.js';
import type { IngestBatch } from '../../protocol/samples.js';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'pantau-spool-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

// Random-ish payloads so gzip cannot make them tiny: each batch is a few KB on disk.
function batch(id: string, n: number, type: 'iface' | 'poll' = 'iface'): IngestBatch {
  const samples = Array.from({ length: n }, (_, i) =>
    type === 'poll'
      ? { type: 'poll' as const, device: `d${i}`, ts: i, ok: false, error: `snmp: ${Math.random().toString(36)}` }
      : {
          type: 'iface' as const,
          device: `rtr-${Math.random().toString(36).slice(2)}`,
          interface: `ether${i}`,
          ts: 1_700_000_000_000 + i,
          inOctets: BigInt(Math.floor(Math.random() * 2 ** 52)) * 4096n,
          outOctets: BigInt(i),
          bits: 64 as const,
        },
  );
  return { agent: 'a1', batch: id, samples };
}

describe('spool', () => {
  it('keeps its size under the bound by dropping the oldest sample batches, counting them', async () => {
    const s = await Spool.open({ dir, maxBytes: 60_000, logger: silentLogger() });
    for (let i = 0; i < 40; i++) await s.put(batch(`s${i}`, 100), 'samples');
    const st = s.stats();
    expect(st.bytes).toBeLessThanOrEqual(60_000);
    expect(st.droppedBatches).toBeGreaterThan(0); // the payloads are random: how many is not fixed
    expect(st.batches + st.droppedBatches).toBe(40); // every batch put is either held or counted as dropped
    const onDisk = readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((f) => f.isFile())
      .reduce((sum, f) => sum + statSync(join(f.parentPath, f.name)).size, 0);
    expect(st.bytes).toBe(onDisk); // the bound is kept on what is really on disk
    expect(st.droppedSamples).toBe(st.droppedBatches * 100);
    // What is left is the newest, contiguous up to the last one put.
    expect(s.oldest()!.batchId).toBe(`s${40 - st.batches}`);
  });

  it('drops sample batches before event batches, even older events', async () => {
    const s = await Spool.open({ dir, maxBytes: 60_000, logger: silentLogger() });
    await s.put(batch('e0', 100, 'poll'), 'events');
    await s.put(batch('e1', 100, 'poll'), 'events');
    for (let i = 0; i < 40; i++) await s.put(batch(`s${i}`, 100), 'samples');
    await s.put(batch('e2', 100, 'poll'), 'events');
    expect(s.oldest()!.batchId).toBe('e0');
    expect(s.stats().droppedEvents).toBe(0);
    const ids: string[] = [];
    for (let e = s.oldest(); e; e = s.oldest()) {
      ids.push(e.batchId);
      await s.remove(e);
    }
    expect(ids.filter((x) => x.startsWith('e'))).toEqual(['e0', 'e1', 'e2']);
  });

  it('drops an incoming sample batch rather than an event when only events fill it', async () => {
    const s = await Spool.open({ dir, maxBytes: 20_000, logger: silentLogger() });
    let events = 0;
    while (s.stats().bytes < 15_000) await s.put(batch(`e${events++}`, 50, 'poll'), 'events');
    const before = s.stats().batches;
    await s.put(batch('big', 300), 'samples');
    expect(s.stats().batches).toBe(before);
    expect(s.stats().droppedSamples).toBe(300);
    expect(s.stats().droppedEvents).toBe(0);
  });

  it('survives a restart: a re-opened spool has the same batches in the same order, counters exact', async () => {
    const a = await Spool.open({ dir, maxBytes: 10_000_000, logger: silentLogger() });
    const b0 = batch('x0', 3);
    await a.put(b0, 'samples');
    await a.put(batch('x1', 2, 'poll'), 'events');
    await a.put(batch('x2', 1), 'samples');
    writeFileSync(join(dir, 'tmp', 'half-written.tmp'), 'garbage'); // a crash mid-write
    const b = await Spool.open({ dir, maxBytes: 10_000_000, logger: silentLogger() });
    expect(b.stats()).toMatchObject({ batches: 3, bytes: a.stats().bytes });
    const first = b.oldest()!;
    expect(first.batchId).toBe('x0');
    const back = await b.read(first);
    expect(back.samples[0]).toMatchObject({ inOctets: (b0.samples[0] as { inOctets: bigint }).inOctets.toString() });
    await b.remove(first);
    expect(b.oldest()!.batchId).toBe('x1');
    expect(readdirSync(join(dir, 'tmp'))).toEqual([]);
    await b.put(batch('x3', 1), 'samples'); // sequence continues after the old entries
    const c = await Spool.open({ dir, maxBytes: 10_000_000, logger: silentLogger() });
    const order: string[] = [];
    for (let e = c.oldest(); e; e = c.oldest()) {
      order.push(e.batchId);
      await c.remove(e);
    }
    expect(order).toEqual(['x1', 'x2', 'x3']);
  });
});
