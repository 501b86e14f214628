// A real SMTP server (smtp-server on 127.0.0.1) receives the report mail; mailparser reads it,
// pdftotext reads its PDF, and Chromium lays its body out at a phone's 375 px.
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import type { ParsedMail } from 'mailparser';
import { CHROMIUM_ARGS, chromiumPath } from '../../collector/report/browser.js';
import { sendReport, type MailOptions } from '../../collector/report/mailer.js';
import { collectorSchema } from '../../config/collector.js';
import { makeDaily, makeUsageReport } from './fixture.js';
import { flat, parseCsv, pdfPages, startSmtp, type SmtpPeer } from './peers.js';

const METHOD = { ...collectorSchema.parse({}).evaluation, minCoveragePct: 50 };
const ISSUER = { government: 'Pemerintah Kabupaten Tangerang', name: 'Dinas Komunikasi dan Informatika', city: 'Tigaraksa', signatory: { name: 'Drs. Budi Santoso, M.Si.', title: 'Kepala Dinas', nip: '19700101 199503 1 001' } };

// 1×1 PNG as the office's logo.
const LOGO = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

let smtp: SmtpPeer;
let browser: Browser;
beforeAll(async () => {
  smtp = await startSmtp();
  browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
  mkdirSync('test-artifacts', { recursive: true });
});
afterAll(async () => {
  await smtp?.close();
  await browser?.close();
});

function options(over: Partial<MailOptions> = {}): MailOptions {
  return {
    smtp: { host: '127.0.0.1', port: smtp.port, secure: false, from: 'NOC Diskominfo <noc@tangerangkab.go.id>' },
    to: ['tim.koordinasi@tangerangkab.go.id', 'sekda@tangerangkab.go.id'],
    language: 'id',
    method: METHOD,
    issuer: ISSUER,
    ...over,
  };
}

async function send(report: ReturnType<typeof makeUsageReport>, over: Partial<MailOptions> = {}): Promise<ParsedMail> {
  const before = smtp.messages.length;
  await sendReport(report, options(over));
  expect(smtp.messages).toHaveLength(before + 1);
  return smtp.messages[before];
}

const cids = (html: string) => [...html.matchAll(/src="cid:([^"]+)"/g)].map((m) => m[1]);
const visibleText = (html: string) => flat(html.replace(/<[^>]+>/g, ' ').replace(/&nbsp;|\u00a0/g, ' ').replace(/&amp;/g, '&'));

