// The wall's model (dashboard/src/model.ts) and tile layout, in node: how stream messages
// change what the wall shows, and that old data is stale, never fine.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Model, FRESH_MS } from '../../dashboard/src/model.js';
import { layout } from '../../dashboard/src/layout.js';

const T = Date.UTC(2026, 10, 20, 3, 0, 0);
afterEach(() => vi.useRealTimers());

const snapshot = (over: Record<string, unknown> = {}) => ({
  type: 'snapshot',
  seq: 5,
  epoch: 'e',
  at: T,
  timezone: 'Asia/Makassar',
  intervalMs: 60_000,
  heartbeatMs: 30_000,
  status: {
    opds: [{ id: 'a', name: 'A', state: 'up', devices: ['r1'] }, { id: 'b', name: 'B', state: 'unknown', devices: ['r2'] }],
    devices: [{ id: 'r1', opd: 'a', kind: 'router', state: 'up', lastSeen: T - 10_000 }, { id: 'r2', opd: 'b', kind: 'router', state: 'unknown' }],
  },
  alerts: [],
  usage: [{ opd: 'a', status: 'no_data', usedPct: {}, countedBytes: '0', quota: {} }],
  ...over,
});

describe('wall model', () => {
  it('takes the snapshot, then patches devices, OPDs, alerts, usage and backups, highlighting what changed', () => {
    vi.useFakeTimers({ now: T });
    const m = new Model();
    m.apply(snapshot());
    expect(m.timezone).toBe('Asia/Makassar');
    expect(m.backups).toBeUndefined(); // no backup source: the tile shows "—"
    expect(m.isFresh('opd:a')).toBe(false); // the first picture is not news
    m.apply({ type: 'status', seq: 6, at: T, devices: [{ id: 'r1', opd: 'a', kind: 'router', state: 'down', lastSeen: T }], opds: [{ id: 'a', name: 'A', state: 'down', devices: ['r1'] }] });
    expect(m.deviceState(m.devices.get('r1')!)).toBe('down');
    expect(m.isFresh('opd:a')).toBe(true);
    const fired = m.apply({ type: 'alert', seq: 7, what: 'fired', alert: { id: 1, key: 'k', kind: 'device_down', severity: 'critical', opd: 'a', summary: 's', state: 'firing', since: T } });
    expect(fired.map((a) => a.id)).toEqual([1]);
    expect(m.apply({ type: 'alert', seq: 8, what: 'acked', alert: { id: 1, key: 'k', kind: 'device_down', severity: 'critical', opd: 'a', summary: 's', state: 'firing', since: T, ackBy: 'budi' } })).toEqual([]);
    expect(m.alerts.get(1)!.ackBy).toBe('budi');
    m.apply({ type: 'alert', seq: 9, what: 'resolved', alert: { id: 1, key: 'k', kind: 'device_down', severity: 'critical', opd: 'a', summary: 's', state: 'resolved', since: T } });
    expect(m.alerts.size).toBe(0);
    m.apply({ type: 'backup', seq: 10, backup: { opd: 'b', status: 'missing' } });
    expect(m.backups!.get('b')!.status).toBe('missing');
    expect(m.isFresh('opd:b')).toBe(true);
    m.apply({ type: 'usage', seq: 11, opds: [{ opd: 'a', status: 'warning', usedPct: { volume: 85 }, countedBytes: '85', quota: { volumeBytes: '100' } }] });
    expect(m.usage.get('a')!.status).toBe('warning');
    vi.advanceTimersByTime(FRESH_MS);
    m.expire();
    expect(m.isFresh('opd:a')).toBe(false);
    expect(m.changed.size).toBe(0); // highlights do not pile up
  });

  it('calls data older than two intervals stale, by the server clock, and no data at all stale too', () => {
    vi.useFakeTimers({ now: T + 3_600_000 }); // the page's clock is an hour off: the server's counts
    const m = new Model();
    m.apply(snapshot());
    expect(m.serverNow()).toBe(T);
    expect(m.isStale()).toBe(false);
    expect(m.deviceState(m.devices.get('r1')!)).toBe('up');
    vi.advanceTimersByTime(2 * 60_000 - 10_000);
    expect(m.isStale()).toBe(false);
    vi.advanceTimersByTime(1);
    expect(m.isStale()).toBe(true);
    expect(m.deviceState(m.devices.get('r1')!)).toBe('stale');
    const empty = new Model();
    empty.apply(snapshot({ status: { opds: [], devices: [{ id: 'r2', opd: 'b', kind: 'router', state: 'unknown' }] } }));
    expect(empty.isStale()).toBe(true);
  });
});

describe('tile layout', () => {
  it('fits 60 tiles on the tile area of a 1920×1080 screen in 8 columns of 8 rows, wider than tall', () => {
    expect(layout(60, 1460, 990)).toEqual({ cols: 8, rows: 8 });
    expect(layout(1, 1460, 990)).toEqual({ cols: 1, rows: 1 });
    expect(layout(0, 1460, 990)).toEqual({ cols: 1, rows: 1 });
    const { cols, rows } = layout(200, 3000, 1900); // 4K
    expect(cols * rows).toBeGreaterThanOrEqual(200);
    expect(3000 / cols).toBeGreaterThan(1900 / rows);
  });
});

describe('wall model with up-time states', () => {
  it('counts a device by its up-time state when the collector has one, but stale data stays stale', () => {
    vi.useFakeTimers({ now: T });
    const m = new Model();
    m.apply(snapshot({ uptime: [{ device: 'r1', state: 'down' }] }));
    expect(m.deviceState(m.devices.get('r1')!)).toBe('down');
    m.apply({ type: 'status', seq: 6, at: T, devices: [], opds: [], uptime: [{ device: 'r1', state: 'up' }] });
    expect(m.deviceState(m.devices.get('r1')!)).toBe('up');
    vi.advanceTimersByTime(3 * 60_000);
    expect(m.deviceState(m.devices.get('r1')!)).toBe('stale');
  });
});
