// E-mails the monthly evaluation over SMTP (nodemailer): subject "Evaluasi Penggunaan
// Bandwidth — November 2026" in the report's language, a phone-friendly HTML body with the
// charts as PNG images by Content-ID, a plain-text alternative, and the A4 PDF and the CSV
// attached. Without Chromium the mail still goes out: the full A4 HTML document is attached
// instead of the PDF, the charts are left out, and the body says so.
import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import type Mail from 'nodemailer/lib/mailer/index.js';
import { parseMailbox, type ReportSettings } from '../../config/report.js';
import type { UsageReport } from '../../protocol/usage.js';
import type { Logger } from '../../log/logger.js';
import type { ChartImage } from './browser.js';
import { renderCsv } from './csv.js';
import type { DocumentOptions } from './document.js';
import { actionOf, isNoData, isProvisional, reasonOf, statusOf } from './honesty.js';
import { renderHtml } from './html.js';
import { formatGB, formatMonth, strings, subjectFor } from './i18n.js';
import { renderMailBody } from './mail-body.js';
import { CONTENT_TYPES, pdfFooter, reportFileName } from './render.js';

export type SmtpSettings = NonNullable<ReportSettings['smtp']>;

export interface MailOptions extends DocumentOptions {
  smtp: SmtpSettings;
  to: string[];
  /** Attach a PDF (default true). */
  pdf?: boolean;
  /** Chart images in the body (default true); false leaves the chart section out. */
  charts?: boolean;
  chromiumPath?: string;
  /** SMTP connection, greeting and socket timeouts in ms (default 30 s). */
  timeoutMs?: number;
  logger?: Logger;
}

export interface SentReport {
  messageId: string;
  accepted: string[];
  rejected: string[];
  /** Whether the PDF was attached. */
  pdf: boolean;
  /** Chart images embedded by Content-ID. */
  charts: number;
}

/** What Chromium made for the mail; `pdfFailed` when a PDF was asked for and could not be made. */
export interface Rendered {
  pdf?: Buffer;
  charts: ChartImage[];
  pdfFailed: boolean;
}

export function createSmtpTransport(smtp: SmtpSettings, timeoutMs = 30_000) {
  const options: SMTPTransport.Options = {
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs * 2,
    ...(smtp.user ? { auth: { user: smtp.user, pass: smtp.password ?? '' } } : {}),
  };
  return nodemailer.createTransport(options);
}

/** Resolves when the SMTP server accepts a connection (and the login, if configured). */
export async function checkSmtp(smtp: SmtpSettings, timeoutMs?: number): Promise<void> {
  const t = createSmtpTransport(smtp, timeoutMs);
  try {
    await t.verify();
  } finally {
    t.close();
  }
}

const cidOf = (name: string) => `${name}@pantau`;
const LOGO_CID = 'logo@pantau';

function plainText(report: UsageReport, opts: MailOptions, rendered: Rendered, attachedHtml: boolean): string {
  const lang = opts.language;
  const s = strings(lang);
  const lines = [s.mailIntro(formatMonth(report.month, lang)), ''];
  if (rendered.pdfFailed) lines.push(s.mailPdfFailed, '');
  for (const o of report.opds) {
    if (statusOf(o) === 'ok' && actionOf(o) === 'keep') continue;
    const figure = isNoData(o) ? s.noData : `${formatGB(o.countedBytes, lang)} GB`;
    lines.push(`- ${o.name}: ${s.statusName[statusOf(o)]}, ${figure}, ${s.actionName[actionOf(o)]}: ${reasonOf(o, lang)}`);
  }
  const list = [...(rendered.pdf ? [s.mailPdf] : []), ...(attachedHtml ? [s.mailHtml] : []), s.mailCsv];
  lines.push('', `${s.mailAttached}: ${list.join('; ')}.`);
  return lines.join('\n');
}

/** The message without sending it. */
export function buildReportMail(report: UsageReport, opts: MailOptions, rendered: Rendered): Mail.Options {
  const attachHtml = rendered.pdfFailed;
  const charts = rendered.charts.map((c) => ({ cid: cidOf(c.name), name: c.name }));
  const html = renderMailBody(report, {
    ...opts,
    charts,
    logoCid: opts.logo ? LOGO_CID : undefined,
    attached: { pdf: rendered.pdf !== undefined, html: attachHtml, csv: true },
    chartsWanted: opts.charts !== false,
    pdfFailed: rendered.pdfFailed,
  });
  const attachments: Mail.Attachment[] = [
    { filename: reportFileName(report.month, 'csv'), content: renderCsv(report, opts.language), contentType: CONTENT_TYPES.csv },
  ];
  if (rendered.pdf) attachments.push({ filename: reportFileName(report.month, 'pdf'), content: rendered.pdf, contentType: CONTENT_TYPES.pdf });
  if (attachHtml) attachments.push({ filename: reportFileName(report.month, 'html'), content: renderHtml(report, opts), contentType: CONTENT_TYPES.html });
  for (const c of rendered.charts)
    attachments.push({ filename: `${c.name}.png`, content: c.png, contentType: 'image/png', cid: cidOf(c.name), contentDisposition: 'inline' });
  if (opts.logo) attachments.push({ filename: `logo.${opts.logo.mime.split('/')[1].replace('svg+xml', 'svg')}`, content: opts.logo.data, contentType: opts.logo.mime, cid: LOGO_CID, contentDisposition: 'inline' });
  const from = parseMailbox(opts.smtp.from) ?? { address: opts.smtp.from };
  return {
    from: from.name ? { name: from.name, address: from.address } : from.address,
    to: opts.to,
    subject: subjectFor(report.month, opts.language, isProvisional(report)),
    text: plainText(report, opts, rendered, attachHtml),
    html,
    attachments,
    headers: { 'X-Pantau-Report': report.month },
  };
}

/** The PDF (when asked for) and the chart images; a Chromium failure is logged and leaves them out. */
export async function renderForMail(report: UsageReport, opts: MailOptions): Promise<Rendered> {
  const want = { pdf: opts.pdf !== false, charts: opts.charts !== false };
  if (!want.pdf && !want.charts) return { charts: [], pdfFailed: false };
  const { renderPdfAndCharts } = await import('./browser.js');
  const browser = { language: opts.language, executablePath: opts.chromiumPath, footer: pdfFooter(report, opts.language) };
  try {
    const made = await renderPdfAndCharts(renderHtml(report, opts), browser, want);
    return { ...made, pdfFailed: false };
  } catch (err) {
    opts.logger?.warn(
      { month: report.month, err: (err as Error).message },
      want.pdf ? 'report PDF could not be made; the mail goes out with the HTML report and the CSV' : 'report chart images could not be made; the mail goes out without them',
    );
    return { charts: [], pdfFailed: want.pdf };
  }
}

/** Renders (HTML, CSV, PDF, chart images) and sends; rejects when the SMTP server does not take the mail. */
export async function sendReport(report: UsageReport, opts: MailOptions): Promise<SentReport> {
  if (!opts.to.length) throw new Error('report.to: expected at least one recipient, found none');
  const rendered = await renderForMail(report, opts);
  const transport = createSmtpTransport(opts.smtp, opts.timeoutMs);
  try {
    const info = await transport.sendMail(buildReportMail(report, opts, rendered));
    const addr = (a: string | Mail.Address): string => (typeof a === 'string' ? a : (a.address ?? ''));
    return { messageId: info.messageId, accepted: info.accepted.map(addr), rejected: info.rejected.map(addr), pdf: rendered.pdf !== undefined, charts: rendered.charts.length };
  } finally {
    transport.close();
  }
}
