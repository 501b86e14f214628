// A real SMTP server (smtp-server on 127.0.0.1) receives the report mail; mailparser reads it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendReport } from '../../collector/report/mailer.js';
import { makeDaily, makeUsageReport } from './fixture.js';
import { parseCsv, startSmtp, type SmtpPeer } from './peers.js';

let smtp: SmtpPeer;
beforeAll(async () => {
  smtp = await startSmtp();
});
afterAll(async () => {
  await smtp?.close();
});

describe('report mail over SMTP', () => {
  it('sends the Indonesian report with HTML body, CSV and PDF attached, figures intact', async () => {
    const report = makeUsageReport({ count: 25 });
    const sent = await sendReport(report, {
      smtp: { host: '127.0.0.1', port: smtp.port, secure: false, from: 'noc@tangerangkab.go.id' },
      to: ['tim.koordinasi@tangerangkab.go.id', 'sekda@tangerangkab.go.id'],
      language: 'id',
      daily: makeDaily(report),
      deployment: 'Diskominfo Kabupaten Tangerang',
    });
    expect(sent.pdf).toBe(true);
    expect(sent.accepted).toEqual(['tim.koordinasi@tangerangkab.go.id', 'sekda@tangerangkab.go.id']);
    expect(smtp.messages).toHaveLength(1);
    const mail = smtp.messages[0];
    expect(smtp.envelopes[0].to).toEqual(['tim.koordinasi@tangerangkab.go.id', 'sekda@tangerangkab.go.id']);
    expect(mail.subject).toBe('Evaluasi Penggunaan Bandwidth 2026-10');
    expect(mail.from?.value[0].address).toBe('noc@tangerangkab.go.id');
    expect(mail.html).toContain('Ringkasan untuk Tim Koordinasi');
    expect(mail.html).toContain('Dinas &lt;Koperasi&gt;');
    expect(mail.text).toContain('Oktober 2026');

    const names = mail.attachments.map((a) => a.filename).sort();
    expect(names).toEqual(['pantau-bandwidth-2026-10.csv', 'pantau-bandwidth-2026-10.pdf']);
    const pdf = mail.attachments.find((a) => a.filename!.endsWith('.pdf'))!;
    expect(pdf.contentType).toBe('application/pdf');
    expect(pdf.content.subarray(0, 4).toString('latin1')).toBe('%PDF');

    const csv = mail.attachments.find((a) => a.filename!.endsWith('.csv'))!;
    const [head, ...rows] = parseCsv(csv.content.toString('utf8'));
    const col = (n: string) => head.indexOf(n);
    expect(rows).toHaveLength(report.opds.length);
    rows.forEach((r, i) => {
      const o = report.opds[i];
      expect(r[col('opd')]).toBe(o.opd);
      expect(r[col('name')]).toBe(o.name);
      expect(r[col('total_bytes')]).toBe(o.totalBytes);
      expect(r[col('out_bytes')]).toBe(o.outBytes);
      expect(r[col('counted_bytes')]).toBe(o.countedBytes);
      expect(r[col('quota_rate_bps')]).toBe(o.quota.rateBps === undefined ? '' : String(o.quota.rateBps));
      expect(r[col('used_pct_volume')]).toBe(o.usedPct.volume === undefined ? '' : String(o.usedPct.volume));
      expect(r[col('p95_max_bps')]).toBe(String(o.p95Bps.maxBps));
      expect(r[col('peak_max_bps')]).toBe(String(o.peakBps.maxBps));
      expect(r[col('status')]).toBe(o.status);
      expect(r[col('recommendation')]).toBe(o.recommendation.action);
    });
    const total = rows.reduce((a, r) => a + BigInt(r[col('total_bytes')]), 0n);
    expect(total).toBe(report.opds.reduce((a, o) => a + BigInt(o.totalBytes), 0n));
  });

  it('uses English for the subject and body on request', async () => {
    const before = smtp.messages.length;
    const report = makeUsageReport({ count: 6, language: 'en' });
    await sendReport(report, {
      smtp: { host: '127.0.0.1', port: smtp.port, secure: false, from: 'noc@example.go.id' },
      to: ['team@example.go.id'],
      language: 'en',
      pdf: false,
    });
    const mail = smtp.messages[before];
    expect(mail.subject).toBe('Bandwidth Usage Evaluation 2026-10');
    expect(mail.html).toContain('Summary for the Coordination Team');
    expect(mail.attachments.map((a) => a.filename)).toEqual(['pantau-bandwidth-2026-10.csv']);
  });

  it('rejects when there is no recipient', async () => {
    await expect(
      sendReport(makeUsageReport({ count: 5 }), {
        smtp: { host: '127.0.0.1', port: smtp.port, secure: false, from: 'noc@example.go.id' },
        to: [],
        language: 'id',
      }),
    ).rejects.toThrow(/report\.to/);
  });
});
