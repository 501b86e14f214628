// Persisted up-time days (table uptime_day) give exactly the figures of the samples: a month
// with outages, unobserved gaps, a device behind a router, an outage across local midnight,
// observations that straddle the month's first instant, and late samples that change days
// already persisted (a spool replay), in Asia/Jakarta (UTC+7) and Asia/Jayapura (UTC+9). A
// restart is a new UptimeService on the same store; `dayReads` says where each day came from.
import { afterEach, describe, expect, it } from 'vitest';
import { testConfigHead, OTHER_AGENT_TOKEN, startTestCollector, type TestCollector } from '../helpers/collector.js';
import { UptimeService } from '../../collector/uptime/service.js';
import { uptimeReader } from '../../collector/uptime/reader.js';
import { monthRange } from '../../collector/accounting/months.js';
import { parseCollectorConfig } from '../../config/collector.js';

const MIN = 60_000;
const DAY = 86_400_000;

const yaml = (tz: string) => (sqlite: string) =>
  `
${testConfigHead(sqlite).replace('timezone: Asia/Jakarta', `timezone: ${tz}`)}agents:
  - { id: a2, token: ${OTHER_AGENT_TOKEN}, intervalSeconds: 60, poll: [r1, srv1, srv2] }
opds:
  - { id: dinkes, name: Dinas Kesehatan }
devices:
  - { id: r1, opd: dinkes, kind: router, address: 127.0.0.1 }
  - { id: srv1, opd: dinkes, kind: server, address: 127.0.0.2, via: r1 }
  - { id: srv2, opd: dinkes, kind: server, address: 127.0.0.3 }
`;

let c: TestCollector | undefined;
afterEach(async () => {
  await c?.cleanup();
  c = undefined;
});

let seq = 0;
type Obs = { type: 'ping' | 'poll'; device: string; ts: number; ok: boolean };
async function send(col: TestCollector, obs: Obs[]): Promise<void> {
  for (let i = 0; i < obs.length; i += 5000) {
    const samples = obs.slice(i, i + 5000).map((o) => (o.type === 'ping' ? { type: 'ping', device: o.device, ts: o.ts, up: o.ok } : { type: 'poll', device: o.device, ts: o.ts, ok: o.ok, ...(o.ok ? {} : { error: 'snmp: timeout' }) }));
    const r = await col.post('/api/v1/ingest', { agent: 'a2', batch: `d${++seq}`, samples }, OTHER_AGENT_TOKEN);
    expect(r.status).toBe(200);
  }
}

const rows = (col: TestCollector) => Number(col.store.sql('SELECT count(*) FROM uptime_day', { pluck: true }).get());

