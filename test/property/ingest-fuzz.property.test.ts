// Fuzzing the ingest API (issue 8): random JSON, random bytes and mutated valid batches posted
// by an authenticated agent get 200 or a 4xx with the contract's error body, never a 5xx and
// never a crash; a refused request stores nothing. The collector then still answers.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCollector, testConfigYaml, type TestCollector } from '../helpers/collector.js';

const NOW = Date.UTC(2026, 11, 2, 5, 0, 0);
let c: TestCollector;
beforeAll(async () => {
  // Thousands of requests on one token: the rate limit (tested in test/security) is lifted here.
  c = await startTestCollector((db) => testConfigYaml(db, 'limits: { ratePerToken: 1000000, ratePerAddress: 1000000 }'), { now: () => NOW });
});
afterAll(async () => {
  await c.cleanup();
});

const TABLES = ['iface_sample', 'host_sample', 'ping_sample', 'poll_result', 'backup_run', 'ingest_batch', 'device_state', 'iface_state'];
const counts = () => TABLES.map((t) => c.store.db.prepare(`SELECT count(*) FROM ${t}`).pluck().get() as number);

let seq = 0;
function valid(): Record<string, unknown> {
  const ts = NOW - 60_000;
  return {
    agent: 'a1',
    batch: `f${++seq}`,
    samples: [
      { type: 'iface', device: 'r1', interface: 'ether1', ts, inOctets: '18446744073709551615', outOctets: 5, bits: 64, uptime: 100, operUp: true, speedBps: 1e9 },
      { type: 'iface', device: 'r2', interface: 'ge-0/0/0', ts, inOctets: '4294967295', outOctets: '0', bits: 32 },
      { type: 'host', device: 'a1', ts, uptimeS: 100, cpuPct: 5, memUsedPct: 50, disks: [{ mount: '/', usedPct: 10 }], rxBytes: '1', txBytes: 2 },
      { type: 'ping', device: 'r1', ts, up: true, rttMs: 1.5, lossPct: 0 },
      { type: 'poll', device: 'r2', ts, ok: false, error: 'snmp: timeout', durationMs: 5, warnings: ['w'] },
      { type: 'backup', opd: 'dinkes', ts, ok: true, bytes: '1000', path: '/srv/b.tar.gz' },
    ],
  };
}

/** A mutation of a valid batch: a random JSON value at a random path, a deleted key, or a swapped type. */
const mutation = fc.record({
  sample: fc.nat(),
  key: fc.nat(),
  how: fc.constantFrom('set', 'delete', 'top'),
  value: fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    fc.constantFrom(-1, 0, 1.5, 2 ** 53 + 1, 1e308, '', '-1', '1e3', '0x10', '18446744073709551616', '４２', 'NaN', null, [], {}, true, 'x'.repeat(5000), Date.UTC(2000, 0, 1), NOW + 3_600_000),
  ),
});

function mutate(batch: Record<string, unknown>, muts: { sample: number; key: number; how: string; value: unknown }[]): unknown {
  const b = structuredClone(batch) as Record<string, unknown>;
  for (const m of muts) {
    if (m.how === 'top') {
      const keys = ['agent', 'batch', 'samples', 'extra'];
      b[keys[m.key % keys.length]] = m.value;
      continue;
    }
    const samples = b.samples;
    if (!Array.isArray(samples) || samples.length === 0) continue;
    const s = samples[m.sample % samples.length];
    if (!s || typeof s !== 'object' || Array.isArray(s)) continue;
    const keys = [...Object.keys(s), 'type', 'device', 'ts', 'unknownKey'];
    const k = keys[m.key % keys.length];
    if (m.how === 'delete') delete (s as Record<string, unknown>)[k];
    else (s as Record<string, unknown>)[k] = m.value;
  }
  return b;
}

async function postAndCheck(body: string): Promise<void> {
  const before = counts();
  const res = await c.post('/api/v1/ingest', body);
  const text = await res.text();
  expect(res.status, text).toBeLessThan(500);
  if (res.status !== 200) {
    expect(res.status).toBeGreaterThanOrEqual(400);
    const err = JSON.parse(text) as { error?: unknown; code?: unknown };
    expect(typeof err.error).toBe('string');
    expect(counts(), `a refused request stored something: ${text}`).toEqual(before);
  }
}

describe('ingest API fuzz (property)', () => {
  it('answers random JSON with a 4xx and stores nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), async (v) => {
        const before = counts();
        const res = await c.post('/api/v1/ingest', JSON.stringify(v));
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expect(counts()).toEqual(before);
      }),
      { numRuns: 150, seed: 4 },
    );
  });

  it('answers random bytes and broken JSON with a 4xx and stores nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.constantFrom('{', '{"agent":', '[1,2', '\u0000', '{"samples":[{"ts":1e999}]}', '"\\ud800"')),
        async (text) => {
          const before = counts();
          const res = await c.post('/api/v1/ingest', text);
          expect(res.status).toBeGreaterThanOrEqual(400);
          expect(res.status).toBeLessThan(500);
          expect(counts()).toEqual(before);
        },
      ),
      { numRuns: 150, seed: 5 },
    );
  });

  it('answers mutated valid batches with 200 or a 4xx, never a 5xx, storing nothing when refused', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), async (muts) => postAndCheck(JSON.stringify(mutate(valid(), muts)))),
      { numRuns: 200, seed: 6 },
    );
    expect((await c.get('/healthz')).status).toBe(200);
    expect((await c.post('/api/v1/ingest', valid())).status).toBe(200);
  });
});
