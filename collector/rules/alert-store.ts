// Alerts as the contract models them: one firing alert per key (a partial unique index
// enforces it), and every state change and ack recorded with who and when (alert_event).
// Statements are prepared once, here (issue 13). The alert engine (collector/alerts/) sits
// above this store; notifiers and the stream follow it through `onChange`.
import type { Store } from '../storage/store.js';

export type Severity = 'critical' | 'warning' | 'info';

export interface AlertInput {
  key: string;
  kind: string;
  severity: Severity;
  opd?: string;
  device?: string;
  interface?: string;
  summary: string;
  details?: Record<string, unknown>;
}

export interface Alert extends Omit<AlertInput, 'details'> {
  id: number;
  state: 'firing' | 'resolved';
  since: number;
  resolvedAt?: number;
  ackBy?: string;
  ackAt?: number;
  ackNote?: string;
  silenced?: boolean;
  details?: Record<string, unknown>;
}

interface Row {
  id: number; key: string; kind: string; severity: Severity; opd: string | null; device: string | null; interface: string | null;
  summary: string; state: 'firing' | 'resolved'; since: number; resolved_at: number | null; ack_by: string | null; ack_at: number | null;
  ack_note: string | null; silenced: number; details: string | null;
}

function fromRow(r: Row): Alert {
  const a: Alert = { id: r.id, key: r.key, kind: r.kind, severity: r.severity, summary: r.summary, state: r.state, since: r.since };
  if (r.opd) a.opd = r.opd;
  if (r.device) a.device = r.device;
  if (r.interface) a.interface = r.interface;
  if (r.resolved_at !== null) a.resolvedAt = r.resolved_at;
  if (r.ack_by) a.ackBy = r.ack_by;
  if (r.ack_at !== null) a.ackAt = r.ack_at;
  if (r.ack_note) a.ackNote = r.ack_note;
  if (r.silenced) a.silenced = true;
  if (r.details) a.details = JSON.parse(r.details);
  return a;
}

export type AlertChange = { what: 'fired' | 'resolved' | 'updated' | 'acked'; alert: Alert; previous?: Alert };

export class AlertStore {
  private readonly listeners: ((c: AlertChange) => void)[] = [];
  private readonly q;

  constructor(private readonly store: Store) {
    const d = store.db;
    this.q = {
      firing: d.prepare("SELECT * FROM alert WHERE key = ? AND state = 'firing'"),
      firingOfKind: d.prepare("SELECT * FROM alert WHERE kind = ? AND state = 'firing'"),
      update: d.prepare('UPDATE alert SET summary = ?, severity = ?, details = ? WHERE id = ?'),
      insert: d.prepare(
        "INSERT INTO alert (key, kind, severity, opd, device, interface, summary, state, since, details) VALUES (?, ?, ?, ?, ?, ?, ?, 'firing', ?, ?)",
      ),
      event: d.prepare('INSERT INTO alert_event (alert, ts, what, who, note) VALUES (?, ?, ?, ?, ?)'),
      resolve: d.prepare("UPDATE alert SET state = 'resolved', resolved_at = ? WHERE id = ?"),
      ack: d.prepare('UPDATE alert SET ack_by = ?, ack_at = ?, ack_note = ? WHERE id = ?'),
      get: d.prepare('SELECT * FROM alert WHERE id = ?'),
      all: d.prepare('SELECT * FROM alert ORDER BY since DESC LIMIT ?'),
      byState: d.prepare('SELECT * FROM alert WHERE state = ? ORDER BY since DESC LIMIT ?'),
      silenced: d.prepare('UPDATE alert SET silenced = ? WHERE id = ?'),
      details: d.prepare('UPDATE alert SET details = ? WHERE id = ?'),
    };
  }

  /** Runs `fn` in one transaction (a rules run that observes many keys commits once). */
  transaction<T>(fn: () => T): T {
    return this.store.db.transaction(fn)();
  }

  onChange(fn: (c: AlertChange) => void): void {
    this.listeners.push(fn);
  }

  private emit(c: AlertChange): void {
    for (const l of this.listeners) {
      try {
        l(c);
      } catch {
        /* a listener's failure never blocks the alert's record */
      }
    }
  }

