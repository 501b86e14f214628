// The WebSocket stream against a real collector on loopback, with a node `ws` client: the
// token on upgrade, the snapshot first, strictly increasing seq, coalesced status, resume,
// heartbeats and the per-client buffer bound. The collector runs without timers: the test
// calls flush and heartbeat itself.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AGENT_TOKEN, OPERATOR_TOKEN, startTestCollector, testConfigHead, VIEWER_TOKEN, type TestCollector } from '../helpers/collector.js';
import { openStream, type StreamClient } from './client.js';
import type { UptimeState } from '../../collector/stream/feed.js';

const T = Date.UTC(2026, 10, 20, 3, 0, 0);
let c: TestCollector | undefined;
let clients: StreamClient[] = [];
let n = 0;

afterEach(async () => {
  for (const s of clients) s.ws.terminate();
  clients = [];
  await c?.cleanup();
  c = undefined;
});

async function start(stream: NonNullable<Parameters<typeof startTestCollector>[1]>['stream'] = {}): Promise<TestCollector> {
  c = await startTestCollector(undefined, { now: () => T, stream });
  return c;
}
async function open(opts: Parameters<typeof openStream>[1] = { token: VIEWER_TOKEN }): Promise<StreamClient> {
  const s = await openStream(c!.url, opts);
  clients.push(s);
  return s;
}
async function ping(device: string, up: boolean, ts = T - 1000): Promise<void> {
  const res = await c!.post('/api/v1/ingest', { agent: 'a1', batch: `b-${++n}`, samples: [{ type: 'ping', device, ts, up, rttMs: 2 }] });
  expect(res.status).toBe(200);
}
const fire = (key: string, severity: 'critical' | 'warning' = 'critical') =>
  c!.alerts.fire({ key, kind: 'device_down', severity, opd: 'dinkes', device: 'r1', summary: `${key} down` }, T);

describe('stream: access', () => {
  it('refuses the upgrade with 401 without a token or with an unknown one, and 403 for an agent token', async () => {
    await start();
    await expect(open({})).rejects.toMatchObject({ status: 401 });
    await expect(open({ query: 'token=nope' })).rejects.toMatchObject({ status: 401 });
    const e = await open({ token: AGENT_TOKEN }).catch((x) => x);
    expect(e.status).toBe(403);
    expect(JSON.parse(e.body)).toMatchObject({ code: 'PANTAU_FORBIDDEN' });
    expect(c!.stream.hub.size()).toBe(0);
  });

  it('accepts the token as a query parameter and as the wall session cookie from / ?token=', async () => {
    await start();
    expect((await (await open({ query: `token=${VIEWER_TOKEN}` })).next()).type).toBe('snapshot');
    const res = await fetch(`${c!.url}/?token=${VIEWER_TOKEN}`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/');
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^pantau_wall=.+; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Strict$/);
    const pair = cookie.split(';')[0];
    expect((await (await open({ headers: { cookie: pair } })).next()).type).toBe('snapshot');
    // Another site's page cannot use this browser's cookie.
    await expect(open({ headers: { cookie: pair, origin: 'http://evil.example' } })).rejects.toMatchObject({ status: 403 });
  });
});

