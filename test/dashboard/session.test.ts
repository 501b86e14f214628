// The wall's HTTP side: pages and bundles, the wall cookie from /?token=, operator sign-in by
// cookie, and what a cookie may do (writes need X-Pantau-Request and this server's origin).
import { afterEach, describe, expect, it } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { request } from 'node:http';
import { OPERATOR_TOKEN, startTestCollector, VIEWER_TOKEN, type TestCollector } from '../helpers/collector.js';

const T = Date.UTC(2026, 10, 20, 3, 0, 0);
let c: TestCollector | undefined;
afterEach(async () => {
  await c?.cleanup();
  c = undefined;
});

/** A raw GET (fetch would decompress): status, headers, body bytes. */
function rawGet(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (b: Buffer) => parts.push(b));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(parts) }));
    })
      .on('error', reject)
      .end();
  });
}
const cookieOf = (res: Response) => res.headers.get('set-cookie')!.split(';')[0];

describe('wall pages and bundles', () => {
  it('serves the wall and an OPD page without data in them, and their scripts gzipped with an ETag', async () => {
    c = await startTestCollector(undefined, { now: () => T });
    const wall = await fetch(`${c.url}/`);
    expect(wall.status).toBe(200);
    const html = await wall.text();
    expect(html).toContain('<html lang="id">');
    expect(html).toMatch(/<script src="\/assets\/wall\.js\?v=[0-9a-f]{16}"><\/script>/);
    expect(html).not.toContain('Dinas Kesehatan'); // no data without a session
    const opd = await fetch(`${c.url}/opd/dinkes`);
    expect(await opd.text()).toContain('data-opd="dinkes"');
    expect((await fetch(`${c.url}/opd/nope`)).status).toBe(404);
    const js = await rawGet(`${c.url}/assets/wall.js`, { 'accept-encoding': 'gzip' });
    expect(js.status).toBe(200);
    expect(js.headers['content-encoding']).toBe('gzip');
    expect(js.body.length).toBeLessThan(150 * 1024);
    expect(gunzipSync(js.body).toString()).toContain('/api/v1/stream');
    expect((await rawGet(`${c.url}/assets/wall.js`, { 'if-none-match': String(js.headers.etag) })).status).toBe(304);
    expect((await fetch(`${c.url}/assets/other.js`)).status).toBe(404);
  });

  it('answers a wrong token in the address with 401 and no cookie', async () => {
    c = await startTestCollector(undefined, { now: () => T });
    const res = await fetch(`${c.url}/?token=wrong-token`, { redirect: 'manual' });
    expect(res.status).toBe(401);
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(await res.text()).toContain('Token ditolak');
  });
});

describe('sessions by cookie', () => {
  it('signs an operator in by cookie; acks by cookie need X-Pantau-Request and this origin; sign-out keeps the wall signed in', async () => {
    c = await startTestCollector(undefined, { now: () => T });
    const a = c.alerts.fire({ key: 'k', kind: 'device_down', severity: 'critical', opd: 'dinkes', device: 'r1', summary: 'r1 down' }, T);
    const wall = cookieOf(await fetch(`${c.url}/?token=${VIEWER_TOKEN}`, { redirect: 'manual' }));
    const signIn = await fetch(`${c.url}/api/v1/session`, { method: 'POST', headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } });
    expect(await signIn.json()).toEqual({ name: 'budi', role: 'operator' });
    expect(signIn.headers.get('set-cookie')).toMatch(/^pantau_operator=.+; Path=\/; Max-Age=43200; HttpOnly; SameSite=Strict$/);
    const both = `${wall}; ${cookieOf(signIn)}`;
    const ack = (cookie: string, headers: Record<string, string>) =>
      fetch(`${c!.url}/api/v1/alerts/${a.id}/ack`, { method: 'POST', headers: { cookie, 'content-type': 'application/json', ...headers }, body: '{}' });

    expect((await ack(both, {})).status).toBe(403);
    expect((await ack(both, { 'x-pantau-request': '1', origin: 'http://evil.example' })).status).toBe(403);
    expect((await ack(wall, { 'x-pantau-request': '1' })).status).toBe(403); // a viewer cannot ack
    expect(c.alerts.get(a.id)!.ackBy).toBeUndefined();
    const ok = await ack(both, { 'x-pantau-request': '1', origin: c.url });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ id: a.id, ackBy: 'budi' });

    expect(await (await fetch(`${c.url}/api/v1/session`, { headers: { cookie: both } })).json()).toEqual({ name: 'budi', role: 'operator' });
    const out = await fetch(`${c.url}/api/v1/session`, { method: 'DELETE', headers: { cookie: both, 'x-pantau-request': '1' } });
    expect(out.headers.get('set-cookie')).toMatch(/^pantau_operator=; Path=\/; Max-Age=0;/);
    expect(await (await fetch(`${c.url}/api/v1/session`, { headers: { cookie: wall } })).json()).toEqual({ name: 'wall', role: 'viewer' });
    expect((await fetch(`${c.url}/api/v1/session`)).status).toBe(401);
  });
});

describe('an operator token in the address', () => {
  it('says in the wall page who its cookie signs in, so the page opens its stream without asking; nothing for no cookie or an unknown one', async () => {
    c = await startTestCollector(undefined, { now: () => T });
    const wall = cookieOf(await fetch(`${c.url}/?token=${VIEWER_TOKEN}`, { redirect: 'manual' }));
    const operator = cookieOf(await fetch(`${c.url}/api/v1/session`, { method: 'POST', headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } }));
    const body = async (cookie?: string) => /<body [^>]*>/.exec(await (await fetch(`${c!.url}/`, { headers: cookie ? { cookie } : {} })).text())![0];
    expect(await body(wall)).toContain('data-user="wall" data-role="viewer"');
    expect(await body(`${wall}; ${operator}`)).toContain('data-user="budi" data-role="operator"');
    for (const cookie of [undefined, 'pantau_wall=not-a-known-token-5c1e'])
      expect(await body(cookie)).not.toMatch(/data-(user|role)=/);
  });

  it('becomes the 12-hour operator cookie, not the never-ending wall session', async () => {
    c = await startTestCollector(undefined, { now: () => T });
    const res = await fetch(`${c.url}/?token=${OPERATOR_TOKEN}`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('set-cookie')).toMatch(/^pantau_operator=.+; Max-Age=43200;/);
  });
});
