// Up-time per device (issue 10 part 3): availability, outages and unknown time from scripted
// ping/poll samples sent through POST /ingest, on an injected clock; device_down and
// agent_silent driven by explicit uptimeRules.evaluate(t) calls.
import { afterEach, describe, expect, it } from 'vitest';
import { testConfigHead, AGENT_TOKEN, OTHER_AGENT_TOKEN, VIEWER_TOKEN, OPERATOR_TOKEN, startTestCollector, type TestCollector } from '../helpers/collector.js';
import type { UptimeReport, DeviceUptime } from '../../protocol/uptime.js';
import type { Alert } from '../../collector/rules/alert-store.js';
import type { StatusView } from '../../collector/status/route.js';
import { UptimeService } from '../../collector/uptime/service.js';

const MIN = 60_000;
/** 2026-11-01 00:00 WIB. */
const NOV = Date.UTC(2026, 9, 31, 17, 0, 0);
const NOV_S = 30 * 86_400;

function yaml(extra = '') {
  return (sqlite: string) => `
${testConfigHead(sqlite)}agents:
  - { id: a1, token: ${AGENT_TOKEN}, intervalSeconds: 60, poll: [r1, srv1] }
  - { id: a2, token: ${OTHER_AGENT_TOKEN}, intervalSeconds: 60, poll: [srv2] }
opds:
  - { id: dinkes, name: Dinas Kesehatan }
devices:
  - { id: r1, opd: dinkes, kind: router, address: 127.0.0.1, ping: false, snmp: { version: 2c, community: public, port: 16161 } }
  - { id: srv1, opd: dinkes, kind: server, address: 127.0.0.2, via: r1 }
  - { id: srv2, opd: dinkes, kind: server, address: 127.0.0.3 }
uptime:
  targetPct: { server: 99.5, router: 99 }
${extra}`;
}

let c: TestCollector | undefined;
afterEach(async () => {
  await c?.cleanup();
  c = undefined;
});

let seq = 0;
type Obs = { device: string; ts: number; ok: boolean; kind?: 'poll' | 'ping' };
async function send(col: TestCollector, agent: 'a1' | 'a2', obs: Obs[]): Promise<void> {
  const samples = obs.map((o) => (o.kind === 'ping' ? { type: 'ping', device: o.device, ts: o.ts, up: o.ok } : { type: 'poll', device: o.device, ts: o.ts, ok: o.ok, ...(o.ok ? {} : { error: 'snmp: timeout' }) }));
  const r = await col.post('/api/v1/ingest', { agent, batch: `b${++seq}`, samples }, agent === 'a1' ? AGENT_TOKEN : OTHER_AGENT_TOKEN);
  expect(r.status).toBe(200);
  expect(((await r.json()) as { stored: number }).stored).toBe(samples.length);
}
const uptime = async (col: TestCollector, month?: string) => (await (await col.get(`/api/v1/uptime${month ? `?month=${month}` : ''}`)).json()) as UptimeReport;
const dev = (u: UptimeReport, id: string) => u.devices.find((d) => d.device === id)!;
const alerts = async (col: TestCollector) => ((await (await col.get('/api/v1/alerts?state=all')).json()) as { alerts: Alert[] }).alerts;
const status = async (col: TestCollector) => (await (await col.get('/api/v1/status')).json()) as StatusView;

