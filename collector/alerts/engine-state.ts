// What the alert engine remembers per condition key, kept in the store (table
// alert_engine_state) so that a collector restart does not begin the for and clear periods
// again or forget the flap history: a condition that held 4 of its 5 minutes before a restart
// fires at minute 5. A key is written only when what is remembered of it changed, and keys with
// nothing worth remembering (no period running, no state change in their history) have no
// row. Statements are prepared once, here.
import type { Store } from '../storage/store.js';

export interface SavedKey {
  key: string;
  kind: string;
  device?: string;
  status: string;
  pendingSince?: number;
  clearSince?: number;
  lastActiveAt?: number;
  last?: boolean;
  /** '0'/'1' per observation, oldest first. */
  flap: string;
  flapping: boolean;
}

interface Row {
  key: string; kind: string; device: string | null; status: string; pending_since: number | null; clear_since: number | null;
  last_active_at: number | null; last: number | null; flap: string; flapping: number;
}

export class EngineState {
  private readonly q;
  /** What was last written per key: the row as JSON without lastActiveAt, and lastActiveAt (see save), so an unchanged key costs no write. */
  private readonly written = new Map<string, { json: string; active: number | undefined }>();
  /** Keys marked by save() and not yet written by flush(); undefined: delete the row. */
  private readonly pending = new Map<string, SavedKey | undefined>();
  private readonly writeRows: (rows: [string, SavedKey | undefined][]) => void;
  /** Rows written or deleted since this process started. */
  private count = 0;

  constructor(store: Store) {
    const d = store.db;
    this.q = {
      all: d.prepare('SELECT * FROM alert_engine_state'),
      upsert: d.prepare(
        `INSERT INTO alert_engine_state (key, kind, device, status, pending_since, clear_since, last_active_at, last, flap, flapping)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET kind = excluded.kind, device = excluded.device, status = excluded.status,
           pending_since = excluded.pending_since, clear_since = excluded.clear_since, last_active_at = excluded.last_active_at,
           last = excluded.last, flap = excluded.flap, flapping = excluded.flapping`,
      ),
      del: d.prepare('DELETE FROM alert_engine_state WHERE key = ?'),
    };
    this.writeRows = d.transaction((rows: [string, SavedKey | undefined][]) => {
      for (const [key, k] of rows) {
        if (!k) {
          this.q.del.run(key);
          this.written.delete(key);
        } else {
          this.q.upsert.run(k.key, k.kind, k.device ?? null, k.status, k.pendingSince ?? null, k.clearSince ?? null, k.lastActiveAt ?? null, k.last === undefined ? null : k.last ? 1 : 0, k.flap, k.flapping ? 1 : 0);
          this.remember(k);
        }
        this.count++;
      }
    });
  }

  /** Every key remembered (read once, when the engine starts). */
  load(): SavedKey[] {
    return (this.q.all.all() as Row[]).map((r) => {
      const k: SavedKey = { key: r.key, kind: r.kind, status: r.status, flap: r.flap, flapping: r.flapping === 1 };
      if (r.device !== null) k.device = r.device;
      if (r.pending_since !== null) k.pendingSince = r.pending_since;
      if (r.clear_since !== null) k.clearSince = r.clear_since;
      if (r.last_active_at !== null) k.lastActiveAt = r.last_active_at;
      if (r.last !== null) k.last = r.last === 1;
      this.remember(k);
      return k;
    });
  }

  /**
   * Marks a key for writing if it changed since it was last written; `undefined` forgets it.
   * The rows are written by flush(): at the end of every rules pass (inside its transaction),
   * by the collector's background every second, and at stop. An observation outside a rules
   * pass (an agent's clock judgement, made on ingest) so costs no commit of its own; a crash
   * loses at most the last second of remembered periods, never an alert (the alert store
   * writes those at once). lastActiveAt alone moves with every observation of a firing
   * condition: it is written when it moved by ACTIVE_STEP_MS or more (a restart then resolves
   * a stale alert at most that much early).
   */
  save(key: string, k: SavedKey | undefined): void {
    if (!k) {
      if (this.written.has(key)) this.pending.set(key, undefined);
      else this.pending.delete(key);
      return;
    }
    const before = this.written.get(key);
    const activeMoved = (before?.active === undefined) !== (k.lastActiveAt === undefined) || Math.abs((k.lastActiveAt ?? 0) - (before?.active ?? 0)) >= ACTIVE_STEP_MS;
    if (before?.json === rowJson(k) && !activeMoved) this.pending.delete(key);
    else this.pending.set(key, k);
  }

  /** Writes the keys marked since the last flush (one transaction, or inside the caller's); returns how many. */
  flush(): number {
    if (this.pending.size === 0) return 0;
    const rows = [...this.pending];
    this.pending.clear();
    this.writeRows(rows);
    return rows.length;
  }

  /** Rows written or deleted since this process started (tests: an unchanged key costs nothing). */
  get writes(): number {
    return this.count;
  }

  private remember(k: SavedKey): void {
    this.written.set(k.key, { json: rowJson(k), active: k.lastActiveAt });
  }
}

/** How far lastActiveAt may run ahead of its stored value before it is written again. */
export const ACTIVE_STEP_MS = 60_000;

const rowJson = (k: SavedKey): string => JSON.stringify({ ...k, lastActiveAt: undefined });
