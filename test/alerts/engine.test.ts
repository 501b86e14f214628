// The alert engine on a real store, its clock driven by the test: for and clear periods,
// unknown data, flapping, escalation, dependencies (via), and the threshold helpers.
import { beforeEach, describe, expect, it } from 'vitest';
import { collectorSchema } from '../../config/collector.js';
import { alertView, viaHeldBack } from '../../collector/alerts/dependencies.js';
import { AlertEngine, type Observation } from '../../collector/alerts/engine.js';
import { FlapDetector } from '../../collector/alerts/flapping.js';
import { hysteresis, stepOf } from '../../collector/alerts/threshold.js';
import { AlertStore } from '../../collector/rules/alert-store.js';
import type { Store } from '../../collector/storage/store.js';
import { tempStores } from '../helpers/temp-store.js';

const T0 = Date.UTC(2026, 10, 16, 3, 0, 0);
const MIN = 60_000;

const openStore = tempStores();
let store: Store;
let alerts: AlertStore;
beforeEach(() => {
  store = openStore();
  alerts = new AlertStore(store);
});

const events = () => store.db.prepare('SELECT what FROM alert_event ORDER BY id').pluck().all() as string[];
const down = (device: string, active: boolean | 'unknown', at: number, over: Partial<Observation> = {}): Observation => ({
  key: `device_down:${device}`,
  kind: 'device_down',
  severity: 'critical',
  device,
  summary: `${device} tidak menjawab ping`,
  active,
  at,
  forMs: 2 * MIN,
  clearMs: 5 * MIN,
  ...over,
});

