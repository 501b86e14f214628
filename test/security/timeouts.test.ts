// Issue 8, defect 3: slow and idle connections are closed. A request whose headers do not
// arrive within headersTimeoutSeconds, or whose body does not arrive within
// requestTimeoutSeconds, gets 408 PANTAU_REQUEST_TIMEOUT and its connection is closed; an idle
// kept-alive connection is closed after keepAliveSeconds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import { AGENT_TOKEN, startTestCollector, testConfigYaml, type TestCollector } from '../helpers/collector.js';
import { rawRequest } from './raw-http.js';

let c: TestCollector;
let port: number;
beforeAll(async () => {
  c = await startTestCollector((db) => testConfigYaml(db, 'limits: { headersTimeoutSeconds: 1, requestTimeoutSeconds: 2, keepAliveSeconds: 1, idleTimeoutSeconds: 30 }'));
  port = Number(new URL(c.url).port);
});
afterAll(async () => c?.cleanup());

/** Writes `text` and never more; resolves with everything the server sent once it closes the connection. */
function untilClosed(text: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    let got = '';
    s.on('data', (d) => (got += d));
    s.on('close', () => resolve(got));
    s.on('error', reject);
    s.write(text);
  });
}

describe('timeouts', () => {
  it('answers 408 PANTAU_REQUEST_TIMEOUT to headers that never finish, and closes', async () => {
    const t0 = performance.now();
    // Headers without the blank line that ends them: they never finish.
    const answer = await untilClosed('POST /api/v1/ingest HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({ code: 'PANTAU_REQUEST_TIMEOUT' });
    expect(performance.now() - t0).toBeLessThan(8000);
  });

  it('answers 408 to a body that does not arrive within requestTimeoutSeconds', async () => {
    const answer = await untilClosed(`POST /api/v1/ingest HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAuthorization: Bearer ${AGENT_TOKEN}\r\nContent-Length: 100000\r\n\r\n{"agent":`);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('closes an idle kept-alive connection after keepAliveSeconds', async () => {
    const s = net.connect({ port, host: '127.0.0.1' });
    const closed = new Promise<number>((resolve) => s.on('close', () => resolve(performance.now())));
    s.on('error', () => {});
    let t0 = 0;
    s.on('data', () => (t0 = performance.now()));
    s.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    const at = await closed;
    expect(t0).toBeGreaterThan(0); // it was answered, then left idle
    expect(at - t0).toBeLessThan(5000);
  });

  it('still answers a prompt request', async () => {
    const a = await rawRequest(port, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1');
    expect(a.status).toBe(200);
  });
});