describe('report mail over SMTP', () => {
  const report = makeUsageReport({ count: 25, noData: ['dprd'] });
  let mail: ParsedMail;
  beforeAll(async () => {
    mail = await send(report, { daily: makeDaily(report), logo: { mime: 'image/png', data: LOGO } });
  }, 120_000);

  it('has the subject with the month name and a sender with its display name', () => {
    expect(mail.subject).toBe('Evaluasi Penggunaan Bandwidth — Oktober 2026');
    expect(mail.from?.value[0]).toEqual({ name: 'NOC Diskominfo', address: 'noc@tangerangkab.go.id' });
    expect(smtp.envelopes.at(-1)).toEqual({ from: 'noc@tangerangkab.go.id', to: ['tim.koordinasi@tangerangkab.go.id', 'sekda@tangerangkab.go.id'] });
  });

  it('shows its logo and charts as PNG attachments referenced by Content-ID, never as inline SVG', () => {
    const html = mail.html as string;
    expect(html).not.toMatch(/<svg|data:image/i);
    const referenced = cids(html);
    expect(referenced).toEqual(['logo@pantau', 'usage-1@pantau', 'usage-2@pantau', 'daily-1@pantau', 'daily-2@pantau', 'daily-3@pantau']);
    expect(mail.attachments.find((a) => a.cid === 'logo@pantau')!.content).toEqual(LOGO);
    const images = mail.attachments.filter((a) => a.contentType === 'image/png');
    expect(images.map((a) => a.cid).sort()).toEqual([...referenced].sort());
    for (const a of images) {
      expect(a.contentDisposition).toBe('inline');
      expect(a.content.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
      if (a.cid !== 'logo@pantau') expect(a.content.readUInt32BE(16)).toBeGreaterThan(1000); // width at twice the CSS size
    }
  });

  it('attaches the PDF and the CSV, says so, and the PDF and CSV hold the report\'s text and figures', () => {
    expect(mail.attachments.filter((a) => !a.cid).map((a) => a.filename).sort()).toEqual(['pantau-bandwidth-2026-10.csv', 'pantau-bandwidth-2026-10.pdf']);
    const body = visibleText(mail.html as string);
    expect(body).toContain('Terlampir: laporan lengkap (PDF, ukuran A4, siap diarsipkan); data per Perangkat Daerah (CSV).');
    expect(body).not.toContain('HTML, ukuran A4');
    expect(mail.text).toContain('Terlampir: laporan lengkap (PDF, ukuran A4, siap diarsipkan); data per Perangkat Daerah (CSV).');

    const pdf = mail.attachments.find((a) => a.filename!.endsWith('.pdf'))!;
    expect(pdf.contentType).toBe('application/pdf');
    const text = flat(pdfPages(pdf.content).join(' '));
    expect(text).toContain('Evaluasi Penggunaan Bandwidth');
    expect(text).toContain('Perihal : Evaluasi Penggunaan Bandwidth — Oktober 2026');
    expect(text).toContain('Dinas <Koperasi> & UKM "Usaha Mikro"');
    expect(text).toMatch(/Sekretariat DPRD\s.*Data tidak tersedia/);

    const [head, ...rows] = parseCsv(mail.attachments.find((a) => a.filename!.endsWith('.csv'))!.content.toString('utf8'));
    const col = (n: string) => head.indexOf(n);
    expect(rows).toHaveLength(report.opds.length);
    rows.forEach((r, i) => {
      const o = report.opds[i];
      expect(r[col('opd')]).toBe(o.opd);
      expect(r[col('name')]).toBe(o.name);
      expect(r[col('total_bytes')]).toBe(o.status === 'no_data' ? '' : o.totalBytes);
      expect(r[col('p95_max_bps')]).toBe(o.status === 'no_data' ? '' : String(o.p95Bps.maxBps));
      expect(r[col('status')]).toBe(o.status);
      expect(r[col('recommendation')]).toBe(o.recommendation.action);
      expect(r[col('suggested_volume_bytes')]).toBe(o.recommendation.suggestedVolumeBytes ?? '');
    });
  });

  it('reads on a 375 px phone: nothing wider than the screen, no figure split over two lines', async () => {
    // The received body, with each cid: image replaced by the attachment it names.
    let html = mail.html as string;
    for (const a of mail.attachments.filter((x) => x.cid)) html = html.replaceAll(`cid:${a.cid}`, `data:${a.contentType};base64,${a.content.toString('base64')}`);
    const page = await browser.newPage({ viewport: { width: 375, height: 740 } });
    try {
      await page.setContent(html, { waitUntil: 'load' });
      await page.screenshot({ path: 'test-artifacts/mail-375.png', fullPage: true });
      const m = await page.evaluate(() => {
        const wide = Array.from(document.querySelectorAll('body *'))
          .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5)
          .map((el) => `${el.tagName}: ${(el.textContent ?? '').slice(0, 40)}`);
        const split: string[] = [];
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode())
          for (const f of (n.textContent ?? '').matchAll(/\d[\d.,]*[\s\u00a0]?(GB|Mbit\/s|%)/g)) {
            const r = document.createRange();
            r.setStart(n, f.index!);
            r.setEnd(n, f.index! + f[0].length);
            if (new Set(Array.from(r.getClientRects()).map((x) => Math.round(x.top))).size > 1) split.push(f[0]);
          }
        const images = Array.from(document.images).map((i) => ({ loaded: i.naturalWidth > 0, width: i.getBoundingClientRect().width }));
        return { doc: document.documentElement.scrollWidth, wide, split, images, figures: document.body.innerText.match(/\d[\d.,]*[\s\u00a0]?(GB|Mbit\/s|%)/g)?.length ?? 0 };
      });
      expect(m.doc).toBeLessThanOrEqual(375);
      expect(m.wide).toEqual([]);
      expect(m.split).toEqual([]);
      expect(m.figures).toBeGreaterThan(100);
      expect(m.images).toHaveLength(6);
      for (const i of m.images) expect(i).toEqual({ loaded: true, width: expect.any(Number) });
      expect(Math.max(...m.images.map((i) => i.width))).toBeLessThanOrEqual(375);
    } finally {
      await page.close();
    }
  });

  it('the phone probe itself catches a body wider than the screen and a figure split over two lines', async () => {
    const page = await browser.newPage({ viewport: { width: 375, height: 400 } });
    try {
      await page.setContent('<div style="width:40px;font:16px sans-serif">1.234,57 GB</div><table style="width:600px"><tr><td>x</td></tr></table>');
      const r = await page.evaluate(() => {
        const n = document.querySelector('div')!.firstChild!;
        const range = document.createRange();
        range.setStart(n, 0);
        range.setEnd(n, n.textContent!.length);
        return { split: new Set(Array.from(range.getClientRects()).map((x) => Math.round(x.top))).size, doc: document.documentElement.scrollWidth };
      });
      expect(r.split).toBeGreaterThan(1);
      expect(r.doc).toBeGreaterThan(375);
    } finally {
      await page.close();
    }
  });
});

