import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import type { IngestAck } from '../../protocol/samples.js';
import type { ApiErrorCode } from '../../collector/api/errors.js';
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

/** A refusal as CONTRACT promises it: the status, the stable `code`, a message and the offending field's path. */
async function expectRejected(res: Response, status: number, code: ApiErrorCode, path?: string | RegExp) {
  const body = (await res.json()) as { error: string; code: string; path?: string };
  expect([res.status, body.code, body.error]).toEqual([status, code, body.error]);
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

  it('keys a batch by (agent, batch id): two agents sending the same batch id both have it stored', async () => {
    const id = `shared-${++n}`;
    const ts = now();
    const before = count('iface_sample');
    const mine = await c.post('/api/v1/ingest', { agent: 'a1', batch: id, samples: [iface({ device: 'r1', ts: ts - 11 })] });
    expect(await mine.json()).toEqual({ ok: true, batch: id, stored: 1, duplicate: false });
    const theirs = await c.post('/api/v1/ingest', { agent: 'a2', batch: id, samples: [iface({ device: 'r3', ts: ts - 11 })] }, OTHER_AGENT_TOKEN);
    expect(await theirs.json()).toEqual({ ok: true, batch: id, stored: 1, duplicate: false });
    expect(count('iface_sample')).toBe(before + 2);
    const seen = c.store.db.prepare('SELECT agent FROM ingest_batch WHERE batch = ? ORDER BY agent').pluck().all(id);
    expect(seen).toEqual(['a1', 'a2']);
    // Each agent's own repeat is still a duplicate.
    const again = await c.post('/api/v1/ingest', { agent: 'a2', batch: id, samples: [iface({ device: 'r3', ts: ts - 11 })] }, OTHER_AGENT_TOKEN);
    expect(await again.json()).toEqual({ ok: true, batch: id, stored: 0, duplicate: true });
  });

  it('accepts gzip-compressed bodies', async () => {
    const body = gzipSync(JSON.stringify(batch([iface({ ts: now() - 5 })])));
    const res = await c.post('/api/v1/ingest', body, AGENT_TOKEN, { 'content-encoding': 'gzip' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ stored: 1 });
  });

  const INVALID = 'PANTAU_INVALID_SAMPLE';
  const cases: [string, () => unknown, number, ApiErrorCode, string | RegExp | undefined][] = [
    ['malformed JSON', () => '{"agent": "a1", "batch": ', 400, 'PANTAU_INVALID_JSON', undefined],
    ['samples not an array', () => batch([]).samples && { agent: 'a1', batch: 'x1', samples: {} }, 400, INVALID, 'samples'],
    ['a batch naming another agent', () => batch([iface()], { agent: 'a2' }), 403, 'PANTAU_FORBIDDEN', 'agent'],
    ['a missing batch id', () => ({ agent: 'a1', samples: [iface()] }), 400, INVALID, 'batch'],
  ];

  it.each(cases)('rejects a malformed batch (%s) with the contract status, code and path, storing nothing', async (_name, make, status, code, path) => {
    const before = { iface: count('iface_sample'), batches: count('ingest_batch') };
    await expectRejected(await c.post('/api/v1/ingest', make() as object), status, code, path);
    expect(count('iface_sample')).toBe(before.iface);
    expect(count('ingest_batch')).toBe(before.batches);
  });

  // r2 is the device these samples name (r1 stays clean for the /status test below).
  const bad = (over: Record<string, unknown>) => iface({ device: 'r2', interface: `bad-${++n}`, ...over });
  const refusals: [string, () => unknown, string, string][] = [
    ['a wrong type of sample', () => ({ type: 'weather', device: 'r2', ts: now() }), 'samples[1].type', 'invalid_sample'],
    ['a negative counter', () => bad({ inOctets: -5 }), 'samples[1].inOctets', 'invalid_counter'],
    ['a negative counter as a string', () => bad({ outOctets: '-1' }), 'samples[1].outOctets', 'invalid_counter'],
    ['a counter over 64 bits', () => bad({ inOctets: '18446744073709551616' }), 'samples[1].inOctets', 'invalid_counter'],
    ['a 32-bit counter over 32 bits', () => bad({ bits: 32, inOctets: '4294967296' }), 'samples[1].inOctets', 'invalid_counter'],
    ['a fractional counter', () => bad({ inOctets: 1.5 }), 'samples[1].inOctets', 'invalid_counter'],
    ['a string timestamp', () => bad({ ts: '2026-11-24' }), 'samples[1].ts', 'invalid_timestamp'],
    ['a timestamp in the future', () => bad({ ts: Date.now() + 86_400_000 }), 'samples[1].ts', 'invalid_timestamp'],
    ['bits other than 32 or 64', () => bad({ bits: 16 }), 'samples[1].bits', 'invalid_counter'],
    ['an empty interface name', () => bad({ interface: '' }), 'samples[1].interface', 'invalid_identity'],
    ['an unknown device', () => bad({ device: 'rtr-nowhere' }), 'samples[1].device', 'unknown_device'],
    ['a device assigned to another agent', () => bad({ device: 'r3' }), 'samples[1].device', 'not_assigned'],
  ];

  it.each(refusals)('refuses only the sample with %s, stores the others and names it in the acknowledgement', async (_name, make, path, reason) => {
    const before = { iface: count('iface_sample'), batches: count('ingest_batch') };
    const ts = now();
    const res = await c.post('/api/v1/ingest', batch([iface({ device: 'r2', interface: 'good-a', ts }), make(), iface({ device: 'r2', interface: 'good-b', ts })]));
    expect(res.status).toBe(200);
    const ack = (await res.json()) as IngestAck;
    expect(ack).toMatchObject({ ok: true, stored: 2, duplicate: false, refusedCount: 1 });
    expect(ack.refused).toEqual([expect.objectContaining({ index: 1, path, reason, error: expect.stringContaining(path) })]);
    expect(count('iface_sample')).toBe(before.iface + 2);
    expect(count('ingest_batch')).toBe(before.batches + 1);
  });

  it('an unsafe JSON number as a counter refuses that sample only', async () => {
    const ts = now();
    const body = `{"agent":"a1","batch":"u1","samples":[{"type":"iface","device":"r2","interface":"e","ts":${ts},"inOctets":9007199254740993,"outOctets":1,"bits":64},{"type":"poll","device":"r2","ts":${ts},"ok":true}]}`;
    const ack = (await (await c.post('/api/v1/ingest', body)).json()) as IngestAck;
    expect(ack).toMatchObject({ stored: 1, refused: [{ index: 0, path: 'samples[0].inOctets', reason: 'invalid_counter' }] });
  });

  it('stores a sample whose optional fields are out of range with those fields unknown, and says so', async () => {
    const ts = now() - 3;
    const res = await c.post('/api/v1/ingest', batch([
      iface({ device: 'r2', interface: 'port9', ts, speedBps: 4294967295e6, operUp: 'yes', uptime: -1 }),
      iface({ device: 'r2', interface: 'x'.repeat(255), ts }),
    ]));
    expect(res.status).toBe(200);
    const ack = (await res.json()) as IngestAck;
    expect(ack).toMatchObject({ stored: 2, setAsideCount: 4 });
    expect(ack.refused).toBeUndefined();
    expect(ack.setAside!.map((a) => [a.path, a.action, a.device])).toEqual([
      ['samples[0].uptime', 'unknown', 'r2'],
      ['samples[0].operUp', 'unknown', 'r2'],
      ['samples[0].speedBps', 'unknown', 'r2'],
      ['samples[1].interface', 'cut', 'r2'],
    ]);
    const row = c.store.db
      .prepare("SELECT i.speed, i.uptime, i.flags FROM iface_sample i JOIN series s ON s.id = i.series WHERE s.interface = 'port9' AND i.ts = ?")
      .get(ts) as { speed: number | null; uptime: number | null; flags: number };
    expect(row).toEqual({ speed: null, uptime: null, flags: 0 });
    const names = c.store.db.prepare("SELECT interface FROM series WHERE interface LIKE 'xxx%'").pluck().all() as string[];
    expect(names).toEqual([expect.stringMatching(/^x{119}…[0-9a-f]{8}$/)]);
  });

  it('rejects a missing token with 401 and an unknown one with 401', async () => {
    const res = await fetch(c.url + '/api/v1/ingest', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(batch([iface()])) });
    await expectRejected(res, 401, 'PANTAU_UNAUTHORIZED');
    await expectRejected(await c.post('/api/v1/ingest', batch([iface()]), 'not-a-known-token-at-all'), 401, 'PANTAU_UNAUTHORIZED');
  });

  it('rejects a viewer token writing samples with 403', async () => {
    await expectRejected(await c.post('/api/v1/ingest', batch([iface()]), VIEWER_TOKEN), 403, 'PANTAU_FORBIDDEN');
  });

  it('rejects a body over the limit with 413, also when it only exceeds it after gunzip', async () => {
    const before = count('iface_sample');
    const huge = JSON.stringify(batch(Array.from({ length: 1 }, () => iface({ interface: 'x'.repeat(100) })))).replace('"samples"', `"pad":"${'p'.repeat(17 * 1024 * 1024)}","samples"`);
    await expectRejected(await c.post('/api/v1/ingest', huge), 413, 'PANTAU_BODY_TOO_LARGE');
    await expectRejected(await c.post('/api/v1/ingest', gzipSync(huge), AGENT_TOKEN, { 'content-encoding': 'gzip' }), 413, 'PANTAU_BODY_TOO_LARGE');
    expect(count('iface_sample')).toBe(before);
  });

  it('rejects a body that is not gzip although it says so', async () => {
    await expectRejected(await c.post('/api/v1/ingest', 'not gzip', AGENT_TOKEN, { 'content-encoding': 'gzip' }), 400, 'PANTAU_BAD_REQUEST');
  });

  it('rejects a body in another content type or encoding with 415', async () => {
    const body = JSON.stringify(batch([iface()]));
    await expectRejected(await c.post('/api/v1/ingest', body, AGENT_TOKEN, { 'content-type': 'application/xml' }), 415, 'PANTAU_UNSUPPORTED_MEDIA');
    await expectRejected(await c.post('/api/v1/ingest', body, AGENT_TOKEN, { 'content-encoding': 'br' }), 415, 'PANTAU_UNSUPPORTED_MEDIA');
  });

  it('stays healthy after all the rejections, and counts them in /metrics', async () => {
    const h = await fetch(c.url + '/healthz');
    expect(h.status).toBe(200);
    const m = await (await fetch(c.url + '/metrics')).text();
    // Counted by the tests above in this file: 5 batches stored whole, 2 repeats (one in each
    // duplicate test), 2 malformed batches refused by validation (malformed JSON is refused before
    // the route, another agent's name after it), 14 stored in part (12 refusal cases, the unsafe
    // JSON number, the set-aside fields).
    const counted = [...m.matchAll(/^pantau_ingest_batches_total\{result="(\w+)"\} (\d+)$/gm)].map((x) => [x[1], Number(x[2])]);
    expect(Object.fromEntries(counted)).toEqual({ stored: 5, duplicate: 2, invalid: 2, stored_in_part: 14 });
    expect(m).toMatch(/pantau_ingest_samples_refused_total\{agent="a1",reason="invalid_counter"\} [1-9]/);
    expect(m).toMatch(/pantau_ingest_samples_refused_total\{agent="a1",reason="not_assigned"\} 1/);
    expect(m).toMatch(/pantau_ingest_fields_set_aside_total\{agent="a1",field="speedBps"\} 1/);
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
    // The refusals and set-asides of the tests above are r2's warnings within the hour.
    expect((by.r2 as unknown as { warnings: string[] }).warnings).toEqual(
      expect.arrayContaining([expect.stringMatching(/^ingest: \d+ samples refused within the hour \(invalid_counter\)/), expect.stringMatching(/^ingest: speedBps set aside on 1 sample/)]),
    );
    expect(by.r3.state).toBe('down');
    expect(s.opds.find((o) => o.id === 'bappeda')?.state).toBe('down');
  });

  it('shows a device that answers with poll warnings as warning, never a plain up, with its warnings', async () => {
    const ts = now() + 1;
    const w = 'ifHighSpeed is a sentinel (no link?) on 2 interfaces: speed from ifSpeed, else unknown: port1 (4294967295), port2 (4294901759)';
    await c.post('/api/v1/ingest', batch([{ type: 'poll', device: 'r1', ts, ok: true, warnings: [w] }]));
    const s = (await (await c.get('/api/v1/status')).json()) as { devices: { id: string; state: string; warnings: string[] }[]; opds: { id: string; state: string }[] };
    const r1 = s.devices.find((d) => d.id === 'r1')!;
    expect(r1).toMatchObject({ state: 'warning', warnings: [w] });
    await c.post('/api/v1/ingest', batch([{ type: 'poll', device: 'r1', ts: ts + 1, ok: true }]));
    const s2 = (await (await c.get('/api/v1/status')).json()) as typeof s;
    expect(s2.devices.find((d) => d.id === 'r1')).toMatchObject({ state: 'up', warnings: [] });
  });

  it('requires a user token', async () => {
    expect((await c.get('/api/v1/status', AGENT_TOKEN)).status).toBe(403);
    expect((await fetch(c.url + '/api/v1/status')).status).toBe(401);
  });
});

describe('an interface list sent again', () => {
  it('is judged per agent: the same list from two agents, twice each, refuses each agent\'s unassigned device', async () => {
    const list = (k: number) => [iface({ device: 'r1', interface: 'l1', ts: now() - k }), iface({ device: 'r3', interface: 'l2', ts: now() - k })];
    const send = async (agent: string, token: string, k: number) => {
      const r = await c.post('/api/v1/ingest', { agent, batch: `list-${agent}-${k}`, samples: list(k) }, token);
      const a = (await r.json()) as IngestAck;
      return [a.stored, (a.refused ?? []).map((x) => `${x.device}:${x.reason}`)];
    };
    for (const k of [10, 20]) {
      expect(await send('a1', AGENT_TOKEN, k)).toEqual([1, ['r3:not_assigned']]);
      expect(await send('a2', OTHER_AGENT_TOKEN, k)).toEqual([1, ['r1:not_assigned']]);
    }
  });
});