  firing(key: string): Alert | undefined {
    const r = this.q.firing.get(key) as Row | undefined;
    return r && fromRow(r);
  }

  /** Raises the alert of `key`, or updates the one already firing (never a duplicate). */
  fire(a: AlertInput, now: number): Alert {
    const db = this.store.db;
    return db.transaction(() => {
      const cur = this.firing(a.key);
      const details = a.details ? JSON.stringify(a.details) : null;
      if (cur) {
        if (cur.summary !== a.summary || cur.severity !== a.severity) {
          this.q.update.run(a.summary, a.severity, details, cur.id);
          const updated = this.get(cur.id)!;
          this.emit({ what: 'updated', alert: updated, previous: cur });
          return updated;
        }
        return cur;
      }
      const id = Number(
        this.q.insert.run(a.key, a.kind, a.severity, a.opd ?? null, a.device ?? null, a.interface ?? null, a.summary, now, details).lastInsertRowid,
      );
      this.q.event.run(id, now, 'fired', 'pantau', null);
      const alert = this.get(id)!;
      this.emit({ what: 'fired', alert });
      return alert;
    })();
  }

  resolve(key: string, now: number): Alert | undefined {
    const db = this.store.db;
    return db.transaction(() => {
      const cur = this.firing(key);
      if (!cur) return undefined;
      this.q.resolve.run(now, cur.id);
      this.q.event.run(cur.id, now, 'resolved', 'pantau', null);
      const alert = this.get(cur.id)!;
      this.emit({ what: 'resolved', alert });
      return alert;
    })();
  }

  ack(id: number, who: string, note: string | undefined, now: number): Alert | undefined {
    const db = this.store.db;
    return db.transaction(() => {
      if (!this.get(id)) return undefined;
      this.q.ack.run(who, now, note ?? null, id);
      this.q.event.run(id, now, 'acked', who, note ?? null);
      const alert = this.get(id)!;
      this.emit({ what: 'acked', alert });
      return alert;
    })();
  }

  get(id: number): Alert | undefined {
    const r = this.q.get.get(id) as Row | undefined;
    return r && fromRow(r);
  }

  list(state: 'firing' | 'resolved' | 'all' = 'firing', limit = 1000): Alert[] {
    const rows = (state === 'all' ? this.q.all.all(limit) : this.q.byState.all(state, limit)) as Row[];
    return rows.map(fromRow);
  }

  /** Keys currently firing whose kind is one of `kinds` (to resolve what no longer holds). */
  firingKeys(kinds: string[]): string[] {
    return this.list('firing').filter((a) => kinds.includes(a.kind)).map((a) => a.key);
  }

  /** The firing alerts of one kind (e.g. every device_down, for dependencies). */
  firingOfKind(kind: string): Alert[] {
    return (this.q.firingOfKind.all(kind) as Row[]).map(fromRow);
  }

  /** Records an event of an alert (escalated, flapping, silenced, notified…) with who and when. */
  record(id: number, what: string, who: string, note: string | undefined, now: number): void {
    this.q.event.run(id, now, what, who, note ?? null);
  }

  /** Marks an alert silenced or not (a silence suppresses notifications only); recorded and emitted as 'updated'. */
  setSilenced(id: number, silenced: boolean, note: string | undefined, now: number): Alert | undefined {
    const db = this.store.db;
    return db.transaction(() => {
      const cur = this.get(id);
      if (!cur || !!cur.silenced === silenced) return cur;
      this.q.silenced.run(silenced ? 1 : 0, id);
      this.q.event.run(id, now, silenced ? 'silenced' : 'unsilenced', 'pantau', note ?? null);
      const alert = this.get(id)!;
      this.emit({ what: 'updated', alert, previous: cur });
      return alert;
    })();
  }

  /** Merges `patch` into an alert's details (e.g. `flapping`), emitted as 'updated'. */
  patchDetails(id: number, patch: Record<string, unknown>): Alert | undefined {
    const cur = this.get(id);
    if (!cur) return undefined;
    this.q.details.run(JSON.stringify({ ...(cur.details ?? {}), ...patch }), id);
    const alert = this.get(id)!;
    this.emit({ what: 'updated', alert, previous: cur });
    return alert;
  }
}
