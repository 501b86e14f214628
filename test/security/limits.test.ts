// The pieces of the collector's limits on their own: the token bucket on an injected clock,
// and the connection bound on a real loopback server.
import { afterEach, describe, expect, it } from 'vitest';
import http from 'node:http';
import net from 'node:net';
import { RateLimiter } from '../../collector/api/rate-limit.js';
import { guardConnections, type ConnectionEvent } from '../../collector/api/connections.js';
import { redactUrl } from '../../collector/api/refusals.js';

describe('RateLimiter', () => {
  it('allows a burst of ten seconds of rate, then asks to wait until a request is due', () => {
    let t = 0;
    const rl = new RateLimiter(2, () => t);
    for (let i = 0; i < 20; i++) expect(rl.take('k')).toBe(0);
    expect(rl.take('k')).toBe(1);
    t += 500; // one request's worth
    expect(rl.take('k')).toBe(0);
    expect(rl.take('k')).toBe(1);
    expect(rl.take('other')).toBe(0);
  });

  it('says how many seconds to wait at a slow rate', () => {
    let t = 0;
    const rl = new RateLimiter(0.1, () => t);
    expect(rl.take('k')).toBe(0);
    expect(rl.take('k')).toBe(10);
    t += 4000;
    expect(rl.take('k')).toBe(6);
  });

  it('keeps at most maxKeys buckets, forgetting full ones first', () => {
    let t = 0;
    const rl = new RateLimiter(1, () => t, 10, 100);
    for (let i = 0; i < 1000; i++) rl.take(`addr-${i}`);
    expect(rl.size()).toBeLessThanOrEqual(100);
    t += 60_000;
    rl.take('late');
    expect(rl.size()).toBeLessThanOrEqual(100);
  });
});

describe('redactUrl', () => {
  it('replaces token-like query values and keeps the rest', () => {
    expect(redactUrl('/api/v1/stream?token=abc123&x=1')).toBe('/api/v1/stream?token=[redacted]&x=1');
    expect(redactUrl('/a?x=1&access_token=zz')).toBe('/a?x=1&access_token=[redacted]');
    expect(redactUrl('/a?month=2026-11')).toBe('/a?month=2026-11');
  });
});

describe('guardConnections', () => {
  let server: http.Server | undefined;
  const sockets: net.Socket[] = [];
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy();
    await new Promise((r) => server?.close(r));
  });

  async function start(max: number, perAddress: number) {
    const events: ConnectionEvent[] = [];
    server = http.createServer((_req, res) => res.end('ok'));
    const open = guardConnections(server, { max, perAddress }, (e) => events.push(e));
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    return { port: (server.address() as net.AddressInfo).port, events, open };
  }
  /** A connection that sends nothing; resolves when the server has closed it or after `settle` events. */
  const connect = (port: number, localAddress: string) =>
    new Promise<net.Socket>((resolve) => {
      const s = net.connect({ port, host: '127.0.0.1', localAddress });
      s.on('error', () => {});
      sockets.push(s);
      s.once('connect', () => resolve(s));
    });
  const untilEvents = async (events: unknown[], n: number) => {
    for (let i = 0; i < 500 && events.length < n; i++) await new Promise((r) => setTimeout(r, 10));
    expect(events.length).toBeGreaterThanOrEqual(n);
  };

  it('closes connections from one address beyond its share at once', async () => {
    const g = await start(100, 3);
    for (let i = 0; i < 5; i++) await connect(g.port, '127.0.0.2');
    await untilEvents(g.events, 5);
    expect(g.events.filter((e) => e === 'per_address')).toHaveLength(2);
    const other = await connect(g.port, '127.0.0.3');
    await untilEvents(g.events, 6);
    expect(other.destroyed).toBe(false);
    expect(g.open()).toBe(4);
  });

  it('at the bound, evicts the oldest idle connection for a new one', async () => {
    const g = await start(3, 100);
    const first = await connect(g.port, '127.0.0.2');
    const closed = new Promise((r) => first.once('close', r));
    for (let i = 0; i < 2; i++) await connect(g.port, '127.0.0.2');
    await untilEvents(g.events, 3);
    const res = await fetch(`http://127.0.0.1:${g.port}/`);
    expect(await res.text()).toBe('ok');
    await closed; // the oldest idle one made room
    expect(g.events).toContain('evicted');
    expect(g.open()).toBeLessThanOrEqual(3);
  });
});
