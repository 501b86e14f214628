// Telegram: the Bot API's sendMessage to one chat (a NOC group). The bot token is part of the
// request path, so no error or log line ever quotes the URL: they name only the API's host.
import type { Message } from '../../messages.js';
import { redact, SendError, type Notifier } from '../types.js';

export interface TelegramSettings {
  botToken: string;
  chatId: string | number;
  apiUrl: string;
  timeoutMs?: number;
}

/** Telegram refuses texts over 4,096 characters. */
const MAX_TEXT = 4000;

export class TelegramNotifier implements Notifier {
  readonly type = 'telegram' as const;

  constructor(
    readonly name: string,
    private readonly s: TelegramSettings,
  ) {}

  async send(m: Message): Promise<void> {
    const base = this.s.apiUrl.replace(/\/+$/, '');
    const host = new URL(base).host;
    const text = m.text.length > MAX_TEXT ? m.text.slice(0, MAX_TEXT - 1) + '…' : m.text;
    let res: Response;
    try {
      res = await fetch(`${base}/bot${this.s.botToken}/sendMessage`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ chat_id: this.s.chatId, text, disable_web_page_preview: true }),
        signal: AbortSignal.timeout(this.s.timeoutMs ?? 10_000),
      });
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      throw new SendError(redact(`telegram ${host}: ${cause?.code ?? cause?.message ?? (e as Error).message}`, [this.s.botToken]));
    }
    let body: { ok?: boolean; description?: unknown; parameters?: { retry_after?: unknown } } = {};
    try {
      body = (await res.json()) as typeof body;
    } catch {
      /* not JSON: judged by the status alone */
    }
    if (res.ok && body.ok !== false) return;
    const retry = typeof body.parameters?.retry_after === 'number' ? body.parameters.retry_after * 1000 : undefined;
    const why = typeof body.description === 'string' ? body.description.slice(0, 200) : `HTTP ${res.status}`;
    throw new SendError(redact(`telegram ${host}: HTTP ${res.status}: ${why}`, [this.s.botToken]), retry);
  }
}
