// The contract of a notifier: `send` delivers one message or rejects with a SendError (whose
// text never holds a secret); the dispatcher does the grouping, repeats and retries.
import type { Message } from '../messages.js';

export interface Notifier {
  readonly name: string;
  readonly type: 'webhook' | 'telegram' | 'email';
  send(m: Message): Promise<void>;
}

export class SendError extends Error {
  constructor(
    message: string,
    /** The peer asked to wait this long before the next attempt (HTTP 429 Retry-After). */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'SendError';
  }
}

/** Removes every secret from a text (an error from a library may quote a URL holding a token). */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s) out = out.split(s).join('***');
  return out;
}

/** Seconds of a Retry-After header (the HTTP-date form is ignored), in ms. */
export function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const s = Number(header);
  return Number.isFinite(s) && s >= 0 ? s * 1000 : undefined;
}
