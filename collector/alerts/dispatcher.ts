// One notifier's delivery loop, driven by `tick(at)` (the collector's timer calls it every
// second; tests call it with explicit times):
// - alerts are grouped per OPD and sent once the group's first item has waited `groupWaitMs`,
//   so a burst is one message;
// - a firing alert nobody acknowledged is sent again every `repeatMs`; a silenced one is not;
// - a notified alert always gets its resolved message, silenced or not; one that was never
//   notified (silenced all along, or over within the wait) gets none;
// - a failed send is retried with exponential backoff up to `maxAttempts`; a message that
//   exhausts them is dropped (counted) and raises `notifier_failing:<name>`, which resolves
//   with the next delivery that succeeds.
// Which alerts were notified is kept in alert_event ('notified', who = the notifier), so a
// restart still sends the resolved message of an alert notified before it.
import type { Logger } from '../../log/logger.js';
import type { Alert, AlertChange, AlertStore, Severity } from '../rules/alert-store.js';
import type { Store } from '../storage/store.js';
import { buildMessage, type ItemEvent, type Language, type Message, type MessageItem } from './messages.js';
import type { Notifier } from './notifiers/types.js';
import type { Silences } from './silences.js';

export interface DispatchCounters {
  sent(notifier: string): void;
  failed(notifier: string): void;
  dropped(notifier: string): void;
}

export interface DispatcherOptions {
  notifier: Notifier;
  store: Store;
  alerts: AlertStore;
  silences: Silences;
  language: Language;
  timezone: string;
  groupWaitMs: number;
  repeatMs: number;
  maxAttempts: number;
  retryBaseMs: number;
  /** The longest wait between attempts (default 10 minutes). */
  retryMaxMs?: number;
  /** Messages waiting at most; beyond, the oldest is dropped (counted). */
  maxQueued?: number;
  opdName: (opd: string) => string | undefined;
  opdOf: (device: string) => string | undefined;
  counters?: DispatchCounters;
  logger?: Logger;
}

interface Group {
  opd?: string;
  firstAt: number;
  items: Map<number, MessageItem>;
}

interface Delivery {
  message: Message;
  attempt: number;
  nextAt: number;
}

const RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };
/** Every firing alert, not the API's first thousand. */
const ALL = 1_000_000;

export class Dispatcher {
  private readonly groups = new Map<string, Group>();
  /** Alerts notified (firing) by this notifier: when last, at which severity. */
  private readonly notified = new Map<number, { at: number; severity: Severity }>();
  private readonly queue: Delivery[] = [];
  private readonly q;

  constructor(private readonly o: DispatcherOptions) {
    const d = o.store.db;
    this.q = {
      notified: d.prepare(
        "SELECT e.alert AS id, max(e.ts) AS at, a.severity FROM alert_event e JOIN alert a ON a.id = e.alert WHERE a.state = 'firing' AND e.what = 'notified' AND e.who = ? GROUP BY e.alert",
      ),
    };
    for (const r of this.q.notified.all(o.notifier.name) as { id: number; at: number; severity: Severity }[]) this.notified.set(r.id, { at: r.at, severity: r.severity });
  }

  get name(): string {
    return this.o.notifier.name;
  }

  /** Messages waiting to be delivered (or retried). */
  get queued(): number {
    return this.queue.length;
  }

  /** Follows the AlertStore (subscribed through AlertStore.onChange). */
  onChange(c: AlertChange, at: number): void {
    const a = c.alert;
    const sent = this.notified.get(a.id);
    if (c.what === 'fired') {
      if (!this.o.silences.matching(a, at)) this.add(a, 'firing', at);
    } else if (c.what === 'resolved') {
      if (sent) this.add(a, 'resolved', at);
      else this.drop(a);
    } else if (c.what === 'updated' && sent && RANK[a.severity] > RANK[sent.severity] && !this.o.silences.matching(a, at)) {
      this.add(a, 'escalated', at);
    } else this.refresh(a);
  }