describe('availability from scripted samples', () => {
  it('equals the hand-computed figures and outage list, to the second, with unobserved time apart', async () => {
    const clock = { t: Date.UTC(2026, 11, 2, 3, 0, 0) }; // 2 Dec: November is complete
    c = await startTestCollector(yaml(), { now: () => clock.t });
    // srv2 polled every minute for an hour from 01:00 WIB on 1 Nov: k = 0..59.
    // Fails at k 10..14 (repaired at 15) and 57..59 (then the agent stops: unknown);
    // k 30..34 missing: k 29 holds for two intervals (to 31), then unknown until 35.
    const T0 = NOV + 3600_000;
    const at = (k: number) => T0 + k * MIN;
    const obs: Obs[] = [];
    for (let k = 0; k < 60; k++) {
      if (k >= 30 && k < 35) continue;
      obs.push({ device: 'srv2', ts: at(k), ok: !((k >= 10 && k < 15) || k >= 57) });
    }
    await send(c, 'a2', obs);

    const u = await uptime(c, '2026-11');
    expect(u).toMatchObject({ month: '2026-11', timezone: 'Asia/Jakarta', from: NOV, to: NOV + NOV_S * 1000, current: false, state: 'complete' });
    const s = dev(u, 'srv2');
    // up [0,10) 600 s + [15,31) 960 s + [35,57) 1320 s; down [10,15) 300 s + [57,61) 240 s
    expect(s).toMatchObject({ upS: 2880, downS: 540, periodS: NOV_S, unknownS: NOV_S - 3420, mttrS: 300, mtbfS: 1440 });
    expect(s.availabilityPct).toBeCloseTo((2880 / 3420) * 100, 10);
    expect(s.observed).toBeCloseTo(3420 / NOV_S, 12);
    expect(s.outages).toEqual([
      { start: at(10), end: at(15), durationS: 300, endedBy: 'up' },
      { start: at(57), end: at(61), durationS: 240, endedBy: 'unknown' },
    ]);
    expect(s.target).toEqual({ pct: 99.5, result: 'not_met' });
    expect(s).toMatchObject({ state: 'unknown', reason: 'no_observation', agent: 'a2' });
    // Devices without a single observation: no_data, never 100 %.
    expect(dev(u, 'r1')).toMatchObject({ state: 'no_data', availabilityPct: null, observed: 0, upS: 0, downS: 0, unknownS: NOV_S, outages: [], mttrS: null, mtbfS: null, target: { pct: 99, result: 'no_data' } });
  });

  it('takes in samples that arrive late for a day already computed (a spool replay)', async () => {
    const clock = { t: Date.UTC(2026, 11, 2, 3, 0, 0) };
    c = await startTestCollector(yaml(), { now: () => clock.t });
    const T0 = NOV + 3 * 86_400_000 + 23 * 3600_000 + 50 * MIN; // 23:50 WIB on 4 Nov: observations reach into the 5th
    await send(c, 'a2', Array.from({ length: 10 }, (_, k) => ({ device: 'srv2', ts: T0 + k * MIN, ok: true })));
    const before = dev(await uptime(c, '2026-11'), 'srv2');
    expect(before).toMatchObject({ upS: 660, downS: 0 });
    expect(dev(await uptime(c, '2026-11'), 'srv2')).toEqual(before); // the same, now from the day cache
    // The agent replays what it spooled: failures from 00:00 to 00:04 on the 5th, after the rest.
    await send(c, 'a2', Array.from({ length: 5 }, (_, k) => ({ device: 'srv2', ts: T0 + (10 + k) * MIN, ok: false })));
    const after = dev(await uptime(c, '2026-11'), 'srv2');
    expect(after).toMatchObject({ upS: 600, downS: 360, outages: [{ start: T0 + 10 * MIN, end: T0 + 16 * MIN, durationS: 360, endedBy: 'unknown' }] });
  });

  it('counts a device up while any way of observing it answers (ping up, SNMP failing)', async () => {
    const clock = { t: Date.UTC(2026, 11, 2, 3, 0, 0) };
    c = await startTestCollector(yaml(), { now: () => clock.t });
    const T0 = NOV + 7200_000;
    const obs: Obs[] = [];
    for (let k = 0; k < 10; k++) {
      obs.push({ device: 'srv2', ts: T0 + k * MIN, ok: true, kind: 'ping' });
      obs.push({ device: 'srv2', ts: T0 + k * MIN + 500, ok: k < 5, kind: 'poll' }); // SNMP agent dies at k 5
    }
    obs.push({ device: 'srv2', ts: T0 + 10 * MIN, ok: false, kind: 'ping' }); // then the host stops answering
    obs.push({ device: 'srv2', ts: T0 + 11 * MIN, ok: false, kind: 'ping' });
    await send(c, 'a2', obs);
    const s = dev(await uptime(c, '2026-11'), 'srv2');
    // up from the first ping to the first failed ping (600 s); down from there until the last
    // ping's two intervals end (T0 + 13 min), the failed poll at 9 min + 0.5 s held to 11 min + 0.5 s.
    expect(s.upS).toBe(600);
    expect(s.downS).toBe(180);
    expect(s.outages).toEqual([{ start: T0 + 10 * MIN, end: T0 + 13 * MIN, durationS: 180, endedBy: 'unknown' }]);
  });

  it('counts a device that refuses SNMP (wrong key) as reachable, and one that does not answer as down; /status agrees', async () => {
    const clock = { t: Date.UTC(2026, 11, 2, 3, 0, 0) };
    c = await startTestCollector(yaml(), { now: () => clock.t });
    const t0 = clock.t - 10 * MIN;
    const samples = [];
    for (let k = 0; k < 10; k++) {
      samples.push({ type: 'poll', device: 'r1', ts: t0 + k * MIN, ok: false, error: 'snmp: authentication failure: wrong authKey or authProtocol (sha) for user noc? (device: Authentication failed)' });
      samples.push({ type: 'poll', device: 'srv1', ts: t0 + k * MIN, ok: false, error: 'snmp: no answer from 127.0.0.2:161 within 3000 ms × 2 tries (device down or unreachable)' });
    }
    expect((await c.post('/api/v1/ingest', { agent: 'a1', batch: 'keys', samples })).status).toBe(200);
    const u = await uptime(c);
    expect(dev(u, 'r1')).toMatchObject({ state: 'up', downS: 0, upS: 600 });
    expect(dev(u, 'srv1')).toMatchObject({ state: 'down', upS: 0, downS: 600 });
    const st = await status(c);
    expect(st.devices.find((d) => d.id === 'r1')!.state).toBe('error'); // the poll error shows; the device is reachable
    expect(st.devices.find((d) => d.id === 'srv1')!.state).toBe('down');
  });

  it('says no_data for a month without observations, and refuses a malformed or future month', async () => {
    const clock = { t: Date.UTC(2026, 11, 2, 3, 0, 0) };
    c = await startTestCollector(yaml(), { now: () => clock.t });
    await send(c, 'a2', [{ device: 'srv2', ts: clock.t - 5 * MIN, ok: true }]);
    const oct = await uptime(c, '2026-10');
    expect(oct.state).toBe('no_data');
    for (const d of oct.devices) {
      expect(d).toMatchObject({ state: 'no_data', availabilityPct: null, upS: 0, downS: 0, outages: [] });
      expect(d.unknownS).toBe(31 * 86_400);
    }
    expect(dev(oct, 'srv2').target).toEqual({ pct: 99.5, result: 'no_data' });
    // The current month, up to now: the sample holds two intervals, then it is unknown.
    const dec = await uptime(c);
    expect(dec).toMatchObject({ month: '2026-12', current: true, state: 'in_progress' });
    expect(dev(dec, 'srv2')).toMatchObject({ upS: 120, downS: 0, availabilityPct: 100, state: 'unknown', reason: 'no_observation' });
    for (const [q, msg] of [['2026-13', /month: expected YYYY-MM/], ['nov', /month: expected YYYY-MM/], ['2027-01', /has not begun in Asia\/Jakarta/]] as const) {
      const r = await c.get(`/api/v1/uptime?month=${q}`);
      expect(r.status).toBe(400);
      const body = (await r.json()) as { error: string; path: string };
      expect(body.error).toMatch(msg);
      expect(body.path).toBe('month');
    }
    expect((await c.get('/api/v1/uptime', 'not-a-token-000000000000')).status).toBe(401);
  });
});