describe('report mail without Chromium, without PDF, in English', () => {
  it('still goes out with the HTML report and the CSV, and says the PDF could not be made', async () => {
    const report = makeUsageReport({ count: 6 });
    const mail = await send(report, { chromiumPath: '/nonexistent/chromium', daily: makeDaily(report) });
    expect(mail.attachments.map((a) => a.filename).sort()).toEqual(['pantau-bandwidth-2026-10.csv', 'pantau-bandwidth-2026-10.html']);
    const attached = mail.attachments.find((a) => a.filename!.endsWith('.html'))!.content.toString('utf8');
    expect(attached).toContain('<table class="eval">');
    const body = visibleText(mail.html as string);
    expect(body).toContain('Laporan PDF tidak dapat dibuat di server (Chromium tidak tersedia atau gagal); laporan lengkap disertakan dalam bentuk HTML.');
    expect(body).toContain('Terlampir: laporan lengkap (HTML, ukuran A4, dapat dicetak dari peramban); data per Perangkat Daerah (CSV).');
    expect(body).toContain('Grafik tidak dapat dibuat di server');
    expect(body).not.toContain('(PDF, ukuran A4');
    expect(cids(mail.html as string)).toEqual([]);
    expect(mail.text).toContain('Laporan PDF tidak dapat dibuat di server');
  });

  it('mentions only the CSV when no PDF is asked for', async () => {
    const mail = await send(makeUsageReport({ count: 5 }), { pdf: false, charts: false, issuer: undefined });
    expect(mail.attachments.filter((a) => !a.cid).map((a) => a.filename)).toEqual(['pantau-bandwidth-2026-10.csv']);
    const body = visibleText(mail.html as string);
    expect(body).toContain('Terlampir: data per Perangkat Daerah (CSV).');
    expect(body).not.toMatch(/PDF|HTML, ukuran/);
    expect(mail.text).not.toContain('PDF');
  });

  it('uses English for the subject and body on request, and marks the current month provisional', async () => {
    const mail = await send(makeUsageReport({ count: 6, language: 'en', month: '2026-12', inProgressAt: Date.UTC(2026, 11, 14, 7, 25) }), { language: 'en', pdf: false, charts: false });
    expect(mail.subject).toBe('Bandwidth Usage Evaluation — December 2026 (provisional)');
    const body = visibleText(mail.html as string);
    expect(body).toContain('Summary for the Coordination Team (provisional, up to 14 Dec, 14:25 WIB)');
    expect(body).toContain('Current month: provisional figures up to 14 Dec, 14:25 WIB.');
  });

  it('rejects when there is no recipient', async () => {
    await expect(sendReport(makeUsageReport({ count: 5 }), options({ to: [] }))).rejects.toThrow(/report\.to/);
  });
});
