// Raw interface samples as every reader sees them: rows of iface_sample and chunks (packed
// periods, and the segments the merge writes for long in-order runs) through RawReader, one
// per (series, ts). Tests count stored samples with this, not with the rows of one table.
import type { Store } from '../../collector/storage/store.js';
import { RawReader } from '../../collector/storage/chunks/reader.js';

/** Stored raw samples with from ≤ ts < to, over every series (or one). */
export function rawCount(store: Store, from = Number.MIN_SAFE_INTEGER, to = Number.MAX_SAFE_INTEGER, series?: number): number {
  const reader = new RawReader(store);
  const ids = series === undefined ? (store.db.prepare('SELECT id FROM series').pluck().all() as number[]) : [series];
  let n = 0;
  for (const id of ids) n += reader.range(id, from, to - 1).length;
  return n;
}
