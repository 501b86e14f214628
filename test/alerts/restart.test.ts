// The alert engine across a collector restart: two collectors started one after the other on
// the same store file, on an injected clock. Pending for periods, clear periods and flap history
// continue where they were; a firing alert is not notified again as new, and a notified alert
// still gets its resolved message (a webhook receiver on loopback).
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Observation } from '../../collector/alerts/engine.js';
import { startTestCollector, testConfigYaml, type TestCollector } from '../helpers/collector.js';
import { tempStores } from '../helpers/temp-store.js';
import { startWebhookReceiver, type HttpPeer } from './peers.js';

const T0 = Date.UTC(2026, 10, 16, 3, 0, 0); // 10:00 WIB
const MIN = 60_000;

let hook: HttpPeer;
beforeAll(async () => {
  hook = await startWebhookReceiver();
});
afterAll(() => hook?.close());

const stores = tempStores(); // registered first, so its afterEach (removing the folder) runs after the collector's cleanup below
let file: string;
let running: TestCollector | undefined;
const clock = { t: T0 };
beforeEach(() => {
  file = stores.newFile();
  clock.t = T0;
  hook.reset();
});
afterEach(async () => {
  await running?.cleanup();
  running = undefined;
});

/** Starts a collector on the shared store file (stopping the one running first: a restart). */
async function start(): Promise<TestCollector> {
  await running?.cleanup();
  const extra = `notify:\n  - { type: webhook, url: "${hook.url}/hook", groupWaitSeconds: 0, repeatMinutes: 60 }\n`;
  running = await startTestCollector((sqlite) => testConfigYaml(sqlite, extra), { now: () => clock.t, sqlite: file });
  return running;
}

const disk = (active: boolean, at: number, over: Partial<Observation> = {}): Observation => ({
  key: 'disk_full:r1:/var',
  kind: 'disk_full',
  severity: 'warning',
  opd: 'dinkes',
  device: 'r1',
  summary: 'r1: /var 97 % penuh',
  active,
  at,
  forMs: 5 * MIN,
  clearMs: 5 * MIN,
  ...over,
});
const notified = () => hook.delivered.flatMap((r) => (r.body.alerts as { event: string; key: string }[]).map((a) => `${a.event} ${a.key}`));

