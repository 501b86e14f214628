// Silences: maintenance windows by OPD, device or kind (at least one), with a reason, a start
// and an end. They suppress notifications, never checks: matching alerts still fire and are
// marked `silenced`. Created and deleted with who and when (the silence table is the audit).
import type { Alert, AlertStore } from '../rules/alert-store.js';
import type { Store } from '../storage/store.js';

export interface Silence {
  id: number;
  opd?: string;
  device?: string;
  kind?: string;
  reason: string;
  start: number;
  end: number;
  createdBy: string;
  createdAt: number;
  deletedBy?: string;
  deletedAt?: number;
}

export type SilenceInput = Pick<Silence, 'opd' | 'device' | 'kind' | 'reason' | 'start' | 'end'>;

interface Row {
  id: number; opd: string | null; device: string | null; kind: string | null; reason: string; start_ts: number; end_ts: number;
  created_by: string; created_at: number; deleted_by: string | null; deleted_at: number | null;
}

function fromRow(r: Row): Silence {
  const s: Silence = { id: r.id, reason: r.reason, start: r.start_ts, end: r.end_ts, createdBy: r.created_by, createdAt: r.created_at };
  if (r.opd !== null) s.opd = r.opd;
  if (r.device !== null) s.device = r.device;
  if (r.kind !== null) s.kind = r.kind;
  if (r.deleted_by !== null) s.deletedBy = r.deleted_by;
  if (r.deleted_at !== null) s.deletedAt = r.deleted_at;
  return s;
}

export class Silences {
  private readonly q;
  /** Silences not deleted and not yet over, kept in memory: every alert change asks. */
  private live: Silence[];

  constructor(
    store: Store,
    private readonly alerts: AlertStore,
    /** The OPD of a device, for alerts that name only their device. */
    private readonly opdOf: (device: string) => string | undefined = () => undefined,
  ) {
    const d = store.db;
    this.q = {
      insert: d.prepare('INSERT INTO silence (opd, device, kind, reason, start_ts, end_ts, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
      get: d.prepare('SELECT * FROM silence WHERE id = ?'),
      del: d.prepare('UPDATE silence SET deleted_by = ?, deleted_at = ? WHERE id = ? AND deleted_at IS NULL'),
      live: d.prepare('SELECT * FROM silence WHERE deleted_at IS NULL AND end_ts > ? ORDER BY start_ts'),
      overlapping: d.prepare('SELECT * FROM silence WHERE start_ts < ? AND min(end_ts, coalesce(deleted_at, end_ts)) > ? ORDER BY start_ts'),
      list: d.prepare('SELECT * FROM silence WHERE (deleted_at IS NULL AND end_ts > ?) OR ? = 1 ORDER BY id DESC LIMIT 1000'),
    };
    this.live = (this.q.live.all(0) as Row[]).map(fromRow);
  }

  create(s: SilenceInput, who: string, now: number): Silence {
    const id = Number(this.q.insert.run(s.opd ?? null, s.device ?? null, s.kind ?? null, s.reason, s.start, s.end, who, now).lastInsertRowid);
    const created = fromRow(this.q.get.get(id) as Row);
    this.live.push(created);
    this.apply(now);
    return created;
  }

  /** Ends a silence at once; undefined when there is no such silence (or it was deleted before). */
  delete(id: number, who: string, now: number): Silence | undefined {
    if (this.q.del.run(who, now, id).changes === 0) return undefined;
    this.live = this.live.filter((s) => s.id !== id);
    this.apply(now);
    return fromRow(this.q.get.get(id) as Row);
  }

  get(id: number): Silence | undefined {
    const r = this.q.get.get(id) as Row | undefined;
    return r && fromRow(r);
  }

  /** Active and future silences (`all`: also deleted and expired ones). */
  list(now: number, all = false): Silence[] {
    return (this.q.list.all(now, all ? 1 : 0) as Row[]).map(fromRow);
  }

  /**
   * Maintenance windows of a device within [from, to), as they were in force (a deleted
   * silence ended when it was deleted), clipped to the period: what up-time reports as planned
   * apart from outages. A window matches by the device, its OPD, and `kind` (default
   * device_down; a silence without a kind matches every kind).
   */
  windowsOf(device: string, from: number, to: number, kind = 'device_down'): { start: number; end: number; silence: number; reason: string }[] {
    const opd = this.opdOf(device);
    return (this.q.overlapping.all(to, from) as Row[])
      .map(fromRow)
      .filter((s) => (s.device === undefined || s.device === device) && (s.opd === undefined || s.opd === opd) && (s.kind === undefined || s.kind === kind) && (s.device !== undefined || s.opd !== undefined || s.kind !== undefined))
      .map((s) => ({ start: Math.max(from, s.start), end: Math.min(to, s.end, s.deletedAt ?? s.end), silence: s.id, reason: s.reason }));
  }

  /** The active silence that matches an alert at `at`, if any. */
  matching(a: Pick<Alert, 'opd' | 'device' | 'kind'>, at: number): Silence | undefined {
    const opd = a.opd ?? (a.device !== undefined ? this.opdOf(a.device) : undefined);
    return this.live.find(
      (s) => s.start <= at && at < s.end && (s.opd === undefined || s.opd === opd) && (s.device === undefined || s.device === a.device) && (s.kind === undefined || s.kind === a.kind),
    );
  }

  /** Marks every firing alert silenced or not as of `at` (silences start and expire); forgets silences that are over. */
  apply(at: number): void {
    this.live = this.live.filter((s) => s.end > at);
    for (const a of this.alerts.list('firing', 1_000_000)) {
      const s = this.matching(a, at);
      if (!!a.silenced !== (s !== undefined)) this.alerts.setSilenced(a.id, s !== undefined, s ? `silence ${s.id}: ${s.reason}` : undefined, at);
    }
  }

  /** For a newly fired alert: marks it silenced when a silence matches. */
  onFired(a: Alert, at: number): void {
    const s = this.matching(a, at);
    if (s) this.alerts.setSilenced(a.id, true, `silence ${s.id}: ${s.reason}`, at);
  }
}
