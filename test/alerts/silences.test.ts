// Silences on a real store: what they match (a device's OPD included), when they start and
// expire, and the maintenance windows up-time reports apart from outages.
import { beforeEach, describe, expect, it } from 'vitest';
import { Silences } from '../../collector/alerts/silences.js';
import { AlertStore } from '../../collector/rules/alert-store.js';
import type { Store } from '../../collector/storage/store.js';
import { tempStores } from '../helpers/temp-store.js';

const T0 = Date.UTC(2026, 10, 16, 3, 0, 0);
const H = 3600_000;

const openStore = tempStores();
let store: Store;
let alerts: AlertStore;
let silences: Silences;
const OPD: Record<string, string> = { r1: 'dinkes', s1: 'dinkes', r3: 'bappeda' };
beforeEach(() => {
  store = openStore();
  alerts = new AlertStore(store);
  silences = new Silences(store, alerts, (d) => OPD[d]);
});

const fire = (device: string, kind = 'device_down') => alerts.fire({ key: `${kind}:${device}`, kind, severity: 'critical', device, summary: device }, T0);

describe('silences', () => {
  it("match by OPD (through an alert's device), device and kind, only between start and end", () => {
    const s = silences.create({ opd: 'dinkes', kind: 'device_down', reason: 'pemeliharaan', start: T0 + H, end: T0 + 3 * H }, 'budi', T0);
    const r1 = fire('r1');
    const r3 = fire('r3');
    const disk = fire('s1', 'disk_full');
    expect(silences.matching(r1, T0)).toBeUndefined(); // not yet
    expect(silences.matching(r1, T0 + H)?.id).toBe(s.id);
    expect(silences.matching(r3, T0 + H)).toBeUndefined(); // another OPD
    expect(silences.matching(disk, T0 + H)).toBeUndefined(); // another kind
    expect(silences.matching(r1, T0 + 3 * H)).toBeUndefined(); // over
    silences.apply(T0 + H);
    expect(alerts.list('firing').filter((a) => a.silenced).map((a) => a.key)).toEqual(['device_down:r1']);
    silences.apply(T0 + 3 * H);
    expect(alerts.list('firing').filter((a) => a.silenced)).toEqual([]);
    expect(store.db.prepare('SELECT what, note FROM alert_event WHERE alert = ? ORDER BY id').all(r1.id)).toEqual([
      { what: 'fired', note: null },
      { what: 'silenced', note: `silence ${s.id}: pemeliharaan` },
      { what: 'unsilenced', note: null },
    ]);
  });

  it('survive a restart of the collector (kept in the store) until their end', () => {
    const s = silences.create({ device: 'r1', reason: 'ganti router', start: T0, end: T0 + H }, 'budi', T0);
    const again = new Silences(store, alerts, (d) => OPD[d]);
    expect(again.matching({ device: 'r1', kind: 'device_down' }, T0 + 1)?.id).toBe(s.id);
    expect(again.list(T0 + 1).map((x) => x.id)).toEqual([s.id]);
    expect(again.list(T0 + H)).toEqual([]);
  });

  it("give a device's maintenance windows of a period, clipped, a deleted one ending when it was deleted", () => {
    const a = silences.create({ device: 'r1', reason: 'ganti kabel', start: T0 - H, end: T0 + H }, 'budi', T0 - 2 * H);
    const b = silences.create({ opd: 'dinkes', reason: 'listrik padam', start: T0 + 5 * H, end: T0 + 9 * H }, 'budi', T0);
    silences.delete(b.id, 'budi', T0 + 6 * H);
    silences.create({ opd: 'bappeda', reason: 'lain', start: T0, end: T0 + H }, 'budi', T0);
    silences.create({ device: 'r1', kind: 'disk_full', reason: 'disk', start: T0, end: T0 + H }, 'budi', T0);
    expect(silences.windowsOf('r1', T0, T0 + 24 * H)).toEqual([
      { start: T0, end: T0 + H, silence: a.id, reason: 'ganti kabel' },
      { start: T0 + 5 * H, end: T0 + 6 * H, silence: b.id, reason: 'listrik padam' },
    ]);
    expect(silences.windowsOf('r3', T0 + 2 * H, T0 + 24 * H)).toEqual([]);
  });
});