describe('stream: snapshot and events', () => {
  it('sends the snapshot of what /status and the firing alerts are, then events with strictly increasing seq', async () => {
    await start();
    fire('r1-down');
    const s = await open();
    const snap = await s.next();
    expect(snap.type).toBe('snapshot');
    const status = await (await c!.get('/api/v1/status')).json();
    expect(snap.status).toEqual(status);
    expect(snap.alerts.map((a: { key: string }) => a.key)).toEqual(['r1-down']);
    expect(snap).toMatchObject({ timezone: 'Asia/Jakarta', intervalMs: 60_000, epoch: expect.any(String) });
    // No OPD here has a backup schedule: the backup capability says so, and the wall shows it.
    expect(snap.backups).toEqual([{ opd: 'dinkes', status: 'not_configured' }, { opd: 'bappeda', status: 'not_configured' }]);
    expect(snap.usage.map((u: { opd: string; status: string }) => [u.opd, u.status])).toEqual([['dinkes', 'no_data'], ['bappeda', 'no_data']]);

    await ping('r1', false);
    c!.stream.flush(T);
    fire('r3-down');
    const ack = await c!.post(`/api/v1/alerts/${c!.alerts.firing('r1-down')!.id}/ack`, { note: 'on it' }, OPERATOR_TOKEN);
    expect(ack.status).toBe(200);

    const got = [await s.next(), await s.next(), await s.next()];
    expect(got.map((m) => m.type)).toEqual(['status', 'alert', 'alert']);
    expect(got[0].devices.map((d: { id: string; state: string }) => [d.id, d.state])).toEqual([['r1', 'down']]);
    expect(got[0].opds).toContainEqual({ id: 'dinkes', name: 'Dinas Kesehatan', state: 'down', devices: ['r1', 'r2'] });
    expect(got[1]).toMatchObject({ what: 'fired', alert: { key: 'r3-down', state: 'firing' } });
    expect(got[2]).toMatchObject({ what: 'acked', alert: { key: 'r1-down', ackBy: 'budi', ackNote: 'on it' } });
    const seqs = [snap.seq, ...got.map((m) => m.seq)];
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBe(seqs[i - 1] + 1);
  });

  it('coalesces a burst of samples of one device into one status event with its latest state', async () => {
    await start();
    const s = await open();
    await s.next();
    await ping('r1', false, T - 3000);
    await ping('r1', true, T - 2000);
    await ping('r1', false, T - 1000);
    await ping('r2', true, T - 1000);
    expect(s.queued()).toEqual([]); // nothing before the flush
    const seq = c!.stream.flush(T);
    const ev = await s.next();
    expect(ev.seq).toBe(seq);
    expect(ev.devices.map((d: { id: string; state: string }) => [d.id, d.state])).toEqual([['r1', 'down'], ['r2', 'up']]);
    // Nothing changed since: no event at all.
    await ping('r1', false, T - 1000);
    expect(c!.stream.flush(T)).toBeUndefined();
  });
});

describe('stream: resume', () => {
  it('replays exactly the missed events at reconnect (?since=&epoch=) and on a resume message', async () => {
    await start();
    const a = await open();
    const snap = await a.next();
    for (const k of ['e1', 'e2', 'e3']) fire(k);
    const seen = [await a.next(), await a.next(), await a.next()];
    const last = seen[2].seq;
    a.ws.close();
    await a.closed;
    for (const k of ['e4', 'e5', 'e6']) fire(k);

    const b = await open({ token: VIEWER_TOKEN, query: `since=${last}&epoch=${snap.epoch}` });
    const missed = [await b.next(), await b.next(), await b.next()];
    expect(missed.map((m) => [m.type, m.alert.key, m.seq])).toEqual([
      ['alert', 'e4', last + 1],
      ['alert', 'e5', last + 2],
      ['alert', 'e6', last + 3],
    ]);
    fire('e7');
    expect((await b.next()).alert.key).toBe('e7');
    expect(b.queued()).toEqual([]);

    const m = await open();
    expect((await m.next()).type).toBe('snapshot');
    m.ws.send(JSON.stringify({ type: 'resume', since: last }));
    const replay = [await m.next(), await m.next(), await m.next(), await m.next()];
    expect(replay.map((x) => x.alert.key)).toEqual(['e4', 'e5', 'e6', 'e7']);
  });

  it('sends a fresh snapshot when the events are no longer held, or the seq is of another run', async () => {
    await start({ ringSize: 3 });
    const a = await open();
    const snap = await a.next();
    for (const k of ['e1', 'e2', 'e3', 'e4', 'e5']) fire(k);
    const old = await open({ token: VIEWER_TOKEN, query: `since=${snap.seq}&epoch=${snap.epoch}` });
    const s1 = await old.next();
    expect(s1.type).toBe('snapshot');
    expect(s1.seq).toBe(snap.seq + 5);
    expect(s1.alerts).toHaveLength(5);
    const other = await open({ token: VIEWER_TOKEN, query: `since=${snap.seq + 4}&epoch=another-run` });
    expect((await other.next()).type).toBe('snapshot');
    const ahead = await open();
    await ahead.next();
    ahead.ws.send(JSON.stringify({ type: 'resume', since: 999 }));
    expect((await ahead.next()).type).toBe('snapshot');
    ahead.ws.send('nonsense');
    expect(await ahead.next()).toMatchObject({ type: 'error' });
  });
});

