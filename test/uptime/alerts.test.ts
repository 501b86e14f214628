// device_down and agent_silent on the alert engine, through ingest and explicit
// uptimeRules.evaluate(t) calls on an injected clock: one outage behind a router is one alert;
// a device that goes up and down on every poll makes one flapping alert, not a storm; the
// alerts are silenced, acknowledged and notified like every other (a webhook on loopback).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testConfigHead, AGENT_TOKEN, OPERATOR_TOKEN, startTestCollector, type TestCollector } from '../helpers/collector.js';
import { startWebhookReceiver, type HttpPeer } from '../alerts/peers.js';

const MIN = 60_000;
const T = Date.UTC(2026, 11, 10, 3, 0, 0); // 10 Dec 10:00 WIB
const SERVERS = ['srv1', 'srv2', 'srv3', 'srv4', 'srv5'];

let hook: HttpPeer;
beforeAll(async () => {
  hook = await startWebhookReceiver();
});
afterAll(() => hook?.close());

const yaml = (sqlite: string) => `
${testConfigHead(sqlite)}agents:
  - { id: a1, token: ${AGENT_TOKEN}, intervalSeconds: 60, poll: [${SERVERS.join(', ')}, r1] }
opds:
  - { id: dinkes, name: Dinas Kesehatan }
devices:
${SERVERS.map((s, i) => `  - { id: ${s}, opd: dinkes, kind: server, address: 127.0.0.${i + 2}, via: r1 }`).join('\n')}
  - { id: r1, opd: dinkes, kind: router, address: 127.0.0.1 }
notify:
  - { type: webhook, url: "${hook.url}/hook", groupWaitSeconds: 30, repeatMinutes: 60 }
`;

let c: TestCollector | undefined;
afterEach(async () => {
  await c?.cleanup();
  c = undefined;
  hook.reset();
});

let seq = 0;
/** One poll cycle at the clock: each device answers or not; then the rules and a notifier tick run. */
async function cycle(col: TestCollector, clock: { t: number }, up: Record<string, boolean>): Promise<void> {
  const samples = Object.entries(up).map(([device, ok]) => ({ type: 'ping', device, ts: clock.t, up: ok }));
  const r = await col.post('/api/v1/ingest', { agent: 'a1', batch: `u${++seq}`, samples }, AGENT_TOKEN);
  expect(r.status).toBe(200);
  col.uptimeRules.evaluate(clock.t);
  await col.alerting.tick(clock.t);
  await col.alerting.tick(clock.t + 30_000);
  clock.t += MIN;
}
const all = (up: boolean, router = up) => ({ ...Object.fromEntries(SERVERS.map((s) => [s, up])), r1: router });
const downAlerts = (col: TestCollector) => col.alerts.list('all').filter((a) => a.kind === 'device_down');
const notified = () => hook.delivered.flatMap((r) => (r.body.alerts as { event: string; key: string }[]).map((a) => `${a.event} ${a.key}`));

describe('up-time alerts on the alert engine', () => {
  it('a router down with five servers behind it (via) gives one alert and one notification, not six', async () => {
    const clock = { t: T };
    c = await startTestCollector(yaml, { now: () => clock.t });
    for (let k = 0; k < 3; k++) await cycle(c, clock, all(true));
    const D = clock.t;
    // The router stops answering, and so does everything behind it (listed before the router in the config).
    for (let k = 0; k < 10; k++) await cycle(c, clock, all(false));
    expect(downAlerts(c).map((a) => [a.key, a.state, a.since])).toEqual([['device_down:r1', 'firing', D + 2 * MIN]]);
    expect(notified()).toEqual(['firing device_down:r1']);
    // Back: one resolved message, and the servers never fired.
    for (let k = 0; k < 3; k++) await cycle(c, clock, all(true));
    expect(downAlerts(c).map((a) => [a.key, a.state])).toEqual([['device_down:r1', 'resolved']]);
    expect(notified()).toEqual(['firing device_down:r1', 'resolved device_down:r1']);
    // The audit has every change of that one alert.
    const audit = c.store.db.prepare("SELECT e.what, e.who FROM alert_event e JOIN alert a ON a.id = e.alert WHERE a.key = 'device_down:r1' ORDER BY e.id").raw().all();
    expect(audit).toEqual([['fired', 'pantau'], ['notified', 'webhook'], ['resolved', 'pantau'], ['notified', 'webhook']]);
  });

  it('a server that goes up and down on every poll makes one alert flagged flapping, not a storm', async () => {
    const clock = { t: T };
    c = await startTestCollector(yaml, { now: () => clock.t });
    for (let k = 0; k < 120; k++) await cycle(c, clock, { r1: true, srv1: k % 2 === 1 });
    const alerts = downAlerts(c);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ key: 'device_down:srv1', state: 'firing', details: expect.objectContaining({ flapping: true }) });
    expect(alerts[0].summary).toMatch(/^srv1 \(server\) .*\(naik-turun\)$/);
    expect(notified().filter((n) => n.startsWith('firing'))).toEqual(['firing device_down:srv1']);
    expect(notified().length).toBeLessThanOrEqual(3); // the first message and at most two hourly repeats
    // Steady up: the flapping stops and the alert resolves, once.
    for (let k = 0; k < 30; k++) await cycle(c, clock, { r1: true, srv1: true });
    expect(downAlerts(c).map((a) => a.state)).toEqual(['resolved']);
    expect(notified().at(-1)).toBe('resolved device_down:srv1');
  });

  it('a silenced device_down is marked silenced and not notified; an ack is kept with who and when', async () => {
    const clock = { t: T };
    c = await startTestCollector(yaml, { now: () => clock.t });
    const r = await c.post('/api/v1/silences', { device: 'srv2', reason: 'ganti catu daya', end: T + 3600_000 }, OPERATOR_TOKEN);
    expect(r.status, await r.clone().text()).toBe(201);
    for (let k = 0; k < 5; k++) await cycle(c, clock, { r1: true, srv2: false });
    const a = c.alerts.firing('device_down:srv2')!;
    expect(a).toMatchObject({ silenced: true });
    expect(hook.requests).toEqual([]);
    const ack = await c.post(`/api/v1/alerts/${a.id}/ack`, { note: 'sedang diganti' }, OPERATOR_TOKEN);
    expect(ack.status, await ack.clone().text()).toBe(200);
    expect(c.alerts.get(a.id)).toMatchObject({ ackBy: 'budi', ackAt: clock.t, ackNote: 'sedang diganti' });
  });
});
