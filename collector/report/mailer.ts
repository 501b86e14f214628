// E-mails the monthly evaluation over SMTP (nodemailer): subject in the report's language,
// the HTML report as the body with a short plain-text alternative, and the CSV and PDF
// attached (pantau-bandwidth-YYYY-MM.csv/.pdf). If Chromium cannot print the PDF the mail
// still goes out with HTML and CSV, and the result says so (pdf: false).
import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import type Mail from 'nodemailer/lib/mailer/index.js';
import type { CollectorConfig } from '../../config/collector.js';
import type { UsageReport } from '../../protocol/usage.js';
import type { Logger } from '../../log/logger.js';
import type { DailySeries } from './charts.js';
import { renderCsv } from './csv.js';
import { renderHtml } from './html.js';
import { formatGB, formatMonth, strings, subjectFor, type Language } from './i18n.js';
import { CONTENT_TYPES, pdfFooter, reportFileName } from './render.js';

export type SmtpSettings = NonNullable<CollectorConfig['report']['smtp']>;

export interface MailOptions {
  smtp: SmtpSettings;
  to: string[];
  language: Language;
  title?: string;
  deployment?: string;
  daily?: DailySeries[];
  /** Attach a PDF (default true). */
  pdf?: boolean;
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

function plainText(report: UsageReport, lang: Language, deployment?: string): string {
  const s = strings(lang);
  const lines = [
    `${s.mailIntro} ${formatMonth(report.month, lang)}${deployment ? ` (${deployment})` : ''}.`,
    '',
    ...report.opds
      .filter((o) => o.status !== 'ok' || o.recommendation.action !== 'keep')
      .map((o) => `- ${o.name}: ${s.statusName[o.status]}, ${formatGB(o.countedBytes, lang)} GB, ${s.actionName[o.recommendation.action]}: ${o.recommendation.reason}`),
    '',
    s.mailAttachments,
  ];
  return lines.join('\n');
}

/** The message without sending it; `pdf` is attached when given. */
export function buildReportMail(report: UsageReport, opts: MailOptions, pdf?: Buffer): Mail.Options {
  const html = renderHtml(report, opts);
  const attachments: Mail.Attachment[] = [
    { filename: reportFileName(report.month, 'csv'), content: renderCsv(report), contentType: CONTENT_TYPES.csv },
  ];
  if (pdf) attachments.push({ filename: reportFileName(report.month, 'pdf'), content: pdf, contentType: CONTENT_TYPES.pdf });
  return {
    from: opts.smtp.from,
    to: opts.to,
    subject: subjectFor(report.month, opts.language),
    text: plainText(report, opts.language, opts.deployment),
    html,
    attachments,
    headers: { 'X-Pantau-Report': report.month },
  };
}

/** Renders (HTML, CSV, PDF) and sends; rejects when the SMTP server does not take the mail. */
export async function sendReport(report: UsageReport, opts: MailOptions): Promise<SentReport> {
  if (!opts.to.length) throw new Error('report.to: expected at least one recipient, found none');
  let pdf: Buffer | undefined;
  if (opts.pdf !== false) {
    try {
      pdf = await (await import('./pdf.js')).renderPdf(renderHtml(report, opts), {
        language: opts.language,
        footer: pdfFooter(report, opts),
        executablePath: opts.chromiumPath,
      });
    } catch (err) {
      opts.logger?.warn({ err, month: report.month }, 'report PDF could not be rendered; sending the mail with HTML and CSV only');
    }
  }
  const transport = createSmtpTransport(opts.smtp, opts.timeoutMs);
  try {
    const info = await transport.sendMail(buildReportMail(report, opts, pdf));
    const addr = (a: string | Mail.Address): string => (typeof a === 'string' ? a : (a.address ?? ''));
    return { messageId: info.messageId, accepted: info.accepted.map(addr), rejected: info.rejected.map(addr), pdf: pdf !== undefined };
  } finally {
    transport.close();
  }
}