describe('stream: keeping the server safe', () => {
  it('drops a client that stops reading once its buffer passes the bound, while another gets every event', async () => {
    await start({ maxBufferedBytes: 64 * 1024 });
    const slow = await open();
    const fast = await open();
    await slow.next();
    await fast.next();
    slow.ws.pause(); // stops reading: its socket fills, then the server's buffer for it
    const pad = 'x'.repeat(16 * 1024);
    const hub = c!.stream.hub;
    let sent = 0;
    // Kernel socket buffers take some megabytes first; the bound is on what Node holds beyond them.
    while (hub.counters.dropped === 0 && sent < 5000) {
      const seq = hub.publish('usage', { at: T, opds: [], pad });
      sent++;
      const m = await fast.next();
      expect(m.seq).toBe(seq); // the reading client gets each event, in order, without falling behind
    }
    expect(hub.counters.dropped).toBe(1);
    expect(hub.size()).toBe(1);
    const seq = hub.publish('usage', { at: T, opds: [] });
    expect((await fast.next()).seq).toBe(seq);
    slow.ws.resume();
    expect(await slow.closed).toBe(1006); // cut, not closed politely
  });

  it('drops a connection that does not answer pings, and keeps one that does', async () => {
    await start();
    const dead = await open({ token: VIEWER_TOKEN, autoPong: false });
    const live = await open();
    await dead.next();
    await live.next();
    const hub = c!.stream.hub;
    hub.heartbeat(T);
    expect((await live.next()).type).toBe('time');
    await vi.waitFor(() => expect(hub.unanswered()).toBe(1), { timeout: 5000, interval: 5 });
    hub.heartbeat(T + 30_000);
    expect(await dead.closed).toBe(1006);
    expect(hub.size()).toBe(1);
    expect(hub.counters.dropped).toBe(1);
    expect(await live.next()).toEqual({ type: 'time', at: T + 30_000 });
  });
});

describe('stream: with the collector timers running', () => {
  it('sends a status event by itself after the coalescing window', async () => {
    c = await startTestCollector(undefined, { now: () => T, background: true, stream: { coalesceMs: 20 } });
    const s = await open();
    await s.next();
    await ping('r2', false); // no flush by the test: the feed's own timer sends it
    const ev = await s.next();
    expect(ev.type).toBe('status');
    expect(ev.devices.map((d: { id: string; state: string }) => [d.id, d.state])).toEqual([['r2', 'down']]);
  });
});

describe('stream: the snapshot with the collector timers running', () => {
  it('is what the events up to its seq sent: equal to /status, and an earlier snapshot plus the events since gives it', async () => {
    c = await startTestCollector(undefined, { now: () => T, background: true, stream: { coalesceMs: 20 } });
    const a = await open();
    const first = await a.next();
    expect(first.type).toBe('snapshot');
    expect(first.status).toEqual(await (await c.get('/api/v1/status')).json());
    expect(first.uptime.map((u: UptimeState) => u.device)).toEqual(['r1', 'r2', 'r3']);
    await ping('r2', false);
    const ev = await a.next();
    expect(ev.type).toBe('status');
    const b = await open();
    const later = await b.next();
    expect(later.seq).toBe(ev.seq);
    expect(later.status).toEqual(await (await c.get('/api/v1/status')).json());
    // The first snapshot with the event applied, as a display applies it.
    const byId = <T extends Record<string, unknown>>(list: T[], changed: T[] | undefined, key: keyof T) =>
      list.map((x) => changed?.find((y) => y[key] === x[key]) ?? x);
    expect(later.status.devices).toEqual(byId(first.status.devices, ev.devices, 'id'));
    expect(later.status.opds).toEqual(byId(first.status.opds, ev.opds, 'id'));
    expect(later.uptime).toEqual(byId(first.uptime, ev.uptime, 'device'));
    expect(later.status.devices.find((d: { id: string }) => d.id === 'r2').state).toBe('down');
    expect(later.uptime).toContainEqual({ device: 'r2', state: 'down' });
  });
});

