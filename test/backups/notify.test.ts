// Backup alerts through the alert engine to a real webhook receiver on loopback, on an injected
// clock: a silenced OPD's backup_missing is not notified, but one notified before the silence
// still gets its resolved message; flapping backup input (failed, good, failed… on every run of
// the rules) makes one flapping alert and a bounded number of messages, not a storm.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AGENT_TOKEN, OPERATOR_TOKEN, startTestCollector, type TestCollector } from '../helpers/collector.js';
import { startWebhookReceiver, type HttpPeer } from '../alerts/peers.js';
import { backupYaml, BK_DINKES, DAY, MIN, t } from './helpers.js';

let hook: HttpPeer;
beforeAll(async () => {
  hook = await startWebhookReceiver();
});
afterAll(() => hook?.close());

let clock = 0;
let c: TestCollector;
beforeEach(async () => {
  hook.reset();
  clock = t('2026-03-09T20:00:00Z'); // 10 March 03:00 WIB
  const yaml = (sqlite: string) => `${backupYaml(sqlite)}notify:\n  - { type: webhook, url: "${hook.url}/hook", groupWaitSeconds: 30, repeatMinutes: 60 }\n`;
  c = await startTestCollector(yaml, { now: () => clock });
});
afterEach(() => c.cleanup());

const SLOT = t('2026-03-09T18:00:00Z'); // 10 March 01:00 WIB: dinkes' nightly run is due
/** What the webhook received, item by item: [event, key]. */
const items = () => hook.delivered.flatMap((r) => (r.body.alerts as { event: string; key: string }[]).map((i) => [i.event, i.key]));
const report = async (body: Record<string, unknown>) => {
  const r = await c.post('/api/v1/backups', { opd: 'dinkes', ...body }, BK_DINKES);
  expect(r.status, await r.clone().text()).toBe(201);
};
/** One minute of the collector's timers: the backup rules, then the notifier ticks every 5 s. */
async function minute(): Promise<void> {
  c.backupRules.evaluate(clock, 'dinkes'); // bappeda, never reported, would be missing too
  for (let s = 0; s < 60; s += 5) await c.alerting.tick(clock + s * 1000);
  clock += MIN;
}
const silence = async () => {
  const r = await c.post('/api/v1/silences', { opd: 'dinkes', reason: 'pemindahan server cadangan', end: clock + 24 * 3600_000 }, OPERATOR_TOKEN);
  expect(r.status, await r.clone().text()).toBe(201);
};

