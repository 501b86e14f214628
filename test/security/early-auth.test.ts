// Issue 8, defect 2: access is decided before a body is read. Unauthenticated or unauthorised
// requests, and requests to routes that do not exist, are answered while their body is still
// on the wire; a gzip bomb without a token costs the collector nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { AGENT_TOKEN, VIEWER_TOKEN, startTestCollector, type TestCollector } from '../helpers/collector.js';
import { rawRequest } from './raw-http.js';

let c: TestCollector;
let port: number;
beforeAll(async () => {
  c = await startTestCollector();
  port = Number(new URL(c.url).port);
});
afterAll(async () => c?.cleanup());

/** The first 100 bytes of a 1 MiB gzip'd body: valid gzip that a reader would wait to see the rest of. */
const PARTIAL = gzipSync(Buffer.from(JSON.stringify({ agent: 'a1', batch: 'x', samples: Array.from({ length: 20_000 }, (_, i) => ({ n: i * 7919 })) }))).subarray(0, 100);

/** POST head announcing `length` bytes of gzip'd JSON. */
const head = (path: string, length: number, token?: string) =>
  [`POST ${path} HTTP/1.1`, 'Host: 127.0.0.1', 'Content-Type: application/json', 'Content-Encoding: gzip', `Content-Length: ${length}`, ...(token ? [`Authorization: Bearer ${token}`] : [])].join('\r\n');

describe('access before the body', () => {
  it('answers 401 to an ingest without a token before its body has arrived', async () => {
    // 1 MiB announced, 100 bytes sent: an answer now proves nothing waited for the rest.
    const a = await rawRequest(port, head('/api/v1/ingest', 1 << 20), PARTIAL, 3000);
    expect(a.status).toBe(401);
    expect(JSON.parse(a.body)).toMatchObject({ code: 'PANTAU_UNAUTHORIZED' });
    expect(a.headers.connection).toBe('close');
  });

  it('answers 403 to a viewer posting a batch before its body has arrived', async () => {
    const a = await rawRequest(port, head('/api/v1/ingest', 1 << 20, VIEWER_TOKEN), PARTIAL, 3000);
    expect(a.status).toBe(403);
    expect(JSON.parse(a.body)).toMatchObject({ code: 'PANTAU_FORBIDDEN' });
  });

  it('answers 404 to a POST on a route that does not exist before its body has arrived', async () => {
    const a = await rawRequest(port, head('/api/v1/nothing-here', 1 << 20, AGENT_TOKEN), PARTIAL, 3000);
    expect(a.status).toBe(404);
    expect(JSON.parse(a.body)).toMatchObject({ code: 'PANTAU_NOT_FOUND' });
    expect(a.headers.connection).toBe('close');
  });

  it('refuses an unauthenticated 16 KiB gzip of nested arrays at once while /healthz stays quick', async () => {
    const bomb = gzipSync(Buffer.alloc(16 * 1024 * 1024 - 64, '['), { level: 9 });
    expect(bomb.length).toBeLessThan(20 * 1024);
    const rss0 = process.memoryUsage().rss;
    const t0 = performance.now();
    const attacks = Array.from({ length: 4 }, () => rawRequest(port, head('/api/v1/ingest', bomb.length), bomb));
    const h0 = performance.now();
    const health = await fetch(c.url + '/healthz');
    const healthMs = performance.now() - h0;
    const answers = await Promise.all(attacks);
    const attackMs = performance.now() - t0;
    expect(health.status).toBe(200);
    for (const a of answers) expect(a.status).toBe(401);
    // Before the fix each of these took seconds (the body was gunzipped and parsed first).
    expect(attackMs).toBeLessThan(2000);
    expect(healthMs).toBeLessThan(2000);
    expect(process.memoryUsage().rss - rss0).toBeLessThan(200 * 1024 * 1024);
  });

  it('still takes a batch from its agent (the body is read once access is granted)', async () => {
    const body = gzipSync(JSON.stringify({ agent: 'a1', batch: 'early-1', samples: [{ type: 'ping', device: 'r1', ts: Date.now() - 1000, up: true }] }));
    const a = await rawRequest(port, head('/api/v1/ingest', body.length, AGENT_TOKEN), body);
    expect(a.status).toBe(200);
    expect(JSON.parse(a.body)).toMatchObject({ ok: true, stored: 1 });
  });

  it("refuses an agent's read of another agent's assignment with 403 and its own with nothing", async () => {
    expect((await c.get('/api/v1/agents/a2/assignment', AGENT_TOKEN)).status).toBe(403);
    expect((await c.get('/api/v1/agents/a1/assignment', AGENT_TOKEN)).status).toBe(200);
  });
});
