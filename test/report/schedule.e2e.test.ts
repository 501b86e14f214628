// ReportScheduler against a real SMTP server that is down at the scheduled time and comes
// back later, across a scheduler restart; the ledger is a JSON file shared by the instances.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ReportScheduler, type ReportConfig } from '../../collector/report/schedule.js';
import type { UsageReport } from '../../protocol/usage.js';
import { makeUsageReport } from './fixture.js';
import { freePort, JsonFileLedger, startSmtp, waitFor, type SmtpPeer } from './peers.js';

const WIB = 'Asia/Jakarta';
// 08:00:30 WIB on 1 November 2026: thirty seconds after the default schedule fired.
const AFTER_FIRING = Date.parse('2026-11-01T01:00:30Z');

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function setup(port: number, schedule = '0 8 1 * *') {
  const dir = mkdtempSync(join(tmpdir(), 'pantau-report-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const ledger = new JsonFileLedger(join(dir, 'ledger.json'));
  const alerts: { op: 'raise' | 'resolve'; kind: string; summary?: string }[] = [];
  const built: string[] = [];
  const config: ReportConfig = {
    schedule,
    language: 'id',
    to: ['tim.koordinasi@tangerangkab.go.id'],
    smtp: { host: '127.0.0.1', port, secure: false, from: 'noc@tangerangkab.go.id' },
  };
  const make = (over: Partial<ConstructorParameters<typeof ReportScheduler>[0]> = {}) => {
    const s = new ReportScheduler({
      config,
      timezone: WIB,
      ledger,
      now: () => AFTER_FIRING,
      buildReport: async (month): Promise<UsageReport> => {
        built.push(month);
        return makeUsageReport({ count: 8, month });
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
    const { ledger, alerts, make, built, config } = setup(port);

    // First collector run: SMTP is down at 08:00; the catch-up keeps failing and alerts once.
    const first = make();
    first.start();
    await waitFor(() => ledger.attempts().length >= 4, 10_000, 'four failed attempts');
    expect(ledger.attempts().every((a) => a.month === '2026-10' && /ECONNREFUSED/.test(a.error))).toBe(true);
    expect(alerts.filter((a) => a.op === 'raise')).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: 'report_failed' });
    expect(alerts[0].summary).toContain('2026-10');
    expect(built).toEqual([]); // nothing rendered while the server is unreachable
    expect(first.status().pending).toEqual(['2026-10']);
    await first.stop();
    const attemptsAfterStop = ledger.attempts().length;
    await new Promise((r) => setTimeout(r, 300));
    expect(ledger.attempts().length).toBe(attemptsAfterStop); // stop() really stops retrying

    // Restart while SMTP is still down: the new instance picks the month up from the ledger.
    const second = make();
    second.start();
    await waitFor(() => ledger.attempts().length >= attemptsAfterStop + 2, 10_000, 'retries after restart');
    expect(ledger.sentAt('2026-10')).toBeUndefined();

    // The SMTP server comes back on the same port: one mail, recorded once.
    const smtp: SmtpPeer = await startSmtp(port);
    cleanups.push(() => smtp.close());
    await waitFor(() => ledger.sentAt('2026-10') !== undefined, 20_000, 'the report to be sent');
    expect(smtp.messages).toHaveLength(1);
    expect(smtp.messages[0].subject).toBe('Evaluasi Penggunaan Bandwidth 2026-10');
    expect(smtp.messages[0].attachments.map((a) => a.filename).sort()).toEqual([
      'pantau-bandwidth-2026-10.csv',
      'pantau-bandwidth-2026-10.pdf',
    ]);
    expect(ledger.sends('2026-10')).toHaveLength(1);
    expect(ledger.sends('2026-10')[0].messageId).toBe(smtp.messages[0].messageId);
    expect(alerts[alerts.length - 1]).toEqual({ op: 'resolve', kind: 'report_failed' });
    expect(second.status()).toMatchObject({ pending: [], consecutiveFailures: 0 });
    await second.stop();

    // A third start, with the cron firing every second: the ledger keeps it at one mail.
    const third = make({ config: { ...config, schedule: '* * * * * *' } });
    third.start();
    await new Promise((r) => setTimeout(r, 2500));
    expect(smtp.messages).toHaveLength(1);
    expect(ledger.sends('2026-10')).toHaveLength(1);
  });

  it('does not catch up a month that is already in the ledger, and resends by hand on request', async () => {
    const smtp = await startSmtp();
    cleanups.push(() => smtp.close());
    const { ledger, make } = setup(smtp.port);
    ledger.markSent('2026-10', AFTER_FIRING - 1000, '<earlier@pantau>');
    const s = make({ pdf: false });
    s.start();
    await new Promise((r) => setTimeout(r, 400));
    expect(smtp.messages).toHaveLength(0);

    const sent = await s.sendNow('2026-10');
    expect(sent.messageId).toBeTruthy();
    expect(smtp.messages).toHaveLength(1);
    expect(ledger.sends('2026-10').map((x) => x.messageId)).toEqual(['<earlier@pantau>', sent.messageId]);
    await expect(s.sendNow('2026-13')).rejects.toThrow(/YYYY-MM/);
  });

  it('reports the month before the firing when the schedule fires', async () => {
    const smtp = await startSmtp();
    cleanups.push(() => smtp.close());
    // Clock: 00:00:05 WIB on 1 January 2027; schedule every second; no catch-up, so only cron sends.
    const { ledger, make, built } = setup(smtp.port, '* * * * * *');
    const s = make({ now: () => Date.parse('2026-12-31T17:00:05Z'), catchUp: false, pdf: false });
    s.start();
    await waitFor(() => ledger.sentAt('2026-12') !== undefined, 10_000, 'the December report');
    expect(built[0]).toBe('2026-12');
    expect(smtp.messages[0].subject).toBe('Evaluasi Penggunaan Bandwidth 2026-12');
  });

  it('stays off without recipients', async () => {
    const { make, config, ledger } = setup(1);
    const s = make({ config: { ...config, to: [] } });
    expect(s.enabled).toBe(false);
    s.start();
    await new Promise((r) => setTimeout(r, 100));
    expect(ledger.attempts()).toEqual([]);
  });
});