  /** Finds what is due at `at` (new, unsilenced and repeat alerts), sends the groups whose wait is over, and due retries. */
  async tick(at: number): Promise<void> {
    for (const a of this.o.alerts.list('firing', ALL)) {
      if (this.inGroup(a) || this.o.silences.matching(a, at)) continue;
      const sent = this.notified.get(a.id);
      if (!sent) this.add(a, 'firing', at);
      else if (!a.ackBy && at - sent.at >= this.o.repeatMs) this.add(a, 'repeat', at);
    }
    for (const [key, g] of this.groups) {
      if (at - g.firstAt < this.o.groupWaitMs) continue;
      this.groups.delete(key);
      // Silenced or acknowledged while waiting: only a resolved message still goes out.
      const items = [...g.items.values()].filter((i) => i.event === 'resolved' || !(this.o.silences.matching(i.alert, at) || (i.event === 'repeat' && i.alert.ackBy)));
      if (!items.length) continue;
      for (const i of items) {
        if (i.event === 'resolved') this.notified.delete(i.alert.id);
        else this.notified.set(i.alert.id, { at, severity: i.alert.severity });
      }
      const opdName = g.opd !== undefined ? this.o.opdName(g.opd) : undefined;
      this.enqueue({ message: buildMessage({ opd: g.opd, opdName }, items, { language: this.o.language, timezone: this.o.timezone }), attempt: 0, nextAt: at });
    }
    await this.deliver(at);
  }

  private async deliver(at: number): Promise<void> {
    const name = this.o.notifier.name;
    while (this.queue.length && this.queue[0].nextAt <= at) {
      const d = this.queue[0];
      try {
        await this.o.notifier.send(d.message);
      } catch (e) {
        d.attempt++;
        this.o.counters?.failed(name);
        const err = (e as Error).message;
        if (d.attempt >= this.o.maxAttempts) {
          this.queue.shift();
          this.o.counters?.dropped(name);
          this.o.logger?.error({ notifier: name, attempts: d.attempt, err, opd: d.message.opd }, 'notification dropped after its last attempt; raising notifier_failing');
          this.failing(err, at);
        } else {
          const backoff = Math.min(this.o.retryMaxMs ?? 600_000, this.o.retryBaseMs * 2 ** (d.attempt - 1));
          d.nextAt = at + Math.max(backoff, (e as { retryAfterMs?: number }).retryAfterMs ?? 0);
          this.o.logger?.warn({ notifier: name, attempt: d.attempt, err, retryAt: new Date(d.nextAt).toISOString() }, 'notification failed; will retry');
        }
        return; // the peer is failing: the rest waits for the next tick
      }
      this.queue.shift();
      this.o.counters?.sent(name);
      for (const i of d.message.items) this.o.alerts.record(i.alert.id, 'notified', name, i.event, at);
      this.o.alerts.resolve(`notifier_failing:${name}`, at);
    }
  }

  private failing(err: string, at: number): void {
    const name = this.o.notifier.name;
    const en = this.o.language === 'en';
    this.o.alerts.fire(
      {
        key: `notifier_failing:${name}`,
        kind: 'notifier_failing',
        severity: 'warning',
        summary: en
          ? `Notifier ${name} (${this.o.notifier.type}) keeps failing: a message was dropped after ${this.o.maxAttempts} attempts (${err})`
          : `Notifikasi ${name} (${this.o.notifier.type}) terus gagal: satu pesan dibuang setelah ${this.o.maxAttempts} percobaan (${err})`,
        details: { notifier: name, type: this.o.notifier.type },
      },
      at,
    );
  }

  private enqueue(d: Delivery): void {
    this.queue.push(d);
    while (this.queue.length > (this.o.maxQueued ?? 1000)) {
      this.queue.shift();
      this.o.counters?.dropped(this.o.notifier.name);
    }
  }

  private groupKey(a: Alert): { key: string; opd?: string } {
    const opd = a.opd ?? (a.device !== undefined ? this.o.opdOf(a.device) : undefined);
    return { key: opd ?? '', opd };
  }

  private add(a: Alert, event: ItemEvent, at: number): void {
    const { key, opd } = this.groupKey(a);
    let g = this.groups.get(key);
    if (!g) this.groups.set(key, (g = { opd, firstAt: at, items: new Map() }));
    const cur = g.items.get(a.id);
    // A pending 'firing' stays 'firing' when the alert escalates before it goes out.
    g.items.set(a.id, { event: cur?.event === 'firing' && event !== 'resolved' ? 'firing' : event, alert: a });
  }

  private drop(a: Alert): void {
    const g = this.groups.get(this.groupKey(a).key);
    g?.items.delete(a.id);
    if (g && g.items.size === 0) this.groups.delete(this.groupKey(a).key);
  }

  private refresh(a: Alert): void {
    const i = this.groups.get(this.groupKey(a).key)?.items.get(a.id);
    if (i) i.alert = a;
  }

  private inGroup(a: Alert): boolean {
    return this.groups.get(this.groupKey(a).key)?.items.has(a.id) ?? false;
  }
}
