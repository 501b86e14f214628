// The words of a notification: one message per OPD group, in Bahasa Indonesia by default
// (English on request). Times are in the deployment's zone.
import type { Alert, Severity } from '../rules/alert-store.js';

export type Language = 'id' | 'en';
export type ItemEvent = 'firing' | 'repeat' | 'escalated' | 'resolved';

export interface MessageItem {
  event: ItemEvent;
  alert: Alert;
}

export interface Message {
  /** The OPD the group is about; undefined for alerts of no OPD (agents, notifiers, reports). */
  opd?: string;
  opdName?: string;
  language: Language;
  subject: string;
  text: string;
  items: MessageItem[];
}

const WORDS = {
  id: {
    severity: { critical: 'KRITIS', warning: 'PERINGATAN', info: 'INFO' } as Record<Severity, string>,
    event: { firing: 'Aktif', repeat: 'Masih aktif', escalated: 'Meningkat', resolved: 'Pulih' } as Record<ItemEvent, string>,
    general: 'Umum',
    since: 'sejak',
    at: 'pada',
    acked: (who: string) => `ditangani ${who}`,
    flapping: 'naik-turun',
    count: (firing: number, resolved: number) => [firing ? `${firing} masalah` : '', resolved ? `${resolved} pulih` : ''].filter(Boolean).join(', '),
    more: (n: number) => `… dan ${n} lainnya`,
  },
  en: {
    severity: { critical: 'CRITICAL', warning: 'WARNING', info: 'INFO' } as Record<Severity, string>,
    event: { firing: 'Firing', repeat: 'Still firing', escalated: 'Escalated', resolved: 'Resolved' } as Record<ItemEvent, string>,
    general: 'General',
    since: 'since',
    at: 'at',
    acked: (who: string) => `acknowledged by ${who}`,
    flapping: 'flapping',
    count: (firing: number, resolved: number) => [firing ? `${firing} problem${firing === 1 ? '' : 's'}` : '', resolved ? `${resolved} resolved` : ''].filter(Boolean).join(', '),
    more: (n: number) => `… and ${n} more`,
  },
};

const ORDER: Record<ItemEvent, number> = { escalated: 0, firing: 1, repeat: 2, resolved: 3 };
const SEV: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };

export function formatTime(ts: number, timezone: string, lang: Language): string {
  return new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'id-ID', { timeZone: timezone, day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' }).format(ts);
}

/** The message of one group; `maxLines` bounds the list (Telegram takes 4,096 characters). */
export function buildMessage(
  group: { opd?: string; opdName?: string },
  items: MessageItem[],
  o: { language: Language; timezone: string; maxLines?: number },
): Message {
  const w = WORDS[o.language] ?? WORDS.id;
  const sorted = [...items].sort((a, b) => ORDER[a.event] - ORDER[b.event] || SEV[a.alert.severity] - SEV[b.alert.severity] || a.alert.since - b.alert.since);
  const firing = sorted.filter((i) => i.event !== 'resolved').length;
  const title = group.opdName ?? group.opd ?? w.general;
  const subject = `[Pantau] ${title}: ${w.count(firing, sorted.length - firing)}`;
  const max = o.maxLines ?? 30;
  const lines = sorted.slice(0, max).map((i) => {
    const a = i.alert;
    const when = i.event === 'resolved' && a.resolvedAt !== undefined ? `${w.at} ${formatTime(a.resolvedAt, o.timezone, o.language)}` : `${w.since} ${formatTime(a.since, o.timezone, o.language)}`;
    const notes = [a.details?.flapping ? w.flapping : '', a.ackBy ? w.acked(a.ackBy) : ''].filter(Boolean);
    return `${w.event[i.event]} · ${w.severity[a.severity]} · ${a.summary} (${when}${notes.length ? '; ' + notes.join('; ') : ''})`;
  });
  if (sorted.length > max) lines.push(w.more(sorted.length - max));
  return { opd: group.opd, opdName: group.opdName, language: o.language, subject, text: [subject, '', ...lines].join('\n'), items: sorted };
}
