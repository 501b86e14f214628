import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

let c: TestCollector;
let n = 0;
beforeAll(async () => {
  c = await startTestCollector(yaml);
});
afterAll(async () => c?.cleanup());

/** One minute samples ending at `end`, at `bps` on a 1 Gbit/s port, from counter `start`. */
async function traffic(end: number, minutes: number, bps: number, start: bigint): Promise<bigint> {
  const samples = [];
  let v = start;
  for (let i = minutes; i >= 0; i--) {
    samples.push({ type: 'iface', device: 'r1', interface: 'ether1', ts: end - i * 60_000, inOctets: v.toString(), outOctets: '0', bits: 64, speedBps: 1e9 });
    v += BigInt(Math.round((bps / 8) * 60));
  }
  const r = await c.post('/api/v1/ingest', { agent: 'a1', batch: `t${n++}`, samples });
  expect(r.status).toBe(200);
  return v;
}

async function alerts(state = 'firing') {
  const r = await c.get(`/api/v1/alerts?state=${state}`);
  return ((await r.json()) as { alerts: { id: number; key: string; kind: string; severity: string; state: string; summary: string; ackBy?: string }[] }).alerts;
}

describe('bandwidth alerts', () => {
  it('raises link_saturated after 20 minutes above 90 % of the rate quota, once', async () => {
    // 30 s into a 5-minute bucket: the newest complete bucket is only partly covered by samples.
    const now = Math.floor(Date.now() / 300_000) * 300_000 - 300_000 + 30_000;
    await traffic(now - 60_000, 30, 97e6, 10n ** 12n);
    c.rollup.drain(); c.bandwidthRules.evaluate(now);
    c.rollup.drain(); c.bandwidthRules.evaluate(now + 1000);
    const sat = (await alerts()).filter((a) => a.kind === 'link_saturated');
    expect(sat).toHaveLength(1);
    expect(sat[0].key).toBe('link_saturated:r1:ether1');
    expect(sat[0].summary).toMatch(/di atas 90 % dari 100 Mbit\/s/);
  });

  it.each([0, 60_000, 150_000, 290_000])('raises link_saturated wherever in a 5-minute bucket the rules run (offset %i ms)', async (off) => {
    const fresh = await startTestCollector(yaml);
    try {
      const now = Math.floor(Date.now() / 300_000) * 300_000 - 300_000 + off;
      const samples = [];
      let v = 10n ** 12n;
      for (let i = 30; i >= 0; i--) {
        samples.push({ type: 'iface', device: 'r1', interface: 'ether1', ts: now - 60_000 - i * 60_000, inOctets: v.toString(), outOctets: '0', bits: 64, speedBps: 1e9 });
        v += BigInt(Math.round((97e6 / 8) * 60));
      }
      expect((await fresh.post('/api/v1/ingest', { agent: 'a1', batch: 'sat', samples })).status).toBe(200);
      fresh.rollup.drain(); fresh.bandwidthRules.evaluate(now);
      expect(fresh.alerts.list('firing').filter((a) => a.kind === 'link_saturated')).toHaveLength(1);
      // Without samples the link is unknown, not clear: the alert stays, for up to an hour.
      fresh.rollup.drain(); fresh.bandwidthRules.evaluate(now + 40 * 60_000);
      expect(fresh.alerts.list('firing').filter((a) => a.kind === 'link_saturated')).toHaveLength(1);
      fresh.rollup.drain(); fresh.bandwidthRules.evaluate(now + 70 * 60_000);
      expect(fresh.alerts.list('firing').filter((a) => a.kind === 'link_saturated')).toHaveLength(0);
    } finally {
      await fresh.cleanup();
    }
  });

  it('resolves link_saturated only after the link has been clear for clearMinutes (no flapping)', async () => {
    const fresh = await startTestCollector(yaml);
    try {
      const S = Math.floor(Date.now() / 300_000) * 300_000 - 60 * 60_000;
      const samples = [];
      let v = 10n ** 12n;
      for (let m = 0; m <= 59; m++) {
        samples.push({ type: 'iface', device: 'r1', interface: 'ether1', ts: S + m * 60_000, inOctets: v.toString(), outOctets: '0', bits: 64, speedBps: 1e9 });
        v += BigInt(Math.round(((m < 30 ? 97e6 : 10e6) / 8) * 60)); // saturated for 30 minutes, then quiet
      }
      expect((await fresh.post('/api/v1/ingest', { agent: 'a1', batch: 'flap', samples })).status).toBe(200);
      const firing = () => fresh.alerts.list('firing').filter((a) => a.kind === 'link_saturated').length;
      fresh.rollup.drain(); fresh.bandwidthRules.evaluate(S + 31 * 60_000);
      expect(firing()).toBe(1);
      fresh.rollup.drain(); fresh.bandwidthRules.evaluate(S + 41 * 60_000); // clear since now
      expect(firing()).toBe(1);
      fresh.rollup.drain(); fresh.bandwidthRules.evaluate(S + 51 * 60_000); // clear for 10 minutes
      expect(firing()).toBe(1);
      fresh.rollup.drain(); fresh.bandwidthRules.evaluate(S + 57 * 60_000); // clear for 16 minutes
      expect(firing()).toBe(0);
      const events = fresh.store.db.prepare('SELECT what FROM alert_event ORDER BY id').pluck().all();
      expect(events).toEqual(['fired', 'resolved']);
    } finally {
      await fresh.cleanup();
    }
  });

  it('fires exactly the 80 % and then the 100 % alert as usage grows, and records both', async () => {
    const fresh = await startTestCollector(yaml);
    try {
      const now = Date.now();
      const post = (samples: unknown[]) => fresh.post('/api/v1/ingest', { agent: 'a1', batch: `g${n++}`, samples });
      const s = (ts: number, v: bigint) => ({ type: 'iface', device: 'r1', interface: 'ether1', ts, inOctets: v.toString(), outOctets: '0', bits: 64 });
      await post([s(now - 20 * 60_000, 0n), s(now - 15 * 60_000, 85n * 10n ** 9n)]);
      fresh.rollup.drain(); fresh.bandwidthRules.evaluate(now);
      let firing = (await (await fresh.get('/api/v1/alerts')).json()).alerts as { key: string; severity: string }[];
      expect(firing.map((a) => a.key)).toEqual(['bandwidth_quota:dinkes:80']);
      expect(firing[0].severity).toBe('warning');
      await post([s(now - 10 * 60_000, 101n * 10n ** 9n)]);
      fresh.rollup.drain(); fresh.bandwidthRules.evaluate(now + 1);
      firing = (await (await fresh.get('/api/v1/alerts')).json()).alerts;
      expect(firing.map((a) => a.key)).toEqual(['bandwidth_quota:dinkes:100']);
      const all = (await (await fresh.get('/api/v1/alerts?state=all')).json()).alerts as { key: string; state: string }[];
      expect(all.find((a) => a.key === 'bandwidth_quota:dinkes:80')?.state).toBe('resolved');
      const events = fresh.store.db.prepare('SELECT what FROM alert_event ORDER BY id').pluck().all();
      expect(events).toEqual(['fired', 'fired', 'resolved']);
    } finally {
      await fresh.cleanup();
    }
  });

  it('records an ack with who and when; a viewer may not ack', async () => {
    const [a] = await alerts();
    expect(a).toBeDefined();
    const denied = await c.post(`/api/v1/alerts/${a.id}/ack`, { note: 'x' }, VIEWER_TOKEN);
    expect(denied.status).toBe(403);
    const ok = await c.post(`/api/v1/alerts/${a.id}/ack`, { note: 'sudah dihubungi' }, OPERATOR_TOKEN);
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { ackBy: string }).ackBy).toBe('budi');
    const ev = c.store.db.prepare("SELECT who, note FROM alert_event WHERE what = 'acked'").get() as { who: string; note: string };
    expect(ev).toEqual({ who: 'budi', note: 'sudah dihubungi' });
  });
});
