// Issue 8, defects 3 (rate limit) and 6: what the collector answers and logs when it refuses.
// Token query parameters never reach the log; floods of 401s make one line a minute and a
// counter; a rate limit answers 429 with Retry-After; a backup sample is accepted only for an
// OPD the agent watches; malformed requests get the contract's {error, code} shape.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCollectorConfig } from '../../config/collector.js';
import { startCollector, type Collector } from '../../collector/main.js';
import { createLogger } from '../../log/logger.js';
import { AGENT_TOKEN, OPERATOR_TOKEN, OTHER_AGENT_TOKEN, VIEWER_TOKEN, testConfigYaml } from '../helpers/collector.js';
import { rawRequest } from './raw-http.js';

interface Logged {
  c: Collector;
  lines: string[];
  dir: string;
  port: number;
}

async function collectorWithLog(extra = ''): Promise<Logged> {
  const dir = mkdtempSync(join(tmpdir(), 'pantau-sec-'));
  const lines: string[] = [];
  const logger = createLogger({ level: 'info', destination: { write: (s: string) => void lines.push(s) } });
  const cfg = parseCollectorConfig('test.yaml', testConfigYaml(join(dir, 'pantau.db'), extra));
  const c = await startCollector(cfg, { logger, background: false });
  return { c, lines, dir, port: Number(new URL(c.url).port) };
}
const cleanup = async (l?: Logged) => {
  await l?.c.stop();
  if (l) rmSync(l.dir, { recursive: true, force: true });
};

const post = (url: string, path: string, body: string, headers: Record<string, string>) => fetch(url + path, { method: 'POST', headers, body });

describe('refusals with the default limits', () => {
  let l: Logged;
  beforeAll(async () => {
    l = await collectorWithLog();
  });
  afterAll(async () => cleanup(l));

  it('redacts a token given in the query string from the log line', async () => {
    const secret = 'query-token-must-not-be-logged-01';
    const res = await post(l.c.url, `/api/v1/alerts/x/ack?token=${secret}&note=1`, '{}', { 'content-type': 'application/json' });
    expect(res.status).toBe(401);
    const all = l.lines.join('');
    expect(all).toContain('token=[redacted]');
    expect(all).not.toContain(secret);
  });

  it('logs a flood of unauthenticated requests once and counts every one in /metrics', async () => {
    const before = l.lines.filter((x) => x.includes('PANTAU_UNAUTHORIZED')).length;
    for (let i = 0; i < 60; i++) expect((await fetch(l.c.url + '/api/v1/status', { headers: { authorization: `Bearer wrong-token-${i}-xxxxxxxx` } })).status).toBe(401);
    // The line of the query-token test above opened this minute's window: none of the 60 is logged.
    expect(l.lines.filter((x) => x.includes('PANTAU_UNAUTHORIZED')).length).toBe(before);
    const metrics = await (await fetch(l.c.url + '/metrics')).text();
    expect(metrics).toMatch(/^pantau_http_refused_total\{code="PANTAU_UNAUTHORIZED"\} 61$/m);
  });

  it('answers text/plain with 415 PANTAU_UNSUPPORTED_MEDIA', async () => {
    const res = await post(l.c.url, '/api/v1/ingest', '{"agent":"a1","batch":"b","samples":[]}', { 'content-type': 'text/plain', authorization: `Bearer ${AGENT_TOKEN}` });
    expect(res.status).toBe(415);
    expect(await res.json()).toMatchObject({ code: 'PANTAU_UNSUPPORTED_MEDIA' });
  });

  it('answers malformed JSON with the contract shape', async () => {
    const res = await post(l.c.url, '/api/v1/ingest', '{"agent":', { 'content-type': 'application/json', authorization: `Bearer ${AGENT_TOKEN}` });
    expect(res.status).toBe(400);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ code: 'PANTAU_INVALID_JSON' });
    expect(Object.keys(body).sort()).toEqual(['code', 'error']);
  });

  it('answers a request Node cannot parse with the contract shape, not Fastify’s', async () => {
    const a = await rawRequest(l.port, 'GARBAGE / NOT-HTTP');
    expect(a.status).toBe(400);
    expect(JSON.parse(a.body)).toMatchObject({ code: 'PANTAU_BAD_REQUEST' });
    expect(JSON.parse(a.body)).not.toHaveProperty('statusCode');
  });

  it('answers an undecodable URL with the contract shape', async () => {
    const a = await rawRequest(l.port, ['GET /api/v1/agents/%E0%A4%A/assignment HTTP/1.1', 'Host: x', `Authorization: Bearer ${AGENT_TOKEN}`].join('\r\n'));
    expect(a.status).toBe(400);
    expect(JSON.parse(a.body)).toMatchObject({ code: 'PANTAU_BAD_REQUEST' });
  });

  it('accepts a backup sample only for an OPD the agent watches', async () => {
    const backup = (agent: string, opd: string, n: number) => JSON.stringify({ agent, batch: `bk-${n}`, samples: [{ type: 'backup', opd, ts: Date.now() - 1000, ok: true }] });
    const h = { 'content-type': 'application/json', authorization: `Bearer ${OTHER_AGENT_TOKEN}` };
    // a2 polls r3, of bappeda: dinkes is not its to report.
    // Refused by itself, as any sample the agent may not send (README "One bad value never costs the batch").
    const refused = await post(l.c.url, '/api/v1/ingest', backup('a2', 'dinkes', 1), h);
    expect(refused.status).toBe(200);
    expect(await refused.json()).toMatchObject({ stored: 0, refusedCount: 1, refused: [{ path: 'samples[0].opd', reason: 'not_assigned' }] });
    const ok = await post(l.c.url, '/api/v1/ingest', backup('a2', 'bappeda', 2), h);
    expect(ok.status).toBe(200);
    const okAck = (await ok.json()) as { stored: number; refused?: unknown };
    expect([okAck.stored, okAck.refused]).toEqual([1, undefined]);
  });
});

describe('rate limits', () => {
  let l: Logged | undefined;
  afterAll(async () => cleanup(l));

  it('answers 429 with Retry-After to a token over its rate, and not to another token', async () => {
    // 0.1 a second: a burst of one request, the next one 10 s later.
    l = await collectorWithLog('limits: { ratePerToken: 0.1 }');
    expect((await fetch(l.c.url + '/api/v1/status', { headers: { authorization: `Bearer ${VIEWER_TOKEN}` } })).status).toBe(200);
    const over = await fetch(l.c.url + '/api/v1/status', { headers: { authorization: `Bearer ${VIEWER_TOKEN}` } });
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await over.json()).toMatchObject({ code: 'PANTAU_RATE_LIMITED' });
    expect((await fetch(l.c.url + '/api/v1/status', { headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } })).status).toBe(200);
    await cleanup(l);
    l = undefined;
  });

  it('answers 429 to an address over its rate, token or not', async () => {
    l = await collectorWithLog('limits: { ratePerAddress: 0.2 }');
    // Two requests a burst, then nothing for five seconds.
    expect((await fetch(l.c.url + '/api/v1/status', { headers: { authorization: 'Bearer nobody-0123456789abcdef' } })).status).toBe(401);
    expect((await fetch(l.c.url + '/healthz')).status).toBe(200);
    const over = await fetch(l.c.url + '/api/v1/status', { headers: { authorization: `Bearer ${VIEWER_TOKEN}` } });
    expect(over.status).toBe(429);
    expect(over.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});
