// Bandwidth alerts on an injected clock: every test starts its own collector without background
// timers (nothing evaluates at real time behind the test) and sets up the state it asserts on.
import { describe, expect, it } from 'vitest';
import { AGENT_TOKEN, VIEWER_TOKEN, OPERATOR_TOKEN, startTestCollector, type TestCollector } from '../helpers/collector.js';

const yaml = (sqlite: string) => `
timezone: Asia/Jakarta
listen: 127.0.0.1:0
store: { sqlite: ${JSON.stringify(sqlite)} }
auth: { users: [ { name: wall, role: viewer, token: ${VIEWER_TOKEN} }, { name: budi, role: operator, token: ${OPERATOR_TOKEN} } ] }
agents: [ { id: a1, token: ${AGENT_TOKEN}, poll: [r1] } ]
opds:
  - { id: dinkes, name: Dinas Kesehatan, quota: { volumeGB: 100, rateMbps: 100 }, uplinks: [ { device: r1, interface: ether1 } ] }
devices:
  - { id: r1, opd: dinkes, kind: router, address: 127.0.0.1, snmp: { version: 2c, community: public } }
`;

/** 16 November 2026, 10:00 in Jakarta: the middle of a month, on a 5-minute edge. */
const MID_MONTH = Date.UTC(2026, 10, 16, 3, 0, 0);
/** 1 December 2026, 00:05 in Jakarta: five minutes into a month. */
const MONTH_START = Date.UTC(2026, 10, 30, 17, 5, 0);

interface Clocked extends TestCollector {
  clock: { t: number };
}

async function collectorAt(t: number): Promise<Clocked> {
  const clock = { t };
  const c = await startTestCollector(yaml, { now: () => clock.t });
  return Object.assign(c, { clock });
}

async function withCollector(t: number, fn: (c: Clocked) => Promise<void>): Promise<void> {
  const c = await collectorAt(t);
  try {
    await fn(c);
  } finally {
    await c.cleanup();
  }
}

let n = 0;
/** One-minute samples of ether1 from `from` for `minutes` minutes at `bps(m)` (m = minute), counter from `start`. */
async function traffic(c: TestCollector, from: number, minutes: number, bps: (m: number) => number, start = 10n ** 12n): Promise<bigint> {
  const samples = [];
  let v = start;
  for (let m = 0; m <= minutes; m++) {
    samples.push({ type: 'iface', device: 'r1', interface: 'ether1', ts: from + m * 60_000, inOctets: v.toString(), outOctets: '0', bits: 64, speedBps: 1e9 });
    v += BigInt(Math.round((bps(m) / 8) * 60));
  }
  const r = await c.post('/api/v1/ingest', { agent: 'a1', batch: `t${n++}`, samples });
  expect(r.status).toBe(200);
  return v;
}

function evaluate(c: TestCollector, at: number): void {
  c.rollup.drain();
  c.bandwidthRules.evaluate(at);
}

const firing = (c: TestCollector, kind?: string) => c.alerts.list('firing').filter((a) => !kind || a.kind === kind);