describe.each(['Asia/Jakarta', 'Asia/Jayapura'])('persisted up-time days in %s', (tz) => {
  it('give exactly the figures computed from the samples, also after late samples for persisted days', async () => {
    const { from: M, to: E } = monthRange('2026-11', tz); // local midnight on 1 Nov and on 1 Dec
    const clock = { t: E + DAY + 3 * 3600_000 };
    c = await startTestCollector(yaml(tz), { now: () => clock.t });
    const obs: Obs[] = [];
    const minute = (day: number, k: number) => M + day * DAY + k * MIN; // k minutes after local midnight of day `day` (0 = 1 Nov)
    // Local days 1-3 Nov (and the last minutes of 31 Oct, which reach into the month), 28-30 Nov: every minute.
    for (const day of [-1, 0, 1, 2, 27, 28, 29]) {
      for (let k = day === -1 ? 1435 : 0; k < 1440; k++) {
        const t = minute(day, k);
        if (day === 1 && k >= 600 && k < 660) continue; // 2 Nov 10:00-11:00: nothing observed
        const routerDown = day === -1 || (day === 0 && (k < 3 || (k >= 300 && k < 320))); // 31 Oct 23:55 to 1 Nov 00:03 and 1 Nov 05:00-05:20: r1 down, srv1 behind it
        const midnight = (day === 1 && k >= 1430) || (day === 2 && k < 15); // srv2 down across local midnight 2/3 Nov
        obs.push({ type: 'ping', device: 'r1', ts: t, ok: !routerDown });
        obs.push({ type: 'poll', device: 'srv1', ts: t + 500, ok: !routerDown && !(day === 28 && k >= 700 && k < 745) });
        obs.push({ type: 'ping', device: 'srv2', ts: t, ok: !midnight && !(day === 29 && k >= 1420) });
        if (k % 5 === 0) obs.push({ type: 'poll', device: 'srv2', ts: t + 1000, ok: !midnight && !(day === 27 && k >= 120 && k < 240) });
      }
    }
    await send(c, obs);

    const fromSamples = () => new UptimeService(c!.config, c!.store, { persist: 'off' }).month('2026-11', clock.t);
    const reference = fromSamples();
    const srv2 = reference.devices.find((d) => d.device === 'srv2')!;
    expect(srv2.outages.some((o) => o.start === minute(1, 1430) && o.end === minute(2, 15))).toBe(true); // across local midnight
    expect(reference.devices.find((d) => d.device === 'r1')!.outages[0]).toEqual({ start: M, end: M + 3 * MIN, durationS: 180, endedBy: 'up' }); // down from the month's first instant (31 Oct's pings)
    expect(reference.devices.find((d) => d.device === 'srv1')!.unknownS).toBeGreaterThan(0);

    // pantau report's reader, beside the collector: the same figures, and it writes no row.
    expect(uptimeReader(c.config, c.store).month('2026-11', clock.t)).toEqual(reference);
    expect(rows(c)).toBe(0);
    // First read: every day from the samples, then persisted (3 devices × 30 days).
    expect(c.uptime.month('2026-11', clock.t)).toEqual(reference);
    expect(c.uptime.dayReads).toMatchObject({ stored: 0, samples: 90 });
    expect(rows(c)).toBe(90);
    // A restart: every day from the rows, none from the samples, the same figures; and the same
    // timeline as the samples read in one piece, not day by day.
    const restarted = new UptimeService(c.config, c.store);
    expect(restarted.month('2026-11', clock.t)).toEqual(reference);
    expect(restarted.dayReads).toMatchObject({ stored: 90, samples: 0 });
    const whole = new UptimeService(c.config, c.store, { persist: 'off' });
    for (const d of ['r1', 'srv1', 'srv2']) expect(restarted.observed(d, M, E, clock.t)).toEqual(whole.observed(d, M, E));

    // Late samples (a spool replay): srv2 failing from 23:58:30 to 23:59:30 on 5 Nov, a day with
    // no other sample; the last one's hold reaches 00:01:30 on 6 Nov. Both days' rows go.
    const late = [minute(4, 1438) + 30_000, minute(4, 1439) + 30_000];
    await send(c, late.map((ts) => ({ type: 'ping', device: 'srv2', ts, ok: false })));
    expect(rows(c)).toBe(88);
    const after = fromSamples();
    expect(after).not.toEqual(reference);
    const late2 = after.devices.find((d) => d.device === 'srv2')!;
    expect(late2.downS).toBe(srv2.downS + 180);
    expect(late2.outages).toContainEqual({ start: late[0], end: late[1] + 2 * MIN, durationS: 180, endedBy: 'unknown' });
    const again = new UptimeService(c.config, c.store);
    expect(again.month('2026-11', clock.t)).toEqual(after);
    expect(again.dayReads).toMatchObject({ stored: 88, samples: 2 });
    expect(c.uptime.month('2026-11', clock.t)).toEqual(after); // the running service too (its memory dropped both days)
    expect(rows(c)).toBe(90);
    // A repeated batch stores nothing and deletes nothing.
    const r = await c.post('/api/v1/ingest', { agent: 'a2', batch: `d${seq}`, samples: [{ type: 'ping', device: 'srv2', ts: late[0], up: false }] }, OTHER_AGENT_TOKEN);
    expect(((await r.json()) as { duplicate?: boolean; stored: number }).stored).toBe(0);
    expect(rows(c)).toBe(90);
    // A late host sample (srv1 on 10 Nov at noon, nothing else that day) goes the same way: its day's row only.
    const noon = minute(9, 720);
    const h = await c.post('/api/v1/ingest', { agent: 'a2', batch: 'host-late', samples: [{ type: 'host', device: 'srv1', ts: noon, uptimeS: 86_400, cpuPct: 3, memUsedPct: 40 }] }, OTHER_AGENT_TOKEN);
    expect(h.status).toBe(200);
    expect(rows(c)).toBe(89);
    const withHost = fromSamples();
    expect(withHost.devices.find((d) => d.device === 'srv1')!.upS).toBe(after.devices.find((d) => d.device === 'srv1')!.upS + 120);
    expect(new UptimeService(c.config, c.store).month('2026-11', clock.t)).toEqual(withHost);
    expect(c.uptime.month('2026-11', clock.t)).toEqual(withHost);
    expect(rows(c)).toBe(90);
    // Another agent interval (another hold): the rows are not used, the days come from the samples.
    const slower = parseCollectorConfig('slower.yaml', yaml(tz)(c.config.store.sqlite).replace('intervalSeconds: 60', 'intervalSeconds: 120'));
    const other = new UptimeService(slower, c.store);
    expect(other.month('2026-11', clock.t)).toEqual(new UptimeService(slower, c.store, { persist: 'off' }).month('2026-11', clock.t));
    expect(other.dayReads).toMatchObject({ stored: 0, samples: 90 });
    expect(rows(c)).toBe(90); // rewritten with the new hold
    c.uptime.month('2026-11', clock.t); // this collector's hold again (from memory: the rows changed under it are not read)
    expect(new UptimeService(c.config, c.store).month('2026-11', clock.t)).toEqual(withHost);
    // Pruning keeps persisted days as long as the rollups: a 16-day rollup retention from
    // 03:00 on 2 Dec keeps the days from 17 Nov (14 days × 3 devices).
    c.store.prune(clock.t, 45, 16);
    expect(rows(c)).toBe(42);
  }, 60_000);
});

