// ReportScheduler against a real SMTP server that is down at the scheduled time and comes
// back later, across a scheduler restart; the ledger is a JSON file shared by the instances.
// Nothing here sleeps to prove that nothing happened: each step waits for a recorded decision
// (sent, already_sent, skipped_no_data, failed) or reads the scheduler's state.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NoDataError, ReportScheduler, type ReportConfig, type ReportDecision } from '../../collector/report/schedule.js';
import type { UsageReport } from '../../protocol/usage.js';
import type { UptimeReport } from '../../protocol/uptime.js';
import { makeEmptyReport, makeUsageReport } from './fixture.js';
import { freePort, JsonFileLedger, startSmtp, waitFor, type SmtpPeer } from './peers.js';

const WIB = 'Asia/Jakarta';
// 08:00:30 WIB on 1 November 2026: thirty seconds after the default schedule fired.
const AFTER_FIRING = Date.parse('2026-11-01T01:00:30Z');

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const brief = (d: ReportDecision) => ({ month: d.month, trigger: d.trigger, outcome: d.outcome });

function setup(port: number, schedule = '0 8 1 * *', build: (month: string) => UsageReport = (month) => makeUsageReport({ count: 8, month })) {
  const dir = mkdtempSync(join(tmpdir(), 'pantau-report-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const ledger = new JsonFileLedger(join(dir, 'ledger.json'));
  const alerts: { op: 'raise' | 'resolve'; kind: string; summary?: string }[] = [];
  const built: string[] = [];
  const config: ReportConfig = {
    schedule,
    language: 'id',
    to: ['tim.koordinasi@tangerangkab.go.id'],
    smtp: { host: '127.0.0.1', port, secure: false, from: 'NOC Diskominfo <noc@tangerangkab.go.id>' },
  };
  const make = (over: Partial<ConstructorParameters<typeof ReportScheduler>[0]> = {}) => {
    const s = new ReportScheduler({
      config,
      timezone: WIB,
      ledger,
      now: () => AFTER_FIRING,
      buildReport: async (month): Promise<UsageReport> => {
        built.push(month);
        return build(month);
      },
      raiseAlert: (kind, summary) => alerts.push({ op: 'raise', kind, summary }),
      resolveAlert: (kind) => alerts.push({ op: 'resolve', kind }),
      retryBaseMs: 40,
      retryMaxMs: 200,
      alertAfterFailures: 3,
      smtpTimeoutMs: 2000,
      ...over,
    });
    cleanups.push(() => s.stop());
    return s;
  };
  return { ledger, alerts, built, make, config };
}

describe('monthly report scheduler', () => {
  it('sends the missed month exactly once when SMTP comes back, across a restart', async () => {
    const port = await freePort();
    const { ledger, alerts, make, config } = setup(port);

    // First collector run: SMTP is down at 08:00; the catch-up keeps failing and alerts once.
    const first = make();
    first.start();
    await waitFor(() => ledger.attempts().length >= 4, 10_000, 'four failed attempts');
    expect(ledger.attempts().every((a) => a.month === '2026-10' && /ECONNREFUSED/.test(a.error))).toBe(true);
    expect(first.decisions().slice(0, 4).map(brief)).toEqual(Array(4).fill({ month: '2026-10', trigger: 'catch-up', outcome: 'failed' }));
    expect(alerts.filter((a) => a.op === 'raise')).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: 'report_failed' });
    expect(alerts[0].summary).toContain('2026-10');
    expect(first.status().pending).toEqual(['2026-10']);
    await first.stop();
    // stop() really stops retrying: no cron task, no attempt in flight, no retry timer left.
    expect(first.status()).toMatchObject({ running: false, busy: false, retryScheduled: false });
    const attemptsAfterStop = ledger.attempts().length;

    // Restart while SMTP is still down: the new instance picks the month up from the ledger.
    const second = make();
    second.start();
    await waitFor(() => ledger.attempts().length >= attemptsAfterStop + 2, 10_000, 'retries after restart');
    expect(ledger.sentAt('2026-10')).toBeUndefined();

    // The SMTP server comes back on the same port: one mail, recorded once.
    const smtp: SmtpPeer = await startSmtp(port);
    cleanups.push(() => smtp.close());
    await waitFor(() => second.decisions().some((d) => d.outcome === 'sent'), 60_000, 'the report to be sent');
    expect(smtp.messages).toHaveLength(1);
    expect(smtp.messages[0].subject).toBe('Evaluasi Penggunaan Bandwidth — Oktober 2026');
    expect(smtp.messages[0].attachments.filter((a) => !a.cid).map((a) => a.filename).sort()).toEqual([
      'pantau-bandwidth-2026-10.csv',
      'pantau-bandwidth-2026-10.pdf',
    ]);
    expect(ledger.sends('2026-10')).toHaveLength(1);
    expect(ledger.sends('2026-10')[0].messageId).toBe(smtp.messages[0].messageId);
    expect(second.decisions().at(-1)).toMatchObject({ month: '2026-10', trigger: 'catch-up', outcome: 'sent', detail: smtp.messages[0].messageId });
    expect(alerts[alerts.length - 1]).toEqual({ op: 'resolve', kind: 'report_failed' });
    expect(second.status()).toMatchObject({ pending: [], consecutiveFailures: 0 });
    await second.stop();

    // A third start, with the cron firing every second: the catch-up and two cron firings all
    // find the month in the ledger. A ledger that forgot the send would decide "sent" here.
    const third = make({ config: { ...config, schedule: '* * * * * *' } });
    third.start();
    await waitFor(() => third.decisions().filter((d) => d.trigger === 'schedule').length >= 2, 10_000, 'two cron firings');
    expect(third.decisions().slice(0, 3).map(brief)).toEqual([
      { month: '2026-10', trigger: 'catch-up', outcome: 'already_sent' },
      { month: '2026-10', trigger: 'schedule', outcome: 'already_sent' },
      { month: '2026-10', trigger: 'schedule', outcome: 'already_sent' },
    ]);
    expect(smtp.messages).toHaveLength(1);
    expect(ledger.sends('2026-10')).toHaveLength(1);
  }, 90_000);

  it('does not catch up a month that is already in the ledger, and resends by hand on request', async () => {
    const smtp = await startSmtp();
    cleanups.push(() => smtp.close());
    const { ledger, make } = setup(smtp.port);
    ledger.markSent('2026-10', AFTER_FIRING - 1000, '<earlier@pantau>');
    const s = make({ pdf: false, charts: false });
    s.start();
    expect(s.decisions().map(brief)).toEqual([{ month: '2026-10', trigger: 'catch-up', outcome: 'already_sent' }]);
    expect(s.status()).toMatchObject({ pending: [], busy: false });

    const sent = await s.sendNow('2026-10');
    expect(sent.messageId).toBeTruthy();
    expect(smtp.messages).toHaveLength(1);
    expect(ledger.sends('2026-10').map((x) => x.messageId)).toEqual(['<earlier@pantau>', sent.messageId]);
    expect(s.decisions().at(-1)).toMatchObject({ month: '2026-10', trigger: 'manual', outcome: 'sent' });
    await expect(s.sendNow('2026-13')).rejects.toThrow(/YYYY-MM/);
  });

  it('reports the month before the firing when the schedule fires', async () => {
    const smtp = await startSmtp();
    cleanups.push(() => smtp.close());
    // Clock: 00:00:05 WIB on 1 January 2027; schedule every second; no catch-up, so only cron sends.
    const { ledger, make, built } = setup(smtp.port, '* * * * * *');
    const s = make({ now: () => Date.parse('2026-12-31T17:00:05Z'), catchUp: false, pdf: false, charts: false });
    s.start();
    await waitFor(() => s.decisions().some((d) => d.outcome === 'sent'), 30_000, 'the December report');
    expect(ledger.sentAt('2026-12')).toBeDefined();
    expect(built[0]).toBe('2026-12');
    expect(smtp.messages[0].subject).toBe('Evaluasi Penggunaan Bandwidth — Desember 2026');
  });

  it('never sends nor catches up a month in which no OPD was observed, and records why', async () => {
    const smtp = await startSmtp();
    cleanups.push(() => smtp.close());
    const { ledger, make, alerts } = setup(smtp.port, '* * * * * *', (month) => makeEmptyReport({ count: 8, month }));
    const s = make();
    s.start();
    // The catch-up and then two cron firings each evaluate the month and skip it.
    await waitFor(() => s.decisions().filter((d) => d.outcome === 'skipped_no_data').length >= 3, 10_000, 'three decisions to skip');
    expect(s.decisions().slice(0, 3).map(brief)).toEqual([
      { month: '2026-10', trigger: 'catch-up', outcome: 'skipped_no_data' },
      { month: '2026-10', trigger: 'schedule', outcome: 'skipped_no_data' },
      { month: '2026-10', trigger: 'schedule', outcome: 'skipped_no_data' },
    ]);
    expect(s.decisions()[0].detail).toBe('no OPD observed in 2026-10 (zero coverage)');
    expect(smtp.messages).toEqual([]);
    expect(ledger.sentAt('2026-10')).toBeUndefined();
    expect(ledger.attempts()).toEqual([]);
    expect(ledger.skips().slice(0, 3).map((k) => k.reason)).toEqual(Array(3).fill('no OPD observed in 2026-10 (zero coverage)'));
    expect(alerts).toEqual([]);
    // Nothing waits to retry a month without data.
    expect(s.status()).toMatchObject({ pending: [], consecutiveFailures: 0, retryScheduled: false });
    // By hand too: refused with the reason, nothing sent.
    await expect(s.sendNow('2026-10')).rejects.toThrow(NoDataError);
    await expect(s.sendNow('2026-10')).rejects.toThrow('no OPD was observed in 2026-10 (zero coverage): the report is not sent');
    expect(smtp.messages).toEqual([]);
  });

  it('sends a month that has up-time or backup data but no bandwidth data; its bandwidth part says no_data', async () => {
    const smtp = await startSmtp();
    cleanups.push(() => smtp.close());
    const from = Date.parse('2026-09-30T17:00:00Z');
    const to = Date.parse('2026-10-31T17:00:00Z');
    const upOnly = (month: string): UsageReport => {
      const uptime: UptimeReport = {
        month, timezone: WIB, from, to, current: false, state: 'complete', generatedAt: AFTER_FIRING,
        devices: [{ device: 'srv-app', opd: 'setda', kind: 'server', state: 'up', availabilityPct: 100, observed: 0.5, upS: 1339200, downS: 0, maintenanceS: 0, unknownS: 1339200, periodS: 2678400, outages: [], maintenance: [], mttrS: null, mtbfS: null }],
      };
      return { ...makeEmptyReport({ count: 8, month }), uptime };
    };
    const { ledger, make } = setup(smtp.port, '0 8 1 * *', upOnly);
    const s = make({ pdf: false, charts: false });
    s.start();
    await waitFor(() => s.decisions().length >= 1 && !s.status().busy, 30_000, 'a decision on the up-time-only month');
    expect(s.decisions().map(brief)).toEqual([{ month: '2026-10', trigger: 'catch-up', outcome: 'sent' }]);
    expect(ledger.sentAt('2026-10')).toBeDefined();
    expect(ledger.skips()).toEqual([]);
    expect(smtp.messages).toHaveLength(1);
    const body = String(smtp.messages[0].html);
    expect(body).toContain('Tidak ada data bandwidth untuk periode ini');
    expect(body).not.toContain('Tidak ada data pemantauan untuk periode ini');
    const csv = smtp.messages[0].attachments.find((a) => a.filename === 'pantau-bandwidth-2026-10.csv')!.content.toString();
    expect(csv).toContain('no_data'); // the bandwidth rows
    expect(csv).toContain('srv-app'); // the up-time block

    // Backups only (an OPD's backups judged in the month): sent as well, by hand.
    const { make: make2, ledger: ledger2 } = setup(smtp.port, '0 8 1 * *', (month) => ({ ...makeEmptyReport({ count: 8, month }), backups: { month, state: 'complete', opds: [] } }) as UsageReport);
    const m = make2({ pdf: false, charts: false, catchUp: false });
    const sent = await m.sendNow('2026-10');
    expect(sent.messageId).toBeTruthy();
    expect(ledger2.sends('2026-10')).toHaveLength(1);
    // Every section without data (up-time attached but no_data): still skipped.
    const { make: make3 } = setup(smtp.port, '0 8 1 * *', (month) => ({ ...upOnly(month), uptime: { ...upOnly(month).uptime!, state: 'no_data' } }));
    await expect(make3({ pdf: false, charts: false, catchUp: false }).sendNow('2026-10')).rejects.toThrow(NoDataError);
    expect(smtp.messages).toHaveLength(2);
  });

  it('stays off without recipients: no task, no decision, no attempt', () => {
    const { make, config, ledger } = setup(1);
    const s = make({ config: { ...config, to: [] } });
    expect(s.enabled).toBe(false);
    s.start();
    expect(s.status()).toMatchObject({ running: false, busy: false, retryScheduled: false, pending: [] });
    expect(s.decisions()).toEqual([]);
    expect(ledger.attempts()).toEqual([]);
  });
});
