// Every read of raw interface samples goes through here: the packed chunks (iface_chunk) and
// the rows not yet packed (iface_sample) read as one sorted series. A row in iface_sample with
// the ts of a packed sample is a late duplicate: the chunk, stored first, wins (stored history
// is never rewritten by one late sample). Retention (prune) drops whole chunks and re-encodes
// only the chunk that holds the cut, from the kept sample on.
import { fromI64 } from '../store.js';
import type { CounterPoint } from '../../accounting/counters.js';
import type { Statement, StatementMode } from '../sqlite.js';
import { decodeChunk, encodeChunk, type RawSample } from './codec.js';

/** A chunk's place; its data is read only when a query falls inside it (blobs span pages). */
interface ChunkRow {
  id: number;
  t0: number;
  t1: number;
}

/** A row of `SELECT ts, in_oct, out_oct, uptime, speed, flags FROM iface_sample` with safeIntegers (what rawReads hands the rollup too). */
export interface SqlRow {
  ts: bigint;
  in_oct: bigint;
  out_oct: bigint;
  uptime: bigint | null;
  speed: bigint | null;
  flags: bigint;
}

export const rowToSample = (r: SqlRow): RawSample => ({
  ts: Number(r.ts),
  inOct: fromI64(r.in_oct),
  outOct: fromI64(r.out_oct),
  uptime: r.uptime,
  speed: r.speed,
  flags: Number(r.flags),
});

/** A stored sample as the counter rules take it. */
export const rawToPoint = (x: RawSample): CounterPoint => ({
  ts: x.ts,
  inOctets: x.inOct,
  outOctets: x.outOct,
  bits: (x.flags & 1) === 1 ? 32 : 64,
  uptime: x.uptime === null ? undefined : Number(x.uptime),
  speedBps: x.speed === null ? undefined : Number(x.speed),
});

/** What the reader prepares its statements on: a Store, or a bare connection's equivalent (the merge thread). */
export interface SqlSource {
  sql(text: string, mode?: StatementMode): Statement;
}

/** Sorted by ts; on the same ts the first list (the chunks) wins. */
export function mergeSamples(first: RawSample[], second: RawSample[]): RawSample[] {
  if (second.length === 0) return first;
  if (first.length === 0) return second;
  const out: RawSample[] = [];
  let i = 0;
  let j = 0;
  while (i < first.length || j < second.length) {
    if (j >= second.length || (i < first.length && first[i].ts <= second[j].ts)) {
      if (j < second.length && second[j].ts === first[i].ts) j++;
      out.push(first[i++]);
    } else out.push(second[j++]);
  }
  return out;
}

const maxOf = (a: number | null, b: number | null): number | null => (a === null ? b : b === null ? a : Math.max(a, b));
const minOf = (a: number | null, b: number | null): number | null => (a === null ? b : b === null ? a : Math.min(a, b));

export class RawReader {
  private readonly q: Record<string, Statement>;

  constructor(store: SqlSource) {
    const s = (text: string, mode: { pluck?: boolean; safeIntegers?: boolean } = {}) => store.sql(text, mode);
    const cols = 'SELECT ts, in_oct, out_oct, uptime, speed, flags FROM iface_sample WHERE series = ?';
    this.q = {
      rowBefore: s('SELECT max(ts) FROM iface_sample WHERE series = ? AND ts < ?', { pluck: true }),
      rowAfter: s('SELECT min(ts) FROM iface_sample WHERE series = ? AND ts > ?', { pluck: true }),
      rows: s(`${cols} AND ts >= ? AND ts <= ? ORDER BY ts`, { safeIntegers: true }),
      // The chunk that starts last before a time, and the first one starting after it.
      chunkFrom: s('SELECT rowid AS id, t0, t1 FROM iface_chunk WHERE series = ? AND t0 <= ? ORDER BY t0 DESC LIMIT 1'),
      chunkAfter: s('SELECT rowid AS id, t0, t1 FROM iface_chunk WHERE series = ? AND t0 > ? ORDER BY t0 LIMIT 1'),
      chunkData: s('SELECT data FROM iface_chunk WHERE rowid = ?', { pluck: true }),
      chunks: s(
        `SELECT rowid AS id, t0, t1 FROM iface_chunk WHERE series = ? AND t0 <= ?
           AND t0 >= coalesce((SELECT max(t0) FROM iface_chunk WHERE series = ? AND t0 <= ?), -9007199254740991) ORDER BY t0`,
      ),
      dropRows: s('DELETE FROM iface_sample WHERE series = ? AND ts < ?'),
      dropChunks: s('DELETE FROM iface_chunk WHERE series = ? AND t1 < ?'),
      dropChunk: s('DELETE FROM iface_chunk WHERE rowid = ?'),
      putChunk: s('INSERT INTO iface_chunk (series, t0, t1, n, data) VALUES (?, ?, ?, ?, ?)'),
    };
  }