describe('stream: with a long coalescing window', () => {
  it('sends a lone batch\'s status at once instead of waiting the window out', async () => {
    c = await startTestCollector(undefined, { now: () => T, background: true, stream: { coalesceMs: 3_600_000 } });
    const s = await open();
    await s.next();
    await ping('r1', false); // nothing sent within the window before: it goes out now, not in an hour
    const ev = await s.next();
    expect(ev.type).toBe('status');
    expect(ev.devices.map((d: { id: string; state: string }) => [d.id, d.state])).toEqual([['r1', 'down']]);
  });
});

describe('stream and wall: secrets stay out of the log', () => {
  it('logs no token given in the address (wall cookie, refused API call, refused upgrade)', async () => {
    const { captureLog } = await import('../log/capture.js');
    const { createLogger } = await import('../../log/logger.js');
    const cap = captureLog();
    c = await startTestCollector(undefined, { now: () => T, logger: createLogger({ destination: cap.destination, level: 'debug' }) });
    const secret = 'not-a-known-token-but-secret-9f8e7d';
    expect((await fetch(`${c.url}/?token=${VIEWER_TOKEN}`, { redirect: 'manual' })).status).toBe(303);
    expect((await fetch(`${c.url}/?token=${secret}`)).status).toBe(401);
    expect((await fetch(`${c.url}/api/v1/status?token=${secret}`)).status).toBe(401);
    await expect(open({ query: `token=${secret}` })).rejects.toMatchObject({ status: 401 });
    const res = await fetch(`${c.url}/api/v1/nothing?token=${secret}`, { headers: { cookie: `pantau_wall=${secret}` } });
    expect(res.status).toBe(404);
    await cap.waitFor(/PANTAU_UNAUTHORIZED/);
    const all = cap.lines().join('\n');
    expect(all).toContain('[redacted]');
    expect(all).not.toContain(secret);
    expect(all).not.toContain(VIEWER_TOKEN);
  });
});

describe('stream: usage and backup events', () => {
  it('sends usage only when this month\'s figures of an OPD changed', async () => {
    await start();
    const s = await open();
    const snap = await s.next();
    expect(snap.usage.find((u: { opd: string }) => u.opd === 'dinkes').status).toBe('no_data');
    const samples = [0, 1, 2, 3].map((k) => ({
      type: 'iface', device: 'r1', interface: 'ether1', ts: T - (3 - k) * 300_000, bits: 64, inOctets: String(k * 1_000_000_000), outOctets: String(k * 100_000_000), uptime: 500_000 + k * 30_000,
    }));
    expect((await c!.post('/api/v1/ingest', { agent: 'a1', batch: 'u-1', samples })).status).toBe(200);
    c!.rollup.drain();
    const seq = c!.stream.refreshUsage(T);
    const ev = await s.next();
    expect(ev.seq).toBe(seq);
    expect(ev.type).toBe('usage');
    expect(ev.opds.map((u: { opd: string }) => u.opd)).toEqual(['dinkes']); // bappeda did not change
    expect(ev.opds[0]).toMatchObject({ opd: 'dinkes', countedBytes: '3300000000', quota: { volumeBytes: '100000000000' } });
    expect(ev.opds[0].status).not.toBe('no_data');
    expect(c!.stream.refreshUsage(T)).toBeUndefined();
  });

  it('takes backup states from a provider in the snapshot, and sends a backup event when one changes', async () => {
    c = await startTestCollector(undefined, { now: () => T, providers: { backups: () => [{ opd: 'dinkes', status: 'ok' }, { opd: 'bappeda', status: 'not_configured' }] } });
    const s = await open();
    expect((await s.next()).backups).toEqual([{ opd: 'dinkes', status: 'ok' }, { opd: 'bappeda', status: 'not_configured' }]);
    const seq = c.stream.backupChanged({ opd: 'dinkes', status: 'missing' });
    expect(await s.next()).toEqual({ type: 'backup', seq, backup: { opd: 'dinkes', status: 'missing' } });
    expect(c.stream.backupChanged({ opd: 'dinkes', status: 'missing' })).toBeUndefined();
  });
});

