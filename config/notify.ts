// The `notify:` section of the collector config: where alerts are sent (a JSON webhook, a
// Telegram chat, e-mail through report.smtp) and how (grouping wait, repeats, retries,
// language). Documented in config/examples/collector.yaml and collector/alerts/README.md.
import { z } from 'zod';

const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'expected a name of letters, digits, ".", "_" or "-"');

/** What every notifier shares: grouping, repeats, retries, language. */
const common = {
  /** Names the notifier in logs, metrics and its `notifier_failing` alert (default: its type, numbered when repeated). */
  name: name.optional(),
  /** Alerts of one OPD arriving within this wait go out as one message. */
  groupWaitSeconds: z.number().int().min(0).max(3600).default(30),
  /** A firing alert nobody acknowledged is sent again this often. */
  repeatMinutes: z.number().int().min(1).max(7 * 24 * 60).default(60),
  /** Attempts per message (the first included), with exponential backoff from `retrySeconds`. */
  maxAttempts: z.number().int().min(1).max(20).default(5),
  retrySeconds: z.number().min(0.1).max(3600).default(10),
  /** Message language; default report.language. */
  language: z.enum(['id', 'en']).optional(),
};

const header = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'expected an HTTP header name');

export const webhookSchema = z.strictObject({
  type: z.literal('webhook'),
  url: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }),
  /** Extra request headers (e.g. Authorization: "Bearer ${HOOK_TOKEN}"); never logged. */
  headers: z.record(header, z.string()).default({}),
  ...common,
});

export const telegramSchema = z.strictObject({
  type: z.literal('telegram'),
  /** From @BotFather, e.g. "${TELEGRAM_BOT_TOKEN}"; never logged. */
  botToken: z.string().regex(/^\d+:[A-Za-z0-9_-]{20,}$/, 'expected a bot token such as 123456:ABC-DEF… (from @BotFather)'),
  /** A chat id (a group's is negative, e.g. -1001234567890) or @channelname. */
  chatId: z.union([z.number().int(), z.string().regex(/^(-?\d+|@[A-Za-z0-9_]{5,})$/, 'expected a numeric chat id or @channelname')]),
  /** The Bot API's base URL (tests point it at a local server). */
  apiUrl: z.url({ protocol: /^https?$/ }).default('https://api.telegram.org'),
  ...common,
});

export const emailSchema = z.strictObject({
  type: z.literal('email'),
  /** Recipients; the mail goes through report.smtp. */
  to: z.array(z.email()).min(1, 'expected at least one recipient'),
  ...common,
});

export const notifySchema = z.array(z.discriminatedUnion('type', [webhookSchema, telegramSchema, emailSchema])).default([]);

export type NotifyEntry = z.infer<typeof notifySchema>[number];
