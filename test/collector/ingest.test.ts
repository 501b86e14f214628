import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { AGENT_TOKEN, OTHER_AGENT_TOKEN, VIEWER_TOKEN, startTestCollector, type TestCollector } from '../helpers/collector.js';

let c: TestCollector;
beforeAll(async () => {
  c = await startTestCollector();
});
afterAll(async () => c?.cleanup());

const now = () => Date.now() - 1000;
const iface = (over: Record<string, unknown> = {}) => ({
  type: 'iface', device: 'r1', interface: 'ether1', ts: now(), inOctets: '1000', outOctets: '2000', bits: 64, ...over,
});
let n = 0;
const batch = (samples: unknown[], over: Record<string, unknown> = {}) => ({ agent: 'a1', batch: `t-${++n}`, samples, ...over });

function count(table: string): number {
  return Number(c.store.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get());
}

async function expectRejected(res: Response, status: number, path?: string | RegExp) {
  expect(res.status).toBe(status);
  const body = (await res.json()) as { error: string; path?: string };
  expect(typeof body.error).toBe('string');
  expect(body.error.length).toBeGreaterThan(5);
  if (path instanceof RegExp) expect(body.path).toMatch(path);
  else if (path) expect(body.path).toBe(path);
  return body;
}

describe('POST /api/v1/ingest', () => {
  it('stores a batch and acknowledges what it stored, exact above 2^62', async () => {
    const big = (1n << 62n) + 12345n;
    const max = (1n << 64n) - 1n;
    const ts = now();
    const res = await c.post('/api/v1/ingest', batch([iface({ ts: ts - 60_000, inOctets: big.toString(), outOctets: max.toString() }), iface({ ts })]));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, stored: 2, duplicate: false });
    const rows = c.store.db.prepare('SELECT in_oct, out_oct FROM iface_sample ORDER BY ts').safeIntegers().all() as { in_oct: bigint; out_oct: bigint }[];
    expect(BigInt.asUintN(64, rows[0].in_oct)).toBe(big);
    expect(BigInt.asUintN(64, rows[0].out_oct)).toBe(max);
  });

  it('acknowledges a repeated batch without storing it twice', async () => {
    const b = batch([iface({ device: 'r2' })]);
    const first = await c.post('/api/v1/ingest', b);
    expect(await first.json()).toMatchObject({ stored: 1, duplicate: false });
    const before = count('iface_sample');
    const again = await c.post('/api/v1/ingest', b);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ stored: 0, duplicate: true });
    expect(count('iface_sample')).toBe(before);
  });

  it('accepts gzip-compressed bodies', async () => {
    const body = gzipSync(JSON.stringify(batch([iface({ ts: now() - 5 })])));
    const res = await c.post('/api/v1/ingest', body, AGENT_TOKEN, { 'content-encoding': 'gzip' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ stored: 1 });
  });

  const cases: [string, () => unknown, number, string | RegExp | undefined][] = [
    ['malformed JSON', () => '{"agent": "a1", "batch": ', 400, undefined],
    ['samples not an array', () => batch([]).samples && { agent: 'a1', batch: 'x1', samples: {} }, 400, 'samples'],
    ['a wrong type of sample', () => batch([iface(), { type: 'weather', device: 'r1', ts: now() }]), 400, 'samples[1].type'],
    ['a negative counter', () => batch([iface(), iface({ inOctets: -5 })]), 400, 'samples[1].inOctets'],
    ['a negative counter as a string', () => batch([iface({ outOctets: '-1' })]), 400, 'samples[0].outOctets'],
    ['a counter over 64 bits', () => batch([iface({ inOctets: '18446744073709551616' })]), 400, 'samples[0].inOctets'],
    ['a 32-bit counter over 32 bits', () => batch([iface({ bits: 32, inOctets: '4294967296' })]), 400, 'samples[0].inOctets'],
    ['an unsafe JSON number', () => '{"agent":"a1","batch":"u1","samples":[{"type":"iface","device":"r1","interface":"e","ts":' + now() + ',"inOctets":9007199254740993,"outOctets":1,"bits":64}]}', 400, 'samples[0].inOctets'],
    ['a fractional counter', () => batch([iface({ inOctets: 1.5 })]), 400, 'samples[0].inOctets'],
    ['a string timestamp', () => batch([iface({ ts: '2026-11-24' })]), 400, 'samples[0].ts'],
    ['a timestamp in the future', () => batch([iface({ ts: Date.now() + 86_400_000 })]), 400, 'samples[0].ts'],
    ['bits other than 32 or 64', () => batch([iface({ bits: 16 })]), 400, 'samples[0].bits'],
    ['an unknown device', () => batch([iface(), iface({ device: 'rtr-nowhere' })]), 400, 'samples[1].device'],
    ['a device assigned to another agent', () => batch([iface({ device: 'r3' })]), 403, 'samples[0].device'],
    ['a batch naming another agent', () => batch([iface()], { agent: 'a2' }), 403, 'agent'],
    ['a missing batch id', () => ({ agent: 'a1', samples: [iface()] }), 400, 'batch'],
  ];

  it.each(cases)('rejects %s with the contract status and path, storing nothing', async (_name, make, status, path) => {
    const before = { iface: count('iface_sample'), batches: count('ingest_batch') };
    await expectRejected(await c.post('/api/v1/ingest', make() as object), status, path);
    expect(count('iface_sample')).toBe(before.iface);
    expect(count('ingest_batch')).toBe(before.batches);
  });

  it('rejects a missing token with 401 and an unknown one with 401', async () => {
    const res = await fetch(c.url + '/api/v1/ingest', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(batch([iface()])) });
    await expectRejected(res, 401);
    await expectRejected(await c.post('/api/v1/ingest', batch([iface()]), 'not-a-known-token-at-all'), 401);
  });

  it('rejects a viewer token writing samples with 403', async () => {
    await expectRejected(await c.post('/api/v1/ingest', batch([iface()]), VIEWER_TOKEN), 403);
  });

  it('rejects a body over the limit with 413, also when it only exceeds it after gunzip', async () => {
    const before = count('iface_sample');
    const huge = JSON.stringify(batch(Array.from({ length: 1 }, () => iface({ interface: 'x'.repeat(100) })))).replace('"samples"', `"pad":"${'p'.repeat(17 * 1024 * 1024)}","samples"`);
    await expectRejected(await c.post('/api/v1/ingest', huge), 413);
    await expectRejected(await c.post('/api/v1/ingest', gzipSync(huge), AGENT_TOKEN, { 'content-encoding': 'gzip' }), 413);
    expect(count('iface_sample')).toBe(before);
  });

  it('rejects a body that is not gzip although it says so', async () => {
    await expectRejected(await c.post('/api/v1/ingest', 'not gzip', AGENT_TOKEN, { 'content-encoding': 'gzip' }), 400);
  });

  it('stays healthy after all the rejections, and counts them in /metrics', async () => {
    const h = await fetch(c.url + '/healthz');
    expect(h.status).toBe(200);
    const m = await (await fetch(c.url + '/metrics')).text();
    expect(m).toMatch(/pantau_ingest_batches_total\{result="invalid"\} [1-9]/);
    expect(m).toMatch(/pantau_ingest_batches_total\{result="duplicate"\} 1/);
    const ok = await c.post('/api/v1/ingest', batch([iface({ ts: now() - 7 })]));
    expect(ok.status).toBe(200);
  });
});

