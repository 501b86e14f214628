// clock_skew (issue 8, defect 1): an agent whose clock is off by more than
// limits.maxClockSkewSeconds, judged from its batches' arrival on the collector's clock, is
// flagged on /status and raises an alert; a spool replay of old batches is not a skew.
import { afterEach, describe, expect, it } from 'vitest';
import { OTHER_AGENT_TOKEN, startTestCollector, testConfigYaml, type TestCollector } from '../helpers/collector.js';
import type { StatusView } from '../../collector/status/route.js';
import type { Alert } from '../../collector/rules/alert-store.js';

const T0 = Date.UTC(2026, 11, 2, 3, 0, 0);
const MIN = 60_000;
let c: TestCollector | undefined;
afterEach(async () => {
  await c?.cleanup();
  c = undefined;
});

let seq = 0;
/** One cycle's batch as agent `agent` would send it, stamped with its own clock. */
function send(col: TestCollector, agent: 'a1' | 'a2', agentTs: number) {
  const device = agent === 'a1' ? 'r1' : 'r3';
  return col.post(
    '/api/v1/ingest',
    { agent, batch: `c${++seq}`, samples: [{ type: 'ping', device, ts: agentTs, up: true, rttMs: 1 }] },
    agent === 'a2' ? OTHER_AGENT_TOKEN : undefined,
  );
}
const status = async (col: TestCollector) => (await (await col.get('/api/v1/status')).json()) as StatusView;
const clockOf = async (col: TestCollector, agent: string) => (await status(col)).agents!.find((a) => a.id === agent)!.clock;
const alerts = async (col: TestCollector, state = 'firing') => ((await (await col.get(`/api/v1/alerts?state=${state}`)).json()) as { alerts: Alert[] }).alerts;

describe('clock_skew', () => {
  it('flags an agent 20 minutes ahead on /status and raises clock_skew after 5 minutes, although its samples are refused', async () => {
    const clock = { t: T0 };
    c = await startTestCollector(undefined, { now: () => clock.t });
    expect((await clockOf(c, 'a1')).state).toBe('unknown');
    const ack = (await (await send(c, 'a1', clock.t + 20 * MIN)).json()) as { stored: number; refused?: { reason: string }[] };
    expect([ack.stored, ack.refused?.map((r) => r.reason)]).toEqual([0, ['invalid_timestamp']]); // outside the window
    clock.t += MIN;
    await send(c, 'a1', clock.t + 20 * MIN);
    expect(await clockOf(c, 'a1')).toMatchObject({ state: 'ahead', offsetMs: 20 * MIN, batches: 2 });
    expect(await alerts(c)).toEqual([]); // not yet: the skew must hold for 5 minutes
    for (let i = 0; i < 5; i++) {
      clock.t += MIN;
      await send(c, 'a1', clock.t + 20 * MIN);
    }
    const firing = await alerts(c);
    expect(firing).toHaveLength(1);
    expect(firing[0]).toMatchObject({ key: 'clock_skew:a1', kind: 'clock_skew', severity: 'warning', state: 'firing' });
    expect(firing[0].summary).toBe('Jam agen a1 sekitar 20 menit lebih cepat dari jam collector; waktu sampelnya tidak dapat dipercaya (periksa NTP)');
    // NTP fixes the clock: ok on /status within the window, resolved after clearMinutes (15) of good batches.
    for (let i = 0; i < 19; i++) {
      clock.t += MIN;
      expect((await send(c, 'a1', clock.t - 2_000)).status).toBe(200);
    }
    expect((await clockOf(c, 'a1')).state).toBe('ok');
    expect(await alerts(c)).toEqual([]);
    expect((await alerts(c, 'resolved')).map((a) => a.key)).toEqual(['clock_skew:a1']);
  });

  it('flags an agent 30 minutes behind, and not an agent replaying its spool after an outage', async () => {
    const clock = { t: T0 };
    c = await startTestCollector(undefined, { now: () => clock.t });
    for (let i = 0; i < 7; i++) {
      clock.t += MIN;
      await send(c, 'a1', clock.t - 30 * MIN); // behind
      // a2 is right: its newest cycle, then two hours of spooled batches, oldest first.
      await send(c, 'a2', clock.t - 3_000);
      await send(c, 'a2', clock.t - 120 * MIN + i * MIN);
      await send(c, 'a2', clock.t - 119 * MIN + i * MIN);
    }
    expect(await clockOf(c, 'a1')).toMatchObject({ state: 'behind', offsetMs: -30 * MIN });
    expect(await clockOf(c, 'a2')).toMatchObject({ state: 'ok', offsetMs: -3_000 });
    expect((await alerts(c)).map((a) => a.key)).toEqual(['clock_skew:a1']);
  });

  it('judges a replaying agent\'s hundreds of batches a minute on the alert engine at most every 10 s, and a changed judgement at once', async () => {
    const clock = { t: T0 };
    // Rate limits raised: 300 requests at once would meet the per-token limit (20/s, real time).
    c = await startTestCollector((sqlite) => testConfigYaml(sqlite, 'limits: { ratePerToken: 100000, ratePerAddress: 100000 }\n'), { now: () => clock.t });
    // Rows written once flushed (the background flushes each second): flushed after every batch here.
    const writes = () => (c!.alerting.state.flush(), c!.alerting.state.writes);
    // 300 batches in 30 s, each 30 minutes behind (as a spool replay looks while it lasts).
    const before = writes();
    for (let i = 0; i < 300; i++) {
      clock.t = T0 + i * 100;
      expect((await send(c, 'a1', clock.t - 30 * MIN)).status).toBe(200);
      writes();
    }
    expect(await clockOf(c, 'a1')).toMatchObject({ state: 'behind' });
    const during = writes() - before;
    expect(during).toBeGreaterThanOrEqual(1); // the pending period was written
    expect(during).toBeLessThanOrEqual(4); // every 10 s at most, not 300 times
    // The agent catches up: the judgement changes to ok, and that very batch is observed (well
    // within 10 s of the last observation), ending the pending period.
    expect(c.alerting.engine.status('clock_skew:a1')).toBe('pending');
    clock.t += 100;
    expect((await send(c, 'a1', clock.t - 1_000)).status).toBe(200);
    expect(await clockOf(c, 'a1')).toMatchObject({ state: 'ok' });
    expect(c.alerting.engine.status('clock_skew:a1')).toBe('inactive');
  });
});
