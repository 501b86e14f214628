// The collector's own monthly report (ReportScheduler, as wired in collector/main.ts) carries
// the up-time section: the mail a real SMTP server receives has it in the attached CSV and PDF,
// with the figures GET /uptime gives.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParsedMail } from 'mailparser';
import { AGENT_TOKEN, startTestCollector, testConfigYaml, type TestCollector } from '../helpers/collector.js';
import { flat, pdfPages, startSmtp, type SmtpPeer } from '../report/peers.js';
import type { UptimeReport } from '../../protocol/uptime.js';

const NOV = Date.UTC(2026, 9, 31, 17, 0, 0); // 1 Nov 2026 00:00 WIB
let smtp: SmtpPeer;
let c: TestCollector;
let mail: ParsedMail;
let api: UptimeReport;

beforeAll(async () => {
  smtp = await startSmtp();
  const report = `report:
  to: [ tim.koordinasi@example.go.id ]
  smtp: { host: 127.0.0.1, port: ${smtp.port}, secure: false, from: noc@example.go.id }
uptime: { targetPct: 99 }`;
  c = await startTestCollector((sqlite) => testConfigYaml(sqlite, report), { now: () => Date.UTC(2026, 11, 1, 2, 0, 0) });
  // r1 for a day from 5 Nov 00:00 WIB, every minute; it does not answer from 06:00 to 06:10.
  const samples = [];
  let v = 10n ** 12n;
  for (let k = 0; k < 1440; k++) {
    const ts = NOV + 4 * 86_400_000 + k * 60_000;
    const down = k >= 360 && k < 370;
    samples.push({ type: 'poll', device: 'r1', ts, ok: !down, ...(down ? { error: 'snmp: no answer from 127.0.0.1:16161 within 3000 ms × 2 tries' } : {}) });
    if (!down) samples.push({ type: 'iface', device: 'r1', interface: 'ether1', ts, inOctets: (v += 10n ** 8n).toString(), outOctets: (v / 4n).toString(), bits: 64, speedBps: 1e9 });
  }
  expect((await c.post('/api/v1/ingest', { agent: 'a1', batch: 'nov', samples }, AGENT_TOKEN)).status).toBe(200);
  api = (await (await c.get('/api/v1/uptime?month=2026-11')).json()) as UptimeReport;
  await c.reports.sendNow('2026-11');
  expect(smtp.messages).toHaveLength(1);
  mail = smtp.messages[0];
}, 180_000);
afterAll(async () => {
  await c?.cleanup();
  await smtp?.close();
});

describe('the mailed monthly report', () => {
  it('has the up-time block in its CSV, equal to /uptime', () => {
    const r1 = api.devices.find((d) => d.device === 'r1')!;
    expect(r1).toMatchObject({ downS: 600, upS: (1440 - 10) * 60 + 60, outages: [{ start: NOV + 4 * 86_400_000 + 360 * 60_000, durationS: 600, endedBy: 'up' }] });
    const csv = mail.attachments.find((a) => a.filename?.endsWith('.csv'))!.content.toString('utf8');
    const block = csv.split('\r\n\r\n')[1].trim().split('\r\n').map((l) => l.split(','));
    const row = Object.fromEntries(block[0].map((h, i) => [h, block.find((r) => r[0] === 'r1')![i]]));
    expect(row).toMatchObject({ device: 'r1', availability_pct: String(r1.availabilityPct), down_s: '600', up_s: String(r1.upS), outages: '1', target_pct: '99', target_result: 'met' });
  });

  it('has the section "Ketersediaan server" in its PDF', () => {
    const pdf = mail.attachments.find((a) => a.filename?.endsWith('.pdf'));
    expect(pdf).toBeDefined();
    const text = flat(pdfPages(pdf!.content).join(' '));
    expect(text).toContain('Ketersediaan server');
    expect(text).toContain('5 Nov pukul 06.00 WIB – 5 Nov pukul 06.10 WIB: 10 mnt');
  });
});