describe('alert engine state across a collector restart', () => {
  it('a condition that held 4 of its 5 minutes before a restart fires at minute 5, not minute 9', async () => {
    let c = await start();
    for (let m = 0; m <= 4; m++) expect(c.alerting.engine.observe(disk(true, T0 + m * MIN))).toBe('pending');
    c = await start();
    expect(c.alerting.engine.status('disk_full:r1:/var')).toBe('pending');
    expect(c.alerting.engine.observe(disk(true, T0 + 5 * MIN - 1000))).toBe('pending');
    expect(c.alerting.engine.observe(disk(true, T0 + 5 * MIN))).toBe('firing');
    expect(c.alerts.firing('disk_full:r1:/var')).toMatchObject({ since: T0 + 5 * MIN });
  });

  it('a firing alert is not notified again as new after a restart, and its resolved message follows; the clear period continues too', async () => {
    let c = await start();
    for (let m = 0; m <= 5; m++) {
      clock.t = T0 + m * MIN;
      c.alerting.engine.observe(disk(true, clock.t));
      await c.alerting.tick(clock.t);
    }
    expect(notified()).toEqual(['firing disk_full:r1:/var']);
    const id = c.alerts.firing('disk_full:r1:/var')!.id;
    // Clear for 4 of its 5 minutes, then a restart.
    for (let m = 6; m <= 10; m++) {
      clock.t = T0 + m * MIN;
      expect(c.alerting.engine.observe(disk(false, clock.t))).toBe('firing');
      await c.alerting.tick(clock.t);
    }
    c = await start();
    clock.t = T0 + 10 * MIN + 30_000;
    await c.alerting.tick(clock.t);
    expect(notified()).toEqual(['firing disk_full:r1:/var']); // not sent again as new
    clock.t = T0 + 11 * MIN;
    expect(c.alerting.engine.observe(disk(false, clock.t))).toBe('inactive'); // clear since minute 6: 5 minutes
    await c.alerting.tick(clock.t);
    expect(c.alerts.get(id)).toMatchObject({ state: 'resolved', resolvedAt: T0 + 11 * MIN });
    expect(notified()).toEqual(['firing disk_full:r1:/var', 'resolved disk_full:r1:/var']);
  });

  it('a firing alert notified before a restart is repeated on schedule, not at once', async () => {
    let c = await start();
    for (let m = 0; m <= 5; m++) {
      clock.t = T0 + m * MIN;
      c.alerting.engine.observe(disk(true, clock.t));
      await c.alerting.tick(clock.t);
    }
    c = await start();
    for (let m = 6; m <= 64; m++) {
      clock.t = T0 + m * MIN;
      c.alerting.engine.observe(disk(true, clock.t));
      await c.alerting.tick(clock.t);
    }
    expect(notified()).toEqual(['firing disk_full:r1:/var']);
    clock.t = T0 + 65 * MIN; // an hour after the first message
    await c.alerting.tick(clock.t);
    expect(notified()).toEqual(['firing disk_full:r1:/var', 'repeat disk_full:r1:/var']);
  });

  it('flap history survives a restart: alternating input is caught after its eleventh observation, whichever collector saw them', async () => {
    let c = await start();
    const flap = (i: number) => c.alerting.engine.observe(disk(i % 2 === 0, T0 + i * MIN, { forMs: 60 * MIN }));
    for (let i = 0; i < 8; i++) expect(flap(i)).not.toBe('firing');
    c = await start();
    for (let i = 8; i < 10; i++) expect(flap(i)).not.toBe('firing');
    expect(flap(10)).toBe('firing');
    expect(c.alerts.firing('disk_full:r1:/var')!.details).toMatchObject({ flapping: true });
  });

  it('writes a pending key once for many observations, and a firing key\'s last activity at most once a minute; a stale alert then resolves on time after a restart', async () => {
    let c = await start();
    const row = () =>
      c.store.sql('SELECT status, pending_since AS pendingSince, last_active_at AS lastActiveAt FROM alert_engine_state WHERE key = ?').get('disk_full:r1:/var') as
        { status: string; pendingSince: number | null; lastActiveAt: number | null } | undefined;
    const changes = () => Number(c.store.sql('SELECT total_changes()', { pluck: true }).get());
    // Pending: one observation a second for two minutes (as a judgement made on every ingest batch).
    // Written by the flush that follows (the background's, each second): the flap history fills
    // its 21 observations, a write a second; then nothing changes and nothing is written.
    const flush = () => c.alerting.state.flush();
    const before = changes();
    for (let s = 0; s < 21; s++) {
      expect(c.alerting.engine.observe(disk(true, T0 + s * 1000))).toBe('pending');
      expect(flush()).toBe(1);
    }
    expect(changes() - before).toBe(21);
    for (let s = 21; s < 120; s++) {
      expect(c.alerting.engine.observe(disk(true, T0 + s * 1000))).toBe('pending');
      expect(flush()).toBe(0);
    }
    expect(changes() - before).toBe(21);
    expect(row()).toEqual({ status: 'pending', pendingSince: T0, lastActiveAt: null });
    // Firing at minute 5, then observed every 10 s for three minutes: last activity steps by a minute.
    expect(c.alerting.engine.observe(disk(true, T0 + 5 * MIN))).toBe('firing');
    const seen = new Set<number>();
    let last = T0 + 5 * MIN;
    for (let t = T0 + 5 * MIN + 10_000; t <= T0 + 8 * MIN; t += 10_000) {
      c.alerting.engine.observe(disk(true, t));
      flush();
      last = t;
      const a = row()!.lastActiveAt!;
      expect(last - a).toBeLessThan(MIN);
      seen.add(a);
    }
    expect(seen.size).toBeGreaterThanOrEqual(3);
    expect(seen.size).toBeLessThanOrEqual(4);
    // After a restart the data stops (unknown): the alert stays until staleMs after its last
    // activity, less at most the minute the stored value may lag, and resolves by then.
    c = await start();
    const stale = (at: number) => c.alerting.engine.observe(disk(false, at, { active: 'unknown', staleMs: 10 * MIN }));
    expect(stale(last + 9 * MIN)).toBe('firing');
    expect(stale(last + 10 * MIN)).toBe('inactive');
  });
});