describe('alert engine', () => {
  it('fires only after the condition held for its for period, and resolves only after it was clear for its clear period', () => {
    const e = new AlertEngine({ alerts });
    expect(e.observe(down('r1', true, T0))).toBe('pending');
    expect(e.observe(down('r1', true, T0 + MIN))).toBe('pending');
    expect(alerts.list('firing')).toHaveLength(0);
    expect(e.observe(down('r1', true, T0 + 2 * MIN))).toBe('firing');
    expect(alerts.list('firing')).toMatchObject([{ key: 'device_down:r1', since: T0 + 2 * MIN, state: 'firing' }]);
    expect(e.observe(down('r1', false, T0 + 3 * MIN))).toBe('firing');
    expect(e.observe(down('r1', false, T0 + 7 * MIN))).toBe('firing');
    expect(e.observe(down('r1', false, T0 + 8 * MIN))).toBe('inactive');
    expect(alerts.list('all')).toMatchObject([{ state: 'resolved', resolvedAt: T0 + 8 * MIN }]);
    expect(events()).toEqual(['fired', 'resolved']);
  });

  it('a condition that comes and goes within its for period never fires; a single clear poll restarts the for period', () => {
    const e = new AlertEngine({ alerts });
    e.observe(down('r1', true, T0));
    e.observe(down('r1', false, T0 + MIN));
    expect(e.observe(down('r1', true, T0 + 2 * MIN))).toBe('pending');
    expect(e.observe(down('r1', true, T0 + 3 * MIN))).toBe('pending');
    expect(e.observe(down('r1', true, T0 + 4 * MIN))).toBe('firing');
  });

  it('unknown (stale) data neither fires nor clears; a firing alert with staleMs resolves after that long unknown', () => {
    const e = new AlertEngine({ alerts });
    e.observe(down('r1', true, T0));
    expect(e.observe(down('r1', 'unknown', T0 + 5 * MIN))).toBe('unknown');
    expect(alerts.list('firing')).toHaveLength(0);
    e.observe(down('r1', true, T0 + 6 * MIN));
    expect(e.observe(down('r1', true, T0 + 8 * MIN))).toBe('firing');
    // Unknown for 30 minutes: still firing (stale is not clear)…
    for (let m = 9; m <= 38; m++) expect(e.observe(down('r1', 'unknown', T0 + m * MIN, { staleMs: 60 * MIN }))).toBe('firing');
    // …and an hour after it last held, resolved.
    expect(e.observe(down('r1', 'unknown', T0 + 68 * MIN, { staleMs: 60 * MIN }))).toBe('inactive');
    expect(events()).toEqual(['fired', 'resolved']);
  });

  it('flapping input (up/down every poll) makes one alert flagged flapping, not a storm, and it resolves once the flapping stops', () => {
    const e = new AlertEngine({ alerts, flapping: { window: 21, highPct: 50, lowPct: 25 } });
    let t = T0;
    // Two hours of a port that answers every other poll, with forMs 2 min and clearMs 5 min.
    for (let i = 0; i < 120; i++, t += MIN) e.observe(down('r1', i % 2 === 0, t));
    const firing = alerts.list('firing');
    expect(firing).toHaveLength(1);
    expect(firing[0].details).toMatchObject({ flapping: true });
    expect(firing[0].summary).toMatch(/\(naik-turun\)$/);
    expect(alerts.list('all')).toHaveLength(1);
    expect(events()).toEqual(['fired', 'flapping']);
    // Steady up: the flapping stops once the changes fall below 25 % of the window, then the clear period runs.
    let resolvedAt: number | undefined;
    for (let i = 0; i < 30 && resolvedAt === undefined; i++, t += MIN) if (e.observe(down('r1', false, t)) === 'inactive') resolvedAt = t;
    expect(resolvedAt).toBeDefined();
    expect(events()).toEqual(['fired', 'flapping', 'flapping_stopped', 'resolved']);
    expect(alerts.list('all')).toHaveLength(1);
  });

  it('a condition that fires and resolves on alternate polls (no for or clear period) is caught as flapping: the flap history outlives each alert', () => {
    const e = new AlertEngine({ alerts });
    let t = T0;
    for (let i = 0; i < 40; i++, t += MIN) e.observe(down('r1', i % 2 === 0, t, { forMs: 0, clearMs: 0 }));
    const after40 = alerts.list('all').length;
    // Five short alerts while the detector gathers its 11 observations, then one flagged flapping.
    expect(after40).toBe(6);
    expect(alerts.list('firing')).toEqual([expect.objectContaining({ details: expect.objectContaining({ flapping: true }) })]);
    for (let i = 40; i < 200; i++, t += MIN) e.observe(down('r1', i % 2 === 0, t, { forMs: 0, clearMs: 0 }));
    expect(alerts.list('all')).toHaveLength(after40);
  });

  it('a rules pass (batch) commits the steps that worked and throws the ones that failed, together, after', () => {
    const e = new AlertEngine({ alerts });
    expect(() =>
      e.batch('test rules', (guard) => {
        guard(() => e.observe(down('r1', true, T0, { forMs: 0 })));
        guard(() => {
          throw new Error('device r2: store read failed');
        });
        guard(() => e.observe(down('r3', true, T0, { forMs: 0 })));
      }),
    ).toThrow(/^test rules: 1 step\(s\) failed, the rest was observed; first: device r2: store read failed$/);
    expect(alerts.list('firing').map((a) => a.key).sort()).toEqual(['device_down:r1', 'device_down:r3']);
  });

  it('the flap detector weighs state changes: alternating input is 100 %, one change in 21 is under 10 %', () => {
    const f = new FlapDetector({ window: 21 });
    const states = Array.from({ length: 21 }, (_, i) => i % 2 === 0);
    let flapping = false;
    for (const s of states) flapping = f.record(s);
    expect(f.changePct()).toBe(100);
    expect(flapping).toBe(true);
    const steady = new FlapDetector({ window: 21 });
    for (let i = 0; i < 21; i++) steady.record(i < 10); // one change in 21
    expect(steady.changePct()).toBeLessThan(10);
    expect(steady.isFlapping).toBe(false);
  });

  it('escalation raises the severity of the same alert instead of opening another, and records it', () => {
    const e = new AlertEngine({ alerts });
    const q = (severity: 'warning' | 'critical', at: number): Observation => ({ key: 'bandwidth_quota:dinkes:2026-11', kind: 'bandwidth_quota', severity, opd: 'dinkes', summary: severity, active: true, at });
    e.observe(q('warning', T0));
    const [a] = alerts.list('firing');
    e.observe(q('critical', T0 + MIN));
    e.observe(q('critical', T0 + 2 * MIN));
    expect(alerts.list('all')).toEqual([expect.objectContaining({ id: a.id, severity: 'critical', state: 'firing', since: T0 })]);
    expect(events()).toEqual(['fired', 'escalated']);
  });

  it('a router down with five servers behind it (via) gives one alert, not six; the servers fire on their own once the router is back', () => {
    const cfg = collectorSchema.parse({
      agents: [{ id: 'a1', token: 'agent-token-000000001', poll: ['rtr', 's1', 's2', 's3', 's4', 's5'] }],
      opds: [{ id: 'dinkes', name: 'Dinas Kesehatan' }],
      devices: [
        { id: 'rtr', opd: 'dinkes', kind: 'router', address: '10.0.0.1' },
        ...[1, 2, 3, 4, 5].map((i) => ({ id: `s${i}`, opd: 'dinkes', kind: 'server', address: `10.0.0.${10 + i}`, via: 'rtr' })),
      ],
    });
    const e = new AlertEngine({ alerts });
    e.setHeldBack(viaHeldBack(cfg, alertView(e, alerts)));
    const servers = ['s1', 's2', 's3', 's4', 's5'];
    // Ten minutes of everything unreachable; the servers are observed before the router in each poll.
    for (let m = 0; m <= 10; m++) {
      for (const s of servers) e.observe(down(s, true, T0 + m * MIN));
      e.observe(down('rtr', true, T0 + m * MIN));
    }
    expect(alerts.list('firing').map((a) => a.key)).toEqual(['device_down:rtr']);
    expect(servers.map((s) => e.status(`device_down:${s}`))).toEqual(['held', 'held', 'held', 'held', 'held']);
    // The router comes back; s3 is really down: it fires after its own for period.
    for (let m = 11; m <= 20; m++) {
      e.observe(down('rtr', false, T0 + m * MIN));
      for (const s of servers) e.observe(down(s, s === 's3', T0 + m * MIN));
    }
    expect(alerts.list('firing').map((a) => a.key)).toEqual(['device_down:s3']);
  });

  it('a silent agent holds back the alerts of the devices it polls', () => {
    const cfg = collectorSchema.parse({
      agents: [{ id: 'a1', token: 'agent-token-000000001', poll: ['rtr'] }],
      opds: [{ id: 'dinkes', name: 'Dinas Kesehatan' }],
      devices: [{ id: 'rtr', opd: 'dinkes', kind: 'router', address: '10.0.0.1' }],
    });
    const e = new AlertEngine({ alerts });
    e.setHeldBack(viaHeldBack(cfg, alertView(e, alerts)));
    alerts.fire({ key: 'agent_silent:a1', kind: 'agent_silent', severity: 'critical', summary: 'a1 diam' }, T0);
    for (let m = 0; m <= 5; m++) e.observe(down('rtr', true, T0 + m * MIN));
    expect(alerts.list('firing').map((a) => a.key)).toEqual(['agent_silent:a1']);
  });
});

describe('thresholds', () => {
  it('a quota alert that fires at 90 % clears only below 85 %', () => {
    let active = false;
    const seen: boolean[] = [];
    for (const v of [80, 89.9, 90, 88, 85, 84.9, 86, 90.1]) {
      const r = hysteresis(v, 90, 85, active);
      active = r === true;
      seen.push(active);
    }
    expect(seen).toEqual([false, false, true, true, true, false, false, true]);
    expect(hysteresis(undefined, 90, 85, true)).toBe('unknown');
  });

  it('escalating steps go up at once and come down only past their recovery level; unknown keeps the step', () => {
    const steps = [
      { at: 80, clearBelow: 75, severity: 'warning' as const },
      { at: 100, clearBelow: 95, severity: 'critical' as const },
    ];
    let s = -1;
    const seen: number[] = [];
    for (const v of [50, 80, 101, 97, 94, 76, 74, undefined]) seen.push((s = stepOf(v, steps, s)));
    expect(seen).toEqual([-1, 0, 1, 1, 0, 0, -1, -1]);
    expect(stepOf(undefined, steps, 1)).toBe(1);
  });
});
