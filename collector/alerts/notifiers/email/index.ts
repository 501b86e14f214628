// E-mail through the report's SMTP settings (report.smtp): the group's subject and text as a
// plain-text mail to `to`. SMTP errors are passed on without the login's password.
import type { SmtpSettings } from '../../../report/mailer.js';
import { createSmtpTransport } from '../../../report/mailer.js';
import { parseMailbox } from '../../../../config/report.js';
import type { Message } from '../../messages.js';
import { redact, SendError, type Notifier } from '../types.js';

export interface EmailSettings {
  smtp: SmtpSettings;
  to: string[];
  timeoutMs?: number;
}

export class EmailNotifier implements Notifier {
  readonly type = 'email' as const;

  constructor(
    readonly name: string,
    private readonly s: EmailSettings,
  ) {}

  async send(m: Message): Promise<void> {
    const transport = createSmtpTransport(this.s.smtp, this.s.timeoutMs ?? 30_000);
    const from = parseMailbox(this.s.smtp.from) ?? { address: this.s.smtp.from };
    try {
      await transport.sendMail({
        from: from.name ? { name: from.name, address: from.address } : from.address,
        to: this.s.to,
        subject: m.subject,
        text: m.text,
        headers: { 'X-Pantau-Alerts': m.opd ?? '-' },
      });
    } catch (e) {
      throw new SendError(redact(`email ${this.s.smtp.host}:${this.s.smtp.port}: ${(e as Error).message}`, [this.s.smtp.password ?? '']));
    } finally {
      transport.close();
    }
  }
}
