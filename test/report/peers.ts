// Real peers for the report tests: an SMTP server (smtp-server) that parses every message it
// receives (mailparser), a free loopback port, a JSON-file ledger, a tiny RFC 4180 parser.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { ReportLedger } from '../../collector/report/schedule.js';

export interface SmtpPeer {
  port: number;
  messages: ParsedMail[];
  envelopes: { from: string; to: string[] }[];
  close(): Promise<void>;
}

/** Listens on 127.0.0.1:`port` (0: any free port); no TLS, authentication optional. */
export async function startSmtp(port = 0): Promise<SmtpPeer> {
  const messages: ParsedMail[] = [];
  const envelopes: SmtpPeer['envelopes'] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream, { keepCidLinks: true }) // the body as sent: cid: references, not data: URIs
        .then((mail) => {
          messages.push(mail);
          envelopes.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
          });
          callback();
        })
        .catch((err: Error) => callback(err));
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  return { port: bound, messages, envelopes, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** A loopback port nobody listens on (for "the SMTP server is down"). */
export { freeTcpPort as freePort } from '../helpers/processes.js';

/** A ledger kept in a JSON file, so a new scheduler instance sees what an old one recorded. */
export class JsonFileLedger implements ReportLedger {
  constructor(private readonly file: string) {}
  private read(): { sent: Record<string, { at: number; messageId: string }[]>; attempts: { month: string; at: number; error: string }[]; skips: { month: string; at: number; reason: string }[] } {
    return existsSync(this.file) ? JSON.parse(readFileSync(this.file, 'utf8')) : { sent: {}, attempts: [], skips: [] };
  }
  skips(): { month: string; at: number; reason: string }[] {
    return this.read().skips;
  }
  recordSkip(month: string, at: number, reason: string): void {
    const d = this.read();
    d.skips.push({ month, at, reason });
    writeFileSync(this.file, JSON.stringify(d));
  }
  sentAt(month: string): number | undefined {
    const s = this.read().sent[month];
    return s?.length ? s[s.length - 1].at : undefined;
  }
  sends(month: string): { at: number; messageId: string }[] {
    return this.read().sent[month] ?? [];
  }
  attempts(): { month: string; at: number; error: string }[] {
    return this.read().attempts;
  }
  markSent(month: string, at: number, messageId: string): void {
    const d = this.read();
    (d.sent[month] ??= []).push({ at, messageId });
    writeFileSync(this.file, JSON.stringify(d));
  }
  recordAttempt(month: string, at: number, error: string): void {
    const d = this.read();
    d.attempts.push({ month, at, error });
    writeFileSync(this.file, JSON.stringify(d));
  }
}

/** RFC 4180 parser for the tests (quoted fields, doubled quotes, CRLF). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field), rows.push(row), (row = []), (field = ''), i++;
    } else field += c;
  }
  if (field || row.length) row.push(field), rows.push(row);
  return rows;
}

export async function waitFor(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The text of a PDF, page by page, as Debian's pdftotext (poppler-utils) reads it. */
export function pdfPages(pdf: Buffer): string[] {
  const out = execFileSync('pdftotext', ['-enc', 'UTF-8', '-', '-'], { input: pdf, maxBuffer: 64 << 20 }).toString('utf8');
  return out.split('\f').filter((p, i, all) => i < all.length - 1 || p.trim() !== '');
}

/** Whitespace collapsed: layout columns do not matter to a phrase check. */
export function flat(text: string): string {
  return text.replace(/\s+/g, ' ');
}
