// What ingest set aside or refused, per device and kind, kept in the store so /status can show
// it as the device's warnings (and it survives a restart), counted per hour-long window.
// Owns the table `ingest_note`: one row per (device, kind, key), where kind is `refused` (key:
// the reason) or `set_aside` (key: the field), with the count of the current window, its start,
// the last time seen and the last message as an example.
import type { Database } from '../storage/sqlite.js';
import type { FieldSetAside, SampleRefusal } from '../../protocol/samples.js';

/** A note counts within an hour-long window; older notes are no longer shown. */
export const NOTE_WINDOW_MS = 3_600_000;

const DDL = `
CREATE TABLE IF NOT EXISTS ingest_note (
  device TEXT NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL, agent TEXT NOT NULL,
  first_ts INTEGER NOT NULL, last_ts INTEGER NOT NULL, count INTEGER NOT NULL, example TEXT NOT NULL,
  PRIMARY KEY (device, kind, key)
) WITHOUT ROWID;`;

export interface IngestNote {
  device: string;
  kind: 'refused' | 'set_aside';
  key: string;
  agent: string;
  firstTs: number;
  lastTs: number;
  count: number;
  example: string;
}

export class IngestNotes {
  private readonly upsert;
  private readonly since;
  private readonly forget;

  private static readonly perDb = new WeakMap<Database, IngestNotes>();

  /** The one IngestNotes of a database: its statements are prepared once, not per request. */
  static of(db: Database): IngestNotes {
    let n = IngestNotes.perDb.get(db);
    if (!n) IngestNotes.perDb.set(db, (n = new IngestNotes(db)));
    return n;
  }

  private constructor(db: Database) {
    db.exec(DDL);
    this.upsert = db.prepare(
      `INSERT INTO ingest_note (device, kind, key, agent, first_ts, last_ts, count, example) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (device, kind, key) DO UPDATE SET
         count = CASE WHEN excluded.last_ts - first_ts >= ${NOTE_WINDOW_MS} THEN excluded.count ELSE count + excluded.count END,
         first_ts = CASE WHEN excluded.last_ts - first_ts >= ${NOTE_WINDOW_MS} THEN excluded.first_ts ELSE first_ts END,
         last_ts = max(last_ts, excluded.last_ts), agent = excluded.agent, example = excluded.example`,
    );
    this.forget = db.prepare('DELETE FROM ingest_note WHERE last_ts < ?');
    this.since = db.prepare('SELECT device, kind, key, agent, first_ts AS firstTs, last_ts AS lastTs, count, example FROM ingest_note WHERE last_ts >= ? ORDER BY device, kind, key');
  }

  /** Records one batch's refusals and set-asides (grouped: one row update per device and kind). */
  record(agent: string, refused: readonly SampleRefusal[], setAside: readonly FieldSetAside[], now: number): IngestNote[] {
    const groups = new Map<string, IngestNote>();
    const add = (device: string, kind: IngestNote['kind'], key: string, example: string): void => {
      const id = `${device}\u0000${kind}\u0000${key}`;
      const g = groups.get(id);
      if (g) {
        g.count++;
        g.example = example;
      } else groups.set(id, { device, kind, key, agent, firstTs: now, lastTs: now, count: 1, example });
    };
    for (const r of refused) add(r.device ?? '(no device)', 'refused', r.reason, r.error);
    for (const a of setAside) add(a.device ?? '(no device)', 'set_aside', a.field, a.error);
    this.forget.run(now - 24 * NOTE_WINDOW_MS); // a day: notes of devices long fixed or removed go
    for (const g of groups.values()) this.upsert.run(g.device, g.kind, g.key, g.agent, g.firstTs, g.lastTs, g.count, g.example.slice(0, 300));
    return [...groups.values()];
  }

  /** Notes seen within the window before `now`. */
  recent(now: number): IngestNote[] {
    return this.since.all(now - NOTE_WINDOW_MS) as IngestNote[];
  }
}

/** A note as a line of a device's warnings on /status. */
export function describeNote(n: IngestNote): string {
  const samples = n.count === 1 ? '1 sample' : `${n.count} samples`;
  if (n.kind === 'refused') return `ingest: ${samples} refused within the hour (${n.key}), the rest stored: ${n.example}`;
  return `ingest: ${n.key} set aside on ${samples} within the hour, the rest of each sample stored: ${n.example}`;
}
