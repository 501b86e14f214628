// Backup alerts through a real collector with an injected clock: backup_missing,
// backup_failed (after failuresBeforeAlert failures, with the reason) and backup_small fire
// once however often the rules run, and resolve once when a good backup arrives. Counted in
// alert_event, where every state change is recorded.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestCollector, type TestCollector } from '../helpers/collector.js';
import { backupYaml, BK_BAPPEDA, BK_DINKES, DAY, MIN, t } from './helpers.js';

let clock = 0;
let c: TestCollector;
beforeEach(async () => {
  clock = t('2026-03-09T20:00:00Z'); // 10 March 03:00 WIB: supervision begins
  c = await startTestCollector(backupYaml, { now: () => clock });
});
afterEach(() => c.cleanup());

const events = (kind: string, opd: string) =>
  c.store.db.prepare('SELECT e.what FROM alert_event e JOIN alert a ON a.id = e.alert WHERE a.kind = ? AND a.opd = ? ORDER BY e.id').pluck().all(kind, opd) as string[];
const firing = (kind: string, opd: string) => c.alerts.list('firing').filter((a) => a.kind === kind && a.opd === opd);
const report = async (token: string, body: Record<string, unknown>) => {
  const r = await c.post('/api/v1/backups', body, token);
  expect(r.status, await r.clone().text()).toBe(201);
};
const evaluateEvery = (from: number, to: number, stepMs: number) => {
  for (let at = from; at <= to; at += stepMs) c.backupRules.evaluate(at);
};

describe('backup alerts', () => {
  it('raises backup_missing once when the grace passes, and resolves it once when a good backup arrives', async () => {
    const slot = t('2026-03-09T18:00:00Z'); // 10 March 01:00 WIB
    evaluateEvery(slot + 240 * MIN - 10 * MIN, slot + 240 * MIN - MIN, MIN); // inside the grace: never reported is already missing
    // Never reported: the OPD is missing from the start.
    expect(events('backup_missing', 'dinkes')).toEqual(['fired']);
    clock = slot + 250 * MIN;
    await report(BK_DINKES, { opd: 'dinkes', bytes: 5000 }); // late, good
    evaluateEvery(clock, clock + 30 * MIN, 5 * MIN);
    expect(events('backup_missing', 'dinkes')).toEqual(['fired', 'resolved']);
    // Next day: nothing; the grace of 11 March passes: a new alert, once.
    evaluateEvery(slot + DAY, slot + DAY + 300 * MIN, 10 * MIN);
    expect(events('backup_missing', 'dinkes')).toEqual(['fired', 'resolved', 'fired']);
    expect(firing('backup_missing', 'dinkes')).toHaveLength(1);
    expect(firing('backup_missing', 'dinkes')[0]).toMatchObject({ opd: 'dinkes', severity: 'critical', summary: expect.stringMatching(/Dinas Kesehatan: tidak ada cadangan untuk jadwal 2026-03-11 01:00/) });
  });

  it('raises backup_failed only after failuresBeforeAlert failures in a row, with the reason; backup_missing once the grace is over before that', async () => {
    // bappeda: weekly on Sunday 23:30 WIB (15 March = Sunday; 16:30 UTC), grace 2 h, failuresBeforeAlert 2.
    const sunday = t('2026-03-15T16:30:00Z');
    clock = sunday + 5 * MIN;
    await report(BK_BAPPEDA, { opd: 'bappeda', ts: sunday - 7 * DAY + 10 * MIN, bytes: 10_000 }); // last week's, good
    await report(BK_BAPPEDA, { opd: 'bappeda', ok: false, exitCode: 3, reason: 'disk full on /srv/backup' });
    evaluateEvery(clock, sunday + 120 * MIN - MIN, 5 * MIN);
    expect(c.backups.view(clock).opds.find((o) => o.opd === 'bappeda')!.status).toBe('failed');
    expect(events('backup_failed', 'bappeda')).toEqual([]);
    expect(events('backup_missing', 'bappeda')).toEqual([]); // one failure, grace not over: a retry may still come
    evaluateEvery(sunday + 120 * MIN, sunday + 140 * MIN, 5 * MIN); // Monday 01:30 WIB: the grace is over
    expect(events('backup_missing', 'bappeda')).toEqual(['fired']);
    expect(events('backup_failed', 'bappeda')).toEqual([]);
    clock = sunday + 150 * MIN;
    await report(BK_BAPPEDA, { opd: 'bappeda', ok: false, exitCode: 3, reason: 'disk full on /srv/backup' });
    evaluateEvery(clock, clock + 60 * MIN, 5 * MIN);
    expect(events('backup_failed', 'bappeda')).toEqual(['fired']);
    expect(firing('backup_failed', 'bappeda')[0].summary).toMatch(/Bappeda: pencadangan gagal: disk full on \/srv\/backup .*2 kali berturut-turut/);
    clock += 90 * MIN;
    await report(BK_BAPPEDA, { opd: 'bappeda', bytes: 10_000 });
    evaluateEvery(clock, clock + 60 * MIN, 5 * MIN);
    expect(events('backup_failed', 'bappeda')).toEqual(['fired', 'resolved']);
    expect(events('backup_missing', 'bappeda')).toEqual(['fired', 'resolved']);
    expect(c.alerts.list('firing').filter((a) => a.opd === 'bappeda')).toEqual([]);
  });

  it('raises backup_small once for a backup under minBytes and resolves it on a normal one', async () => {
    const slot = t('2026-03-10T18:00:00Z'); // 11 March 01:00 WIB
    clock = slot + 30 * MIN;
    await report(BK_DINKES, { opd: 'dinkes', bytes: 999, path: '/srv/b/dinkes-0311.sql.gz' });
    evaluateEvery(clock, clock + 60 * MIN, 5 * MIN);
    expect(events('backup_small', 'dinkes')).toEqual(['fired']);
    expect(firing('backup_small', 'dinkes')[0].summary).toMatch(/cadangan terakhir 999 byte \(minimum 1000\)/);
    clock += 2 * 60 * MIN;
    await report(BK_DINKES, { opd: 'dinkes', bytes: 250_000 });
    evaluateEvery(clock, clock + 60 * MIN, 5 * MIN);
    expect(events('backup_small', 'dinkes')).toEqual(['fired', 'resolved']);
  });
});