describe('stream: what is held for resume', () => {
  it('is bounded in bytes as well as in events: big events push the oldest out, and their resume is a snapshot', async () => {
    await start({ ringSize: 1000, ringBytes: 100_000 });
    const hub = c!.stream.hub;
    const first = hub.publish('usage', { opds: [], pad: 'x'.repeat(30_000) });
    for (let i = 0; i < 9; i++) hub.publish('usage', { opds: [], pad: 'x'.repeat(30_000) });
    expect(hub.retained().events).toBe(3);
    expect(hub.retained().chars).toBeLessThanOrEqual(100_000);
    const s = await open();
    const snap = await s.next();
    s.ws.send(JSON.stringify({ type: 'resume', since: first }));
    expect((await s.next()).type).toBe('snapshot');
    s.ws.send(JSON.stringify({ type: 'resume', since: snap.seq - 2 }));
    expect([(await s.next()).seq, (await s.next()).seq]).toEqual([snap.seq - 1, snap.seq]);
  });
});

describe('stream: up-time states', () => {
  it('come in the snapshot from a provider and ride along in status events when they change', async () => {
    let states: UptimeState[] = [{ device: 'r1', state: 'up' }, { device: 'r2', state: 'unknown' }];
    c = await startTestCollector(undefined, { now: () => T, providers: { uptime: () => states } });
    const s = await open();
    expect((await s.next()).uptime).toEqual(states);
    // The events' baseline is what events sent (a snapshot is one client's): the first flush sends both.
    c.stream.flush(T, true);
    expect((await s.next()).uptime).toEqual(states);
    expect(c.stream.flush(T, true)).toBeUndefined();
    states = [{ device: 'r1', state: 'up' }, { device: 'r2', state: 'down' }];
    c.stream.flush(T, true);
    const ev = await s.next();
    expect(ev.uptime).toEqual([{ device: 'r2', state: 'down' }]);
  });

  it('are asked for the changed devices and those behind them on a flush of a few, for all on a full one', async () => {
    // s1 stands behind r1, s2 behind s1; r2 apart.
    const yaml = (sqlite: string) => `
${testConfigHead(sqlite)}agents:
  - { id: a1, token: ${AGENT_TOKEN}, intervalSeconds: 60, poll: [r1, s1, s2, r2] }
opds:
  - { id: dinkes, name: Dinas Kesehatan }
devices:
  - { id: r1, opd: dinkes, kind: router, address: 10.0.0.1 }
  - { id: s1, opd: dinkes, kind: server, address: 10.0.0.2, via: r1 }
  - { id: s2, opd: dinkes, kind: server, address: 10.0.0.3, via: s1 }
  - { id: r2, opd: dinkes, kind: router, address: 10.0.0.4 }
`;
    const asked: (string[] | 'all')[] = [];
    c = await startTestCollector(yaml, { now: () => T, providers: { uptime: (only) => (asked.push(only ? [...only].sort() : 'all'), []) } });
    await ping('r1', false);
    asked.length = 0;
    c.stream.flush(T);
    expect(asked).toEqual([['r1', 's1', 's2']]);
    await ping('s1', true);
    c.stream.flush(T);
    expect(asked[1]).toEqual(['s1', 's2']);
    c.stream.flush(T, true);
    expect(asked[2]).toBe('all');
  });
});