describe('backup alerts and notifications', () => {
  it('does not notify backup_missing of a silenced OPD, nor its resolution', async () => {
    clock = SLOT + 250 * MIN; // the grace is over, nothing reported
    await silence();
    for (let k = 0; k < 5; k++) await minute();
    const missing = c.alerts.firing('backup_missing:dinkes')!;
    expect(missing).toMatchObject({ silenced: true, opd: 'dinkes' });
    await report({ bytes: 5000 });
    for (let k = 0; k < 16; k++) await minute(); // resolved after the clear period (evaluation.clearMinutes, 15)
    expect(c.alerts.get(missing.id)!.state).toBe('resolved');
    expect(hook.requests).toEqual([]);
  });

  it('sends the resolved message of a backup_missing notified before the OPD was silenced', async () => {
    clock = SLOT + 250 * MIN;
    for (let k = 0; k < 2; k++) await minute();
    expect(items()).toEqual([['firing', 'backup_missing:dinkes']]);
    await silence();
    expect(c.alerts.firing('backup_missing:dinkes')!.silenced).toBe(true);
    for (let k = 0; k < 90; k++) await minute(); // past repeatMinutes: a silenced alert is not repeated
    expect(items()).toEqual([['firing', 'backup_missing:dinkes']]);
    await report({ bytes: 5000 });
    for (let k = 0; k < 14; k++) await minute();
    expect(items()).toHaveLength(1); // clear for 14 minutes: not yet resolved
    for (let k = 0; k < 2; k++) await minute();
    expect(items()).toEqual([
      ['firing', 'backup_missing:dinkes'],
      ['resolved', 'backup_missing:dinkes'],
    ]);
    const audit = c.store.db.prepare("SELECT e.what FROM alert_event e JOIN alert a ON a.id = e.alert WHERE a.key = 'backup_missing:dinkes' ORDER BY e.id").pluck().all();
    expect(audit).toEqual(['fired', 'notified', 'silenced', 'resolved', 'notified']);
  });

  it('flapping backup input (failed and good on alternate runs) keeps one alert, flagged flapping, and no message per flap', async () => {
    clock = SLOT + 10 * MIN;
    const alertsOf = () => c.alerts.list('all').filter((a) => a.key === 'backup_failed:dinkes');
    const run = async (k: number) => {
      await report(k % 2 === 0 ? { ok: false, exitCode: 2, reason: 'rsync: connection reset' } : { bytes: 5000 });
      await minute();
    };
    let k = 0;
    for (; k < 40; k++) await run(k);
    const firing = c.alerts.firing('backup_failed:dinkes')!;
    expect(firing.details).toMatchObject({ flapping: true });
    expect(firing.summary).toMatch(/\(naik-turun\)$/);
    expect(alertsOf()).toHaveLength(1);
    expect(items()).toEqual([['firing', 'backup_failed:dinkes']]);
    for (; k < 160; k++) await run(k);
    // Two more hours of flapping: the same alert, repeated hourly (nobody acknowledged it), nothing per flap.
    expect(alertsOf()).toEqual([expect.objectContaining({ id: firing.id, state: 'firing' })]);
    expect(items()).toEqual([['firing', 'backup_failed:dinkes'], ['repeat', 'backup_failed:dinkes'], ['repeat', 'backup_failed:dinkes']]);
    // The job works again: once the flapping stops and the clear period has passed, one resolved message.
    for (k = 0; k < 40; k++) {
      if (k === 0) await report({ bytes: 5000 });
      await minute();
    }
    expect(c.alerts.get(firing.id)!.state).toBe('resolved');
    expect(items().at(-1)).toEqual(['resolved', 'backup_failed:dinkes']);
    expect(alertsOf()).toHaveLength(1);
  });

  it('holds back backup_missing while the agent its backups come through is silent (agent_silent is the one alert), and raises it once the agent is back', async () => {
    clock = SLOT + 30 * MIN;
    const r = await c.post('/api/v1/backups', { opd: 'dinkes', bytes: 5000 }, AGENT_TOKEN); // a1 watches dinkes (it polls r1)
    expect(r.status, await r.clone().text()).toBe(201);
    // a1 never sends a batch: silent three intervals after the rules first ran.
    for (let k = 0; k <= 5; k++) c.uptimeRules.evaluate(clock + k * MIN);
    expect(c.alerts.firing('agent_silent:a1')).toBeDefined();
    // The next night's grace passes while a1 is still silent.
    clock = SLOT + DAY + 250 * MIN;
    for (let k = 0; k < 5; k++) {
      c.uptimeRules.evaluate(clock);
      await minute();
    }
    expect(c.alerts.firing('backup_missing:dinkes')).toBeUndefined();
    expect(c.alerting.engine.status('backup_missing:dinkes')).toBe('held');
    expect(items().filter(([, key]) => key !== 'agent_silent:a2')).toEqual([['firing', 'agent_silent:a1']]); // a2 (bappeda's) is silent too
    // a1 is back (a batch): agent_silent resolves, and the backup is still missing: now it fires.
    const b = await c.post('/api/v1/ingest', { agent: 'a1', batch: 'back-1', samples: [{ type: 'ping', device: 'r1', ts: clock, up: true }] }, AGENT_TOKEN);
    expect(b.status).toBe(200);
    c.uptimeRules.evaluate(clock);
    await minute();
    expect(c.alerts.firing('agent_silent:a1')).toBeUndefined();
    expect(c.alerts.firing('backup_missing:dinkes')).toMatchObject({ opd: 'dinkes', severity: 'critical' });
  });
});
