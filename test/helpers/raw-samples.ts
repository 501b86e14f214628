// Raw interface samples as every reader sees them: rows of iface_sample and chunks (packed
// periods, and the segments the merge writes for long in-order runs), one per (series, ts),
// the chunk winning on the same ts as RawReader does. Tests read stored samples through these,
// not through the rows of one table.
import type { Store } from '../../collector/storage/store.js';
import type { Database } from '../../collector/storage/sqlite.js';
import { RawReader, mergeSamples, rowToSample, type SqlRow } from '../../collector/storage/chunks/reader.js';
import { decodeChunk, type RawSample } from '../../collector/storage/chunks/codec.js';

/** Stored raw samples with from ≤ ts < to, over every series (or one). */
export function rawCount(store: Store, from = Number.MIN_SAFE_INTEGER, to = Number.MAX_SAFE_INTEGER, series?: number): number {
  const reader = new RawReader(store);
  const ids = series === undefined ? (store.db.prepare('SELECT id FROM series').pluck().all() as number[]) : [series];
  let n = 0;
  for (const id of ids) n += reader.range(id, from, to - 1).length;
  return n;
}

export interface StoredSample extends RawSample {
  series: number;
  device: string;
  interface: string;
}

/**
 * Every stored interface sample (of one device, and one interface of it, when given), from
 * any connection to the store (a read-only one on a killed collector's file too), sorted by
 * time, then series.
 */
export function storedSamples(db: Database, device?: string, iface?: string): StoredSample[] {
  const series = db
    .prepare('SELECT s.id, d.name AS device, s.interface FROM series s JOIN device d ON d.id = s.device WHERE (? IS NULL OR d.name = ?) AND (? IS NULL OR s.interface = ?)')
    .all(device ?? null, device ?? null, iface ?? null, iface ?? null) as { id: number; device: string; interface: string }[];
  const rows = db.prepare('SELECT ts, in_oct, out_oct, uptime, speed, flags FROM iface_sample WHERE series = ? ORDER BY ts').safeIntegers(true);
  const chunks = db.prepare('SELECT data FROM iface_chunk WHERE series = ? ORDER BY t0').pluck();
  const out: StoredSample[] = [];
  for (const s of series) {
    const packed = (chunks.all(s.id) as Uint8Array[]).flatMap((d) => decodeChunk(d));
    const raw = (rows.all(s.id) as SqlRow[]).map(rowToSample);
    for (const x of mergeSamples(packed, raw)) out.push({ ...x, series: s.id, device: s.device, interface: s.interface });
  }
  return out.sort((a, b) => a.ts - b.ts || a.series - b.series);
}