describe('GET /api/v1/agents/{id}/assignment', () => {
  it('gives an agent its devices with their SNMP settings', async () => {
    const res = await c.get('/api/v1/agents/a1/assignment', AGENT_TOKEN);
    expect(res.status).toBe(200);
    const a = (await res.json()) as { devices: { id: string; snmp?: { port: number } }[]; intervalSeconds: number; maxBodyBytes: number };
    expect(a.devices.map((d) => d.id)).toEqual(['r1', 'r2']);
    expect(a.devices[0].snmp?.port).toBe(16161);
    expect(a.intervalSeconds).toBe(60);
    expect(a.maxBodyBytes).toBe(16 * 1024 * 1024);
  });

  it("refuses another agent's assignment with 403", async () => {
    expect((await c.get('/api/v1/agents/a1/assignment', OTHER_AGENT_TOKEN)).status).toBe(403);
  });
});

describe('GET /api/v1/status', () => {
  it('shows a poll error on its device and a ping failure as down', async () => {
    const ts = now();
    await c.post('/api/v1/ingest', batch([
      { type: 'poll', device: 'r2', ts, ok: false, error: 'snmp: authentication failure' },
      { type: 'ping', device: 'r1', ts, up: true, rttMs: 0.3 },
      { type: 'poll', device: 'r1', ts, ok: true },
    ]));
    await c.post('/api/v1/ingest', { agent: 'a2', batch: 'p1', samples: [{ type: 'ping', device: 'r3', ts, up: false, lossPct: 100 }] }, OTHER_AGENT_TOKEN);
    const res = await c.get('/api/v1/status');
    expect(res.status).toBe(200);
    const s = (await res.json()) as { devices: { id: string; state: string; poll?: { error?: string } }[]; opds: { id: string; state: string }[] };
    const by = Object.fromEntries(s.devices.map((d) => [d.id, d]));
    expect(by.r1.state).toBe('up');
    expect(by.r2.state).toBe('error');
    expect(by.r2.poll?.error).toBe('snmp: authentication failure');
    expect(by.r3.state).toBe('down');
    expect(s.opds.find((o) => o.id === 'bappeda')?.state).toBe('down');
  });

  it('requires a user token', async () => {
    expect((await c.get('/api/v1/status', AGENT_TOKEN)).status).toBe(403);
    expect((await fetch(c.url + '/api/v1/status')).status).toBe(401);
  });
});
