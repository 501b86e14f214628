// The notifier registry: one factory per `notify[].type`, each in its own folder.
import type { CollectorConfig } from '../../../config/collector.js';
import type { NotifyEntry } from '../../../config/notify.js';
import { EmailNotifier } from './email/index.js';
import { TelegramNotifier } from './telegram/index.js';
import type { Notifier } from './types.js';
import { WebhookNotifier } from './webhook/index.js';

export type { Notifier };

/** The name of `notify[i]`: its own, else its type (numbered when the type repeats). */
export function notifierName(list: readonly NotifyEntry[], i: number): string {
  const n = list[i];
  if (n.name) return n.name;
  const same = list.filter((x) => x.type === n.type && !x.name);
  return same.length > 1 ? `${n.type}-${same.indexOf(n) + 1}` : n.type;
}

export function createNotifier(cfg: Pick<CollectorConfig, 'notify' | 'report'>, i: number): Notifier {
  const n = cfg.notify[i];
  const name = notifierName(cfg.notify, i);
  switch (n.type) {
    case 'webhook':
      return new WebhookNotifier(name, { url: n.url, headers: n.headers });
    case 'telegram':
      return new TelegramNotifier(name, { botToken: n.botToken, chatId: n.chatId, apiUrl: n.apiUrl });
    case 'email':
      if (!cfg.report.smtp) throw new Error(`notify[${i}]: an email notifier needs report.smtp`);
      return new EmailNotifier(name, { smtp: cfg.report.smtp, to: n.to });
  }
}
