// The backup runs in the store (table backup_run): written by POST /backups (and by ingest,
// for an agent's backupWatch samples), read per OPD for the evaluation. Every statement is
// prepared once, here.
import type { Store } from '../storage/store.js';
import type { BackupRow } from './runs.js';

export interface NewBackupRow {
  opd: string;
  ts: number;
  phase: 'start' | 'end';
  run?: string;
  ok?: boolean;
  bytes?: bigint;
  path?: string;
  durationS?: number;
  source: string;
  sha256?: string;
  reason?: string;
  exitCode?: number;
}

const COLUMNS = 'id, ts, phase, run, ok, bytes, path, duration_s AS durationS, source, sha256, reason, exit_code AS exitCode';
const SINCE_KEY = 'backup_supervision_since';

export class BackupLedger {
  private readonly q;

  constructor(store: Store) {
    const d = store.db;
    this.q = {
      insert: d.prepare(
        'INSERT INTO backup_run (opd, ts, phase, run, ok, bytes, path, duration_s, source, sha256, reason, exit_code) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      same: d.prepare('SELECT id FROM backup_run WHERE opd = ? AND run = ? AND phase = ? LIMIT 1').pluck(),
      since: d.prepare(`SELECT ${COLUMNS} FROM backup_run WHERE opd = ? AND ts >= ? ORDER BY ts, id`),
      first: d.prepare('SELECT min(ts) FROM backup_run').pluck(),
      setSince: d.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)'),
      getSince: d.prepare('SELECT value FROM meta WHERE key = ?').pluck(),
    };
  }

  /** Stores a row; a start or end of a run id already stored is not stored again (a retried report). */
  add(r: NewBackupRow): { id: number; duplicate: boolean } {
    if (r.run !== undefined) {
      const id = this.q.same.get(r.opd, r.run, r.phase) as number | undefined;
      if (id !== undefined) return { id, duplicate: true };
    }
    const res = this.q.insert.run(
      r.opd, r.ts, r.phase, r.run ?? null, r.ok === undefined ? null : r.ok ? 1 : 0, r.bytes?.toString() ?? null, r.path ?? null,
      r.durationS ?? null, r.source, r.sha256 ?? null, r.reason ?? null, r.exitCode ?? null,
    );
    return { id: Number(res.lastInsertRowid), duplicate: false };
  }

  rows(opd: string, since: number): BackupRow[] {
    return this.q.since.all(opd, since) as BackupRow[];
  }

  /** Records that supervision began at `at` (kept from the first call on). */
  begin(at: number): void {
    this.q.setSince.run(SINCE_KEY, String(at));
  }

  /** When supervision began: the first start of a collector with backups, or the first run stored if earlier. */
  supervisedSince(): number | undefined {
    const meta = this.q.getSince.get(SINCE_KEY) as string | undefined;
    const first = this.q.first.get() as number | null;
    const xs = [meta === undefined ? undefined : Number(meta), first ?? undefined].filter((x): x is number => x !== undefined);
    return xs.length ? Math.min(...xs) : undefined;
  }
}