  private decode(c: ChunkRow): RawSample[] {
    return decodeChunk(this.q.chunkData.get(c.id) as Uint8Array);
  }

  /** The newest sample time before `t`, or null. */
  before(series: number, t: number): number | null {
    const row = this.q.rowBefore.get(series, t) as number | null;
    const c = this.q.chunkFrom.get(series, t - 1) as ChunkRow | undefined;
    if (!c) return row;
    if (c.t1 < t) return maxOf(row, c.t1);
    if (row !== null && row >= t - 1) return row;
    const xs = this.decode(c);
    let k = xs.length - 1;
    while (xs[k].ts >= t) k--; // xs[0].ts = t0 < t
    return maxOf(row, xs[k].ts);
  }

  /** The oldest sample time after `t`, or null. */
  after(series: number, t: number): number | null {
    const row = this.q.rowAfter.get(series, t) as number | null;
    const c = this.q.chunkFrom.get(series, t) as ChunkRow | undefined;
    if (c && c.t1 > t) {
      if (row !== null && row <= t + 1) return row;
      const xs = this.decode(c);
      let k = 0;
      while (xs[k].ts <= t) k++; // ends at t1 > t
      return minOf(row, xs[k].ts);
    }
    const n = this.q.chunkAfter.get(series, t) as ChunkRow | undefined;
    return minOf(row, n ? n.t0 : null);
  }

  /** The oldest sample time at or after `t`, or null. */
  atOrAfter(series: number, t: number): number | null {
    return this.after(series, t - 1);
  }

  /** Every sample with from ≤ ts ≤ to, sorted, one per ts. */
  range(series: number, from: number, to: number): RawSample[] {
    if (to < from) return [];
    const packed: RawSample[] = [];
    for (const c of this.q.chunks.all(series, to, series, from) as ChunkRow[]) {
      if (c.t1 < from) continue;
      for (const x of this.decode(c)) if (x.ts >= from && x.ts <= to) packed.push(x);
    }
    const rows = (this.q.rows.all(series, from, to) as SqlRow[]).map(rowToSample);
    return mergeSamples(packed, rows);
  }

  /** The sample at `ts`, or undefined. */
  sample(series: number, ts: number): RawSample | undefined {
    return this.range(series, ts, ts)[0];
  }

  /**
   * Retention: drops the samples before `before` (run inside the caller's transaction). Whole
   * chunks go; the chunk that straddles `before` is written again from `before` on.
   */
  prune(series: number, before: number): void {
    const q = this.q;
    q.dropRows.run(series, before);
    q.dropChunks.run(series, before);
    const c = q.chunkFrom.get(series, before - 1) as ChunkRow | undefined;
    if (!c || c.t0 >= before) return;
    const kept = this.decode(c).filter((x) => x.ts >= before);
    q.dropChunk.run(c.id);
    if (kept.length) q.putChunk.run(series, kept[0].ts, kept[kept.length - 1].ts, kept.length, encodeChunk(kept));
  }
}

/** Back to the row shape of `SELECT … FROM iface_sample` with safeIntegers (the rollup's). */
const toRow = (x: RawSample) => ({ ts: BigInt(x.ts), in_oct: x.inOct, out_oct: x.outOct, uptime: x.uptime, speed: x.speed, flags: BigInt(x.flags) });

/**
 * The rollup's raw reads with the call shapes of the prepared statements they replace
 * (`before.get(series, t)`, `samples.all(series, from, to)`, `pruneRaw.run(series, t)`, …).
 */
export function rawReads(store: SqlSource) {
  const r = new RawReader(store);
  return {
    before: { get: (series: number, t: number) => r.before(series, t) },
    after: { get: (series: number, t: number) => r.after(series, t) },
    atOrAfter: { get: (series: number, t: number) => r.atOrAfter(series, t) },
    samples: { all: (series: number, from: number, to: number): unknown[] => r.range(series, from, to).map(toRow) },
    sample: {
      get: (series: number, ts: number): unknown => {
        const x = r.sample(series, ts);
        return x && toRow(x);
      },
    },
    pruneRaw: { run: (series: number, before: number) => r.prune(series, before) },
  };
}