describe('bandwidth alerts', () => {
  it('raises link_saturated after 20 minutes above 90 % of the rate quota, once', () =>
    withCollector(MID_MONTH, async (c) => {
      // 30 s into a 5-minute bucket: the newest complete bucket is only partly covered by samples.
      const now = MID_MONTH + 30_000;
      await traffic(c, now - 31 * 60_000, 30, () => 97e6);
      evaluate(c, now);
      evaluate(c, now + 1000);
      const sat = firing(c, 'link_saturated');
      expect(sat).toHaveLength(1);
      expect(sat[0].key).toBe('link_saturated:r1:ether1');
      expect(sat[0].summary).toMatch(/di atas 90 % dari 100 Mbit\/s/);
      expect(firing(c).map((a) => a.kind)).toEqual(['link_saturated']);
    }));

  it.each([0, 60_000, 150_000, 290_000])('raises link_saturated wherever in a 5-minute bucket the rules run (offset %i ms)', (off) =>
    withCollector(MID_MONTH, async (c) => {
      const now = MID_MONTH + off;
      c.clock.t = now;
      await traffic(c, now - 31 * 60_000, 30, () => 97e6);
      evaluate(c, now);
      expect(firing(c, 'link_saturated')).toHaveLength(1);
      // Without samples the link is unknown, not clear: the alert stays, for up to an hour.
      evaluate(c, now + 40 * 60_000);
      expect(firing(c, 'link_saturated')).toHaveLength(1);
      evaluate(c, now + 70 * 60_000);
      expect(firing(c, 'link_saturated')).toHaveLength(0);
    }));

  it('resolves link_saturated only after the link has been clear for clearMinutes (no flapping)', () =>
    withCollector(MID_MONTH, async (c) => {
      const S = MID_MONTH - 60 * 60_000;
      await traffic(c, S, 59, (m) => (m < 30 ? 97e6 : 10e6)); // saturated for 30 minutes, then quiet
      evaluate(c, S + 31 * 60_000);
      expect(firing(c, 'link_saturated')).toHaveLength(1);
      evaluate(c, S + 41 * 60_000); // clear since now
      expect(firing(c, 'link_saturated')).toHaveLength(1);
      evaluate(c, S + 51 * 60_000); // clear for 10 minutes
      expect(firing(c, 'link_saturated')).toHaveLength(1);
      evaluate(c, S + 57 * 60_000); // clear for 16 minutes
      expect(firing(c, 'link_saturated')).toHaveLength(0);
      const events = c.store.db.prepare('SELECT what FROM alert_event ORDER BY id').pluck().all();
      expect(events).toEqual(['fired', 'resolved']);
    }));

  it('raises no projection from the first minutes of a month: five minutes of saturation fire only link_saturated', () =>
    withCollector(MONTH_START, async (c) => {
      // 40 minutes at 97 Mbit/s straddling midnight: 5 of them in December, projected naively
      // to 3.2 TB, 3,200 % of the volume quota. Too little of the month is observed to project.
      await traffic(c, MONTH_START - 35 * 60_000, 35, () => 97e6);
      evaluate(c, MONTH_START);
      expect(firing(c).map((a) => a.kind)).toEqual(['link_saturated']);
    }));

  it('escalates one quota alert from 80 % (warning) to 100 % (critical) as usage grows, and records both steps', () =>
    withCollector(MID_MONTH, async (c) => {
      const now = MID_MONTH;
      const post = (samples: unknown[]) => c.post('/api/v1/ingest', { agent: 'a1', batch: `g${n++}`, samples });
      const s = (ts: number, v: bigint) => ({ type: 'iface', device: 'r1', interface: 'ether1', ts, inOctets: v.toString(), outOctets: '0', bits: 64 });
      await post([s(now - 20 * 60_000, 0n), s(now - 15 * 60_000, 85n * 10n ** 9n)]);
      evaluate(c, now);
      let alerts = (await (await c.get('/api/v1/alerts')).json()).alerts as { id: number; key: string; severity: string }[];
      expect(alerts.map((a) => a.key)).toEqual(['bandwidth_quota:dinkes:2026-11']);
      expect(alerts[0].severity).toBe('warning');
      const id = alerts[0].id;
      await post([s(now - 10 * 60_000, 101n * 10n ** 9n)]);
      evaluate(c, now + 1);
      alerts = (await (await c.get('/api/v1/alerts')).json()).alerts;
      expect(alerts.map((a) => [a.id, a.key, a.severity])).toEqual([[id, 'bandwidth_quota:dinkes:2026-11', 'critical']]);
      const all = (await (await c.get('/api/v1/alerts?state=all')).json()).alerts as unknown[];
      expect(all).toHaveLength(1);
      const events = c.store.db.prepare('SELECT what, note FROM alert_event ORDER BY id').all();
      expect(events).toEqual([{ what: 'fired', note: null }, { what: 'escalated', note: 'warning → critical' }]);
    }));

  it('records an ack with who and when; a viewer may not ack', () =>
    withCollector(MID_MONTH, async (c) => {
      await traffic(c, MID_MONTH - 31 * 60_000, 30, () => 97e6);
      evaluate(c, MID_MONTH);
      const [a] = firing(c, 'link_saturated');
      expect(a).toBeDefined();
      const denied = await c.post(`/api/v1/alerts/${a.id}/ack`, { note: 'x' }, VIEWER_TOKEN);
      expect(denied.status).toBe(403);
      c.clock.t = MID_MONTH + 90_000;
      const ok = await c.post(`/api/v1/alerts/${a.id}/ack`, { note: 'sudah dihubungi' }, OPERATOR_TOKEN);
      expect(ok.status).toBe(200);
      expect(((await ok.json()) as { ackBy: string; ackAt: number })).toMatchObject({ ackBy: 'budi', ackAt: MID_MONTH + 90_000 });
      const ev = c.store.db.prepare("SELECT who, note, ts FROM alert_event WHERE what = 'acked'").get() as { who: string; note: string; ts: number };
      expect(ev).toEqual({ who: 'budi', note: 'sudah dihubungi', ts: MID_MONTH + 90_000 });
    }));
});