describe('warm()', () => {
  it('persists each complete day of the previous and current month once it is over, a device per call, without a read', async () => {
    const tz = 'Asia/Jayapura';
    const { from: M, to: E } = monthRange('2026-11', tz);
    const clock = { t: E + DAY + 3 * 3600_000 }; // 03:00 on 2 Dec, local
    c = await startTestCollector(yaml(tz), { now: () => clock.t });
    const obs: Obs[] = [];
    for (let k = 0; k < 1440 * 2; k += 5) for (const device of ['r1', 'srv1', 'srv2']) obs.push({ type: 'ping', device, ts: E - DAY + k * MIN, ok: k % 700 !== 0 });
    await send(c, obs);
    const calls: boolean[] = [];
    do calls.push(c.uptime.warm(clock.t, 0));
    while (!calls[calls.length - 1] && calls.length < 10);
    expect(calls).toEqual([false, false, true]); // budget 0: one device per call
    expect(rows(c)).toBe(3 * 31); // 1 Nov to 1 Dec, local days
    expect(c.uptime.warm(clock.t, 0)).toBe(true);
    expect(rows(c)).toBe(93);
    const restarted = new UptimeService(c.config, c.store);
    expect(restarted.month('2026-11', clock.t)).toEqual(new UptimeService(c.config, c.store, { persist: 'off' }).month('2026-11', clock.t));
    expect(restarted.dayReads).toMatchObject({ stored: 90, samples: 0 });
    // The next day ends: only it is added.
    clock.t += DAY;
    while (!c.uptime.warm(clock.t, 0));
    expect(rows(c)).toBe(96);
  }, 60_000);
});

