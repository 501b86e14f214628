// A generic JSON webhook: POSTs `{version, opd, opdName, language, subject, text, alerts:
// [{event, ...alert}]}` to `url` with the configured headers (never logged). Any 2xx is a
// delivery; anything else is retried by the dispatcher.
import type { Message } from '../../messages.js';
import { redact, retryAfterMs, SendError, type Notifier } from '../types.js';

export interface WebhookSettings {
  url: string;
  headers: Record<string, string>;
  timeoutMs?: number;
}

export function webhookBody(m: Message): Record<string, unknown> {
  return {
    version: 1,
    opd: m.opd ?? null,
    opdName: m.opdName ?? null,
    language: m.language,
    subject: m.subject,
    text: m.text,
    alerts: m.items.map((i) => ({ event: i.event, ...i.alert })),
  };
}

export class WebhookNotifier implements Notifier {
  readonly type = 'webhook' as const;
  private readonly secrets: string[];

  constructor(
    readonly name: string,
    private readonly s: WebhookSettings,
  ) {
    // A URL may carry a token in its path or query: errors name only its origin.
    this.secrets = [...Object.values(s.headers), s.url];
  }

  async send(m: Message): Promise<void> {
    const origin = new URL(this.s.url).origin;
    let res: Response;
    try {
      res = await fetch(this.s.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'pantau', ...this.s.headers },
        body: JSON.stringify(webhookBody(m)),
        signal: AbortSignal.timeout(this.s.timeoutMs ?? 10_000),
      });
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      throw new SendError(redact(`webhook ${origin}: ${cause?.code ?? cause?.message ?? (e as Error).message}`, this.secrets));
    }
    await res.arrayBuffer().catch(() => undefined); // drain, so the connection is reused
    if (res.status < 200 || res.status > 299) throw new SendError(`webhook ${origin}: HTTP ${res.status}`, retryAfterMs(res.headers.get('retry-after')));
  }
}
