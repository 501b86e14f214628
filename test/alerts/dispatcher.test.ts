// The dispatcher over a store that outlives it: a resolved message still follows an alert
// notified before a restart, and a peer's Retry-After is honoured. A real webhook receiver on
// loopback; the clock is the test's.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseCollectorConfig, type CollectorConfig } from '../../config/collector.js';
import { Alerting } from '../../collector/alerts/index.js';
import { AlertStore } from '../../collector/rules/alert-store.js';
import type { Store } from '../../collector/storage/store.js';
import { tempStores } from '../helpers/temp-store.js';
import { startWebhookReceiver, type HttpPeer } from './peers.js';

const T0 = Date.UTC(2026, 10, 16, 3, 0, 0);
const S = 1000;

let hook: HttpPeer;
beforeAll(async () => {
  hook = await startWebhookReceiver();
});
afterAll(() => hook?.close());

const openStore = tempStores();
let cfg: CollectorConfig;
beforeEach(() => {
  hook.reset();
  cfg = parseCollectorConfig(
    'c.yaml',
    `
opds: [ { id: dinkes, name: Dinas Kesehatan } ]
devices: [ { id: r1, opd: dinkes, kind: router, address: 10.0.0.1 } ]
report: { language: en }
notify: [ { type: webhook, url: "${hook.url}/hook", groupWaitSeconds: 10, retrySeconds: 5, maxAttempts: 4 } ]
`,
  );
});

/** A collector's store and alerting: on a new store, or (`file`) again on one opened before (a restart). */
function open(clock: { t: number }, file?: string): { store: Store; alerts: AlertStore; alerting: Alerting } {
  const store = openStore(file);
  const alerts = new AlertStore(store);
  return { store, alerts, alerting: new Alerting({ config: cfg, store, alerts, now: () => clock.t }) };
}

describe('dispatcher', () => {
  it('after a restart, sends the resolved message of an alert notified before it, and the first message of one that was not yet sent', async () => {
    const clock = { t: T0 };
    const a = open(clock);
    a.alerting.engine.observe({ key: 'device_down:r1', kind: 'device_down', severity: 'critical', device: 'r1', summary: 'r1 down', active: true, at: T0 });
    await a.alerting.tick(T0 + 10 * S);
    expect(hook.delivered).toHaveLength(1);
    expect(hook.delivered[0].body).toMatchObject({ opd: 'dinkes', language: 'en', subject: '[Pantau] Dinas Kesehatan: 1 problem' });
    clock.t = T0 + 15 * S;
    a.alerts.fire({ key: 'backup_missing:dinkes', kind: 'backup_missing', severity: 'warning', opd: 'dinkes', summary: 'no backup' }, clock.t);
    a.store.close(); // a restart before the backup alert's group went out

    clock.t = T0 + 60 * S;
    const b = open(clock, a.store.file);
    b.alerts.resolve('device_down:r1', clock.t);
    await b.alerting.tick(T0 + 70 * S); // the backup alert, found firing and never notified, joins the group
    await b.alerting.tick(T0 + 80 * S);
    expect(hook.delivered).toHaveLength(2);
    const items = (hook.delivered[1].body.alerts as { event: string; key: string }[]).map((i) => `${i.event} ${i.key}`);
    expect(items).toEqual(['firing backup_missing:dinkes', 'resolved device_down:r1']);
    expect(hook.delivered[1].body.text).toContain('Resolved · CRITICAL · r1 down');
  });

  it("waits as long as the peer's Retry-After asks, beyond its own backoff", async () => {
    const clock = { t: T0 };
    const a = open(clock);
    hook.answer = { status: 429, headers: { 'retry-after': '120' } };
    a.alerts.fire({ key: 'device_down:r1', kind: 'device_down', severity: 'critical', device: 'r1', summary: 'r1 down' }, T0);
    await a.alerting.tick(T0 + 10 * S);
    expect(hook.requests).toHaveLength(1);
    hook.answer = { status: 200 };
    for (const t of [20, 60, 120]) await a.alerting.tick(T0 + t * S);
    expect(hook.requests).toHaveLength(1);
    await a.alerting.tick(T0 + 130 * S);
    expect(hook.delivered).toHaveLength(1);
  });

  it('sends an escalation of a notified alert as its own message; a lower severity is not sent', async () => {
    const clock = { t: T0 };
    const a = open(clock);
    const quota = (severity: 'warning' | 'critical' | 'info', at: number) => {
      clock.t = at;
      a.alerting.engine.observe({ key: 'bandwidth_quota:dinkes:2026-11', kind: 'bandwidth_quota', severity, opd: 'dinkes', summary: `quota ${severity}`, active: true, at });
    };
    quota('warning', T0);
    await a.alerting.tick(T0 + 10 * S);
    quota('critical', T0 + 20 * S);
    await a.alerting.tick(T0 + 30 * S);
    quota('warning', T0 + 40 * S);
    await a.alerting.tick(T0 + 50 * S);
    await a.alerting.tick(T0 + 60 * S);
    expect(hook.delivered.map((r) => (r.body.alerts as { event: string; severity: string }[]).map((i) => `${i.event} ${i.severity}`))).toEqual([
      ['firing warning'],
      ['escalated critical'],
    ]);
    expect(hook.delivered[1].body.text).toContain('Escalated · CRITICAL · quota critical');
    expect(a.alerts.list('all')).toHaveLength(1);
  });
});
