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
  /** What was last written per key (the row as JSON), so an unchanged key costs no write. */
  private readonly written = new Map<string, string>();

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
      this.written.set(r.key, JSON.stringify(k));
      return k;
    });
  }

  /** Writes a key if it changed since it was last written; `undefined` forgets it. */
  save(key: string, k: SavedKey | undefined): void {
    if (!k) {
      if (this.written.delete(key)) this.q.del.run(key);
      return;
    }
    const json = JSON.stringify(k);
    if (this.written.get(key) === json) return;
    this.q.upsert.run(k.key, k.kind, k.device ?? null, k.status, k.pendingSince ?? null, k.clearSince ?? null, k.lastActiveAt ?? null, k.last === undefined ? null : k.last ? 1 : 0, k.flap, k.flapping ? 1 : 0);
    this.written.set(key, json);
  }
}
