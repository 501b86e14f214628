// The scheduled monthly report through the real collector: SQLite ledger, catch-up after a
// restart, a real SMTP server that is down at the scheduled time and comes back; and an empty
// store started after the scheduled hour, which sends nothing. Each step waits for the
// scheduler's recorded decision, never for time to pass.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCollectorConfig } from '../../config/collector.js';
import { startCollector, type Collector } from '../../collector/main.js';
import { silentLogger } from '../../log/logger.js';
import type { UsageReport } from '../../protocol/usage.js';
import { AGENT_TOKEN, VIEWER_TOKEN } from '../helpers/collector.js';
import type { ReportDecision } from '../../collector/report/schedule.js';
import { flat, freePort, parseCsv, pdfPages, startSmtp, type SmtpPeer } from './peers.js';

const dir = mkdtempSync(join(tmpdir(), 'pantau-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// 08:00:30 WIB on 1 December 2026: the schedule "0 8 1 * *" has just fired for November.
const FIRED = Date.UTC(2026, 11, 1, 1, 0, 30);

const brief = (d: ReportDecision) => ({ month: d.month, trigger: d.trigger, outcome: d.outcome });

const yaml = (smtpPort: number, db = 'pantau.db', mail = true) => `
timezone: Asia/Jakarta
listen: 127.0.0.1:0
store: { sqlite: ${JSON.stringify(join(dir, db))} }
auth: { users: [ { name: wall, role: viewer, token: ${VIEWER_TOKEN} } ] }
agents: [ { id: a1, token: ${AGENT_TOKEN}, poll: [r1, r2] } ]
opds:
  - { id: dinkes, name: Dinas Kesehatan, quota: { volumeGB: 50, rateMbps: 20 }, uplinks: [ { device: r1, interface: ether1 } ] }
  - { id: bappeda, name: Bappeda, quota: { rateMbps: 100 }, uplinks: [ { device: r2, interface: ether1 } ] }
devices:
  - { id: r1, opd: dinkes, kind: router, address: 127.0.0.1, snmp: { version: 2c, community: public } }
  - { id: r2, opd: bappeda, kind: router, address: 127.0.0.1, snmp: { version: 2c, community: public } }
report:
  schedule: "0 8 1 * *"
  language: id
  to: ${mail ? '[ tim.koordinasi@example.go.id ]' : '[]'}
  smtp: { host: 127.0.0.1, port: ${smtpPort}, secure: false, from: "NOC Diskominfo <noc@example.go.id>" }
  issuer: { name: Dinas Komunikasi dan Informatika, city: Tigaraksa, signatory: { name: Budi Santoso, title: Kepala Dinas } }
`;

async function start(smtpPort: number, db?: string, mail = true): Promise<Collector> {
  return startCollector(parseCollectorConfig('report.yaml', yaml(smtpPort, db, mail)), { logger: process.env.PANTAU_TEST_LOG ? (await import('../../log/logger.js')).createLogger() : silentLogger(), now: () => FIRED, reportRetryBaseMs: 150 });
}

async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function ingestNovember(c: Collector): Promise<void> {
  // Six days of 5-minute samples in November for both routers.
  let n = 0;
  for (const [device, bps] of [['r1', 17e6], ['r2', 40e6]] as const) {
    const samples = [];
    let v = 10n ** 12n;
    for (let t = Date.UTC(2026, 10, 3); t <= Date.UTC(2026, 10, 9); t += 300_000) {
      samples.push({ type: 'iface', device, interface: 'ether1', ts: t, inOctets: v.toString(), outOctets: (v / 4n).toString(), bits: 64, speedBps: 1e9 });
      v += BigInt(Math.round(bps / 8 * 300 * (1 + 0.3 * Math.sin(t / 3.6e6))));
    }
    const r = await fetch(c.url + '/api/v1/ingest', {
      method: 'POST',
      headers: { authorization: `Bearer ${AGENT_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ agent: 'a1', batch: `nov-${device}-${n++}`, samples }),
    });
    expect(r.status).toBe(200);
  }
}

describe('scheduled monthly report e-mail', () => {
  let smtp: SmtpPeer | undefined;
  afterAll(async () => smtp?.close());

  it('is sent exactly once when the SMTP server returns after being down at 08:00, across a collector restart', async () => {
    const port = await freePort();
    // 0. November's samples reach the store (the report e-mail is off meanwhile).
    let c = await start(port, undefined, false);
    await ingestNovember(c);
    await c.stop();
    // 1. The SMTP server is down when the collector starts after the scheduled time.
    c = await start(port);
    const attempts = () => Number(c.store.db.prepare("SELECT count(*) FROM report_attempt WHERE month = '2026-11'").pluck().get());
    await until(() => attempts() >= 2, 15_000, 'failed attempts while SMTP is down');
    expect(c.store.db.prepare('SELECT count(*) FROM report_sent').pluck().get()).toBe(0);
    await c.stop();

    // 2. The SMTP server comes back; the restarted collector catches up and sends once.
    smtp = await startSmtp(port);
    c = await start(port);
    await until(() => c.reports.decisions().some((d) => d.outcome === 'sent'), 60_000, 'the report e-mail');
    expect(c.store.db.prepare("SELECT count(*) FROM report_sent WHERE month = '2026-11'").pluck().get()).toBe(1);
    expect(smtp.messages).toHaveLength(1);
    const mail = smtp.messages[0];
    expect(mail.subject).toBe('Evaluasi Penggunaan Bandwidth — November 2026');
    expect(mail.from?.value[0]).toEqual({ name: 'NOC Diskominfo', address: 'noc@example.go.id' });
    const names = mail.attachments.filter((a) => !a.cid).map((a) => a.filename).sort();
    expect(names).toEqual(['pantau-bandwidth-2026-11.csv', 'pantau-bandwidth-2026-11.pdf']);
    expect(mail.attachments.filter((a) => a.cid).map((a) => a.cid)).toContain('usage-1@pantau');
    const pdf = flat(pdfPages(mail.attachments.find((a) => a.filename!.endsWith('.pdf'))!.content).join(' '));
    expect(pdf).toContain('DINAS KOMUNIKASI DAN INFORMATIKA');
    expect(pdf).toContain('Perihal : Evaluasi Penggunaan Bandwidth — November 2026');
    expect(pdf).toContain('Tigaraksa, 1 Desember 2026 Kepala Dinas');
    expect(pdf).toMatch(/Dinas Kesehatan .*Bappeda/);

    // 3. The CSV's figures are the evaluation's, to the byte.
    const csv = parseCsv(mail.attachments.find((a) => a.filename!.endsWith('.csv'))!.content.toString('utf8'));
    // The first block is the bandwidth evaluation; the server-availability block follows an empty line.
    const end = csv.findIndex((r) => r.length <= 1 && (r[0] ?? '') === '');
    const [header, ...rows] = end < 0 ? csv : csv.slice(0, end);
    const col = (row: string[], name: string) => row[header.indexOf(name)];
    const usage = (await (await fetch(c.url + '/api/v1/usage?month=2026-11', { headers: { authorization: `Bearer ${VIEWER_TOKEN}` } })).json()) as UsageReport;
    expect(rows).toHaveLength(2);
    for (const o of usage.opds) {
      const row = rows.find((r) => col(r, 'opd') === o.opd)!;
      expect(col(row, 'in_bytes')).toBe(o.inBytes);
      expect(col(row, 'out_bytes')).toBe(o.outBytes);
      expect(col(row, 'total_bytes')).toBe(o.totalBytes);
      expect(Number(col(row, 'p95_max_bps'))).toBeCloseTo(o.p95Bps.maxBps, 3);
      expect(BigInt(o.totalBytes)).toBeGreaterThan(10n ** 11n);
    }
    expect(mail.html).toContain('Dinas Kesehatan');
    await c.stop();

    // 4. Another restart sends nothing more: its catch-up finds November in the SQLite ledger
    // (decided within start; a ledger that forgot the send would have queued it instead).
    c = await start(port);
    expect(c.reports.decisions().map(brief)).toEqual([{ month: '2026-11', trigger: 'catch-up', outcome: 'already_sent' }]);
    expect(c.reports.status()).toMatchObject({ pending: [], busy: false });
    expect(smtp.messages).toHaveLength(1);
    await c.stop();
  }, 120_000);

  it('is neither sent nor caught up from an empty store started on the 1st after the scheduled hour', async () => {
    smtp ??= await startSmtp();
    const c = await start(smtp.port, 'empty.db');
    try {
      const before = smtp.messages.length;
      await until(() => c.reports.decisions().length > 0, 30_000, 'the catch-up decision');
      expect(c.reports.decisions().map(brief)).toEqual([{ month: '2026-11', trigger: 'catch-up', outcome: 'skipped_no_data' }]);
      expect(c.store.db.prepare("SELECT month, reason FROM report_skip").all()).toEqual([{ month: '2026-11', reason: 'no OPD observed in 2026-11 (zero coverage)' }]);
      expect(c.store.db.prepare('SELECT count(*) FROM report_sent').pluck().get()).toBe(0);
      expect(c.store.db.prepare('SELECT count(*) FROM report_attempt').pluck().get()).toBe(0);
      expect(c.reports.status()).toMatchObject({ pending: [], busy: false, retryScheduled: false });
      expect(smtp.messages).toHaveLength(before);
    } finally {
      await c.stop();
    }
  }, 60_000);
});