describe('device_down and agent_silent', () => {
  const T = Date.UTC(2026, 11, 10, 3, 0, 0);

  it('fires device_down only after its for period, once, and resolves when the device is up', async () => {
    const clock = { t: T };
    c = await startTestCollector(yaml(), { now: () => clock.t });
    const down = (a: Alert[]) => a.filter((x) => x.kind === 'device_down');
    const step = async (ok: boolean) => {
      await send(c!, 'a2', [{ device: 'srv2', ts: clock.t, ok }]);
      c!.uptimeRules.evaluate(clock.t);
    };
    for (let k = 0; k < 3; k++, clock.t += MIN) await step(true);
    const D = clock.t;
    await step(false); // D: pending
    clock.t += MIN;
    await step(false); // D + 60 s: pending
    expect(down(await alerts(c))).toEqual([]);
    clock.t += MIN - 1000;
    c.uptimeRules.evaluate(clock.t); // D + 119 s: not yet
    expect(down(await alerts(c))).toEqual([]);
    clock.t += 1000;
    await step(false); // D + 120 s: two intervals (the default for) down
    let fired = down(await alerts(c));
    expect(fired).toHaveLength(1);
    expect(fired[0]).toMatchObject({ key: 'device_down:srv2', state: 'firing', since: D + 2 * MIN, device: 'srv2', opd: 'dinkes', severity: 'critical' });
    expect(fired[0].summary).toBe('srv2 (server) mati sejak pukul 10.03');
    for (let k = 0; k < 3; k++) {
      clock.t += MIN;
      await step(false);
    }
    expect(down(await alerts(c))).toHaveLength(1);
    expect(dev(await uptime(c), 'srv2')).toMatchObject({ state: 'down', outages: [{ start: D, end: null, durationS: 5 * 60 }] });
    expect((await status(c)).devices.find((d) => d.id === 'srv2')!.state).toBe('down');
    clock.t += MIN;
    await step(true);
    fired = down(await alerts(c));
    expect(fired).toHaveLength(1);
    expect(fired[0]).toMatchObject({ state: 'resolved', resolvedAt: clock.t });
    expect(dev(await uptime(c), 'srv2').outages).toEqual([{ start: D, end: clock.t, durationS: 6 * 60, endedBy: 'up' }]);
  });

  it('resolves device_down only after the device has been up for clearSeconds (no flapping)', async () => {
    const clock = { t: T };
    c = await startTestCollector(yaml('  forSeconds: 60\n  clearSeconds: 180'), { now: () => clock.t });
    const step = async (ok: boolean) => {
      await send(c!, 'a2', [{ device: 'srv2', ts: clock.t, ok }]);
      c!.uptimeRules.evaluate(clock.t);
      clock.t += MIN;
    };
    const key = async () => (await alerts(c!)).filter((a) => a.key === 'device_down:srv2').map((a) => a.state);
    for (const ok of [true, false, false]) await step(ok);
    expect(await key()).toEqual(['firing']);
    const U = clock.t;
    for (const ok of [true, true, false]) await step(ok); // up for two minutes, then down again: still the same alert
    expect(await key()).toEqual(['firing']);
    for (let k = 0; k < 3; k++) await step(true);
    expect(await key()).toEqual(['firing']); // up for 120 s so far
    await step(true);
    expect(await key()).toEqual(['resolved']); // 180 s up
    expect((await alerts(c)).find((a) => a.key === 'device_down:srv2')!.resolvedAt).toBe(U + 6 * MIN);
  });

  it('raises agent_silent once after three intervals; its devices become unknown, not down, and nothing fires for them; it resolves when the agent returns', async () => {
    const clock = { t: T };
    c = await startTestCollector(yaml('  forSeconds: 300'), { now: () => clock.t });
    const mine = (a: Alert[]) => a.filter((x) => x.key === 'agent_silent:a1' || x.kind === 'device_down');
    c.uptimeRules.evaluate(clock.t);
    for (let k = 0; k < 3; k++, clock.t += MIN) await send(c, 'a1', [{ device: 'r1', ts: clock.t, ok: true }, { device: 'srv1', ts: clock.t, ok: true }]);
    // The router starts failing; the agent reports it twice and then goes silent.
    const L = clock.t + MIN;
    for (const t of [clock.t, L]) {
      clock.t = t;
      await send(c, 'a1', [{ device: 'r1', ts: t, ok: false }, { device: 'srv1', ts: t, ok: true }]);
      c.uptimeRules.evaluate(t);
    }
    clock.t = L + 3 * MIN - 1000;
    c.uptimeRules.evaluate(clock.t);
    expect(mine(await alerts(c))).toEqual([]);
    for (let k = 0; k < 12; k++) {
      clock.t = L + 3 * MIN + k * MIN;
      c.uptimeRules.evaluate(clock.t);
    }
    const silent = mine(await alerts(c));
    expect(silent).toHaveLength(1); // one agent_silent; no device_down for r1 although its last report was "down"
    expect(silent[0]).toMatchObject({ key: 'agent_silent:a1', kind: 'agent_silent', state: 'firing', since: L + 3 * MIN });
    expect(silent[0].summary).toMatch(/^Agen a1: tidak mengirim data sejak pukul 10\.04 \(3 menit\); 2 perangkatnya/);
    const u = await uptime(c);
    for (const id of ['r1', 'srv1']) expect(dev(u, id)).toMatchObject({ state: 'unknown', reason: 'agent_silent' });
    const st = await status(c);
    for (const id of ['r1', 'srv1']) {
      const d = st.devices.find((x) => x.id === id)!;
      expect(d.state).toBe('unknown');
      expect(d.warnings).toContain('agen a1 tidak mengirim data: status tidak diketahui');
    }
    // r1's down time is what was observed (two reports, each standing for at most two intervals), then unknown.
    expect(dev(u, 'r1')).toMatchObject({ upS: 180, downS: 180, outages: [{ start: L - MIN, end: L + 2 * MIN, durationS: 180, endedBy: 'unknown' }] });

    // The agent returns: the alert resolves, the devices are observed again.
    clock.t += MIN;
    await send(c, 'a1', [{ device: 'r1', ts: clock.t, ok: true }, { device: 'srv1', ts: clock.t, ok: true }]);
    c.uptimeRules.evaluate(clock.t);
    const after = mine(await alerts(c));
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ state: 'resolved', resolvedAt: clock.t });
    expect(dev(await uptime(c), 'r1')).toMatchObject({ state: 'up' });
    expect((await status(c)).devices.find((x) => x.id === 'r1')!.state).toBe('up');
    // The heartbeat is in the store once the background's heartbeat write ran (every second;
    // this collector runs no timers): a fresh instance on the same store (a restart) knows it.
    expect(c.uptime.flushBeats()).toBe(1);
    expect(new UptimeService(c.config, c.store).lastBatch('a1')).toBe(clock.t);
    expect(new UptimeService(c.config, c.store).isSilent('a1', clock.t + 3 * MIN - 1)).toBe(false);
  });

  it('holds back the alert of a device behind a router that is down: unknown, not down', async () => {
    const clock = { t: T };
    c = await startTestCollector(yaml(), { now: () => clock.t });
    const step = async (r1: boolean, srv1: boolean) => {
      await send(c!, 'a1', [{ device: 'r1', ts: clock.t, ok: r1 }, { device: 'srv1', ts: clock.t, ok: srv1 }]);
      c!.uptimeRules.evaluate(clock.t);
      clock.t += MIN;
    };
    const month0 = clock.t;
    await step(true, true);
    const D = clock.t;
    for (let k = 0; k < 5; k++) await step(false, false); // both unreachable: the router is the cause
    const firing = (await alerts(c)).filter((a) => a.kind === 'device_down');
    expect(firing.map((a) => a.key)).toEqual(['device_down:r1']);
    const u = await uptime(c);
    expect(dev(u, 'r1')).toMatchObject({ state: 'down' });
    expect(dev(u, 'srv1')).toMatchObject({ state: 'unknown', reason: 'via_down', via: 'r1', downS: 0, outages: [] });
    const srv1 = (await status(c)).devices.find((x) => x.id === 'srv1')!;
    expect(srv1.state).toBe('unknown');
    expect(srv1.warnings).toContain('di belakang r1 yang sedang mati: status tidak diketahui');
    // The router comes back but the server stays down: now it is the server's own outage.
    const R = clock.t;
    for (let k = 0; k < 3; k++) await step(true, false);
    const keys = (await alerts(c)).filter((a) => a.kind === 'device_down').map((a) => [a.key, a.state, a.since]);
    expect(keys).toEqual(expect.arrayContaining([['device_down:r1', 'resolved', D + 2 * MIN], ['device_down:srv1', 'firing', R + 2 * MIN]]));
    const later = dev(await uptime(c), 'srv1');
    expect(later.outages).toEqual([{ start: R, end: null, durationS: (clock.t - R) / 1000 }]);
    expect(later.unknownS).toBeGreaterThanOrEqual((R - D) / 1000); // its time behind the dead router
    expect(month0).toBeLessThan(D);
  });

  it('judges every device at once (liveAll, the stream\'s read each interval) exactly as one by one: via_down, down, up, never heard', async () => {
    const clock = { t: T };
    c = await startTestCollector(yaml(), { now: () => clock.t });
    const ids = ['r1', 'srv1', 'srv2'];
    const one = () => ids.map((d) => c!.uptime.live(d, clock.t));
    const all = () => c!.uptime.liveAll(ids, clock.t);
    expect(all()).toEqual(one()); // nothing stored yet: srv2 not even in the device table
    expect(all().map((l) => l.state)).toEqual(['unknown', 'unknown', 'unknown']);
    await send(c, 'a1', [{ device: 'r1', ts: clock.t, ok: true }, { device: 'srv1', ts: clock.t, ok: true }]);
    await send(c, 'a2', [{ device: 'srv2', ts: clock.t, ok: true, kind: 'ping' }]);
    clock.t += MIN;
    await send(c, 'a1', [{ device: 'r1', ts: clock.t, ok: false }, { device: 'srv1', ts: clock.t, ok: false }]);
    await send(c, 'a2', [{ device: 'srv2', ts: clock.t, ok: false, kind: 'ping' }]);
    expect(all()).toEqual(one());
    expect(all().map((l) => [l.state, l.reason])).toEqual([['down', undefined], ['unknown', 'via_down'], ['down', undefined]]);
    clock.t += MIN;
    await send(c, 'a1', [{ device: 'r1', ts: clock.t, ok: true }, { device: 'srv1', ts: clock.t, ok: true }]);
    expect(all()).toEqual(one());
    expect(all().map((l) => l.state)).toEqual(['up', 'up', 'down']);
  });
});
