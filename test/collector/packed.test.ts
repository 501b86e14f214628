// A validated batch packed for the trip from a parse worker to the main thread
// (collector/ingest/packed.ts): every interface column a view of one buffer, moved with the
// staged records (two buffers, not nine), and every value as validated, counters exact.
import { describe, expect, it } from 'vitest';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { pack, transferables } from '../../collector/ingest/packed.js';
import { validateBatch } from '../../collector/ingest/validate.js';

const NOW = Date.parse('2026-11-20T05:00:00Z');

describe('a packed batch', () => {
  it('moves its columns as one buffer with the staged records, values intact', () => {
    const body = {
      agent: 'a1',
      batch: 'b1',
      samples: [
        { type: 'iface', device: 'r1', interface: 'ether1', ts: NOW - 60_000, inOctets: '18446744073709551615', outOctets: 1, bits: 64, uptime: 4000, speedBps: 1e9, operUp: true },
        { type: 'ping', device: 'r1', ts: NOW - 60_000, up: true },
        { type: 'iface', device: 'r2', interface: 'wan', ts: NOW - 30_000, inOctets: '9007199254740993', outOctets: '42', bits: 64 },
      ],
    };
    const p = pack(validateBatch(JSON.parse(JSON.stringify(body)), NOW));
    const moved = transferables(p);
    expect(moved).toHaveLength(2);
    const { port1, port2 } = new MessageChannel();
    port1.postMessage(p, moved);
    const got = receiveMessageOnPort(port2)!.message as typeof p;
    port1.close();
    const c = got.iface;
    expect(new Set([c.ts, c.inOctets, c.outOctets, c.uptime, c.speed, c.key, c.index, c.flags].map((a) => a.buffer)).size).toBe(1);
    expect([...c.inOctets]).toEqual([2n ** 64n - 1n, 9007199254740993n]);
    expect([...c.outOctets]).toEqual([1n, 42n]);
    expect([...c.ts]).toEqual([NOW - 60_000, NOW - 30_000]);
    expect([...c.uptime].map((x) => (Number.isNaN(x) ? null : x))).toEqual([4000, null]);
    expect([...c.flags]).toEqual([6, 0]);
    expect([...c.index]).toEqual([0, 2]);
    expect(c.keys).toEqual(['r1\u0000ether1', 'r2\u0000wan']);
    expect(c.keyList).toBe(JSON.stringify(c.keys));
    expect(got.others).toHaveLength(1);
  });
});
