// Packs raw interface samples older than `chunkAfterHours` into chunks: one per series per
// 6-hour period (UTC). Why 6 hours: 360 samples at a 60 s poll encode to 2-4 KB, about one
// 4 KiB page, so a chunk's own overhead (row, key, header: ~80 B) costs ~0.2 B a sample
// (2 h chunks: ~0.7 B) while a point read still decodes only 360 samples (~0.3 ms), and a
// late sample makes the next packing rewrite at most 6 hours of one interface.
//
// Only whole periods are packed: those ending before now − chunkAfterHours. A late row for a
// packed period is folded in the next time (the chunk's own samples win on the same ts).
// Each batch of series is one transaction: readers see a period either as rows or as a chunk.
import type { Store } from '../store.js';
import type { Statement } from '../sqlite.js';
import { decodeChunk, encodeChunk, type RawSample } from './codec.js';
import { mergeSamples, rowToSample } from './reader.js';

export const CHUNK_PERIOD_MS = 6 * 3_600_000;
const PERIODS_PER_VISIT = 4;
/** A slice's transaction ends after the series that brings it past this many samples. */
const SLICE_SAMPLES = 20_000;

export interface PackResult {
  series: number;
  samples: number;
  chunks: number;
}

export class ChunkPacker {
  private readonly q: Record<string, Statement>;
  /** Series id the next slice starts after (round robin over `runFor` calls). */
  private cursor = 0;

  constructor(
    private readonly store: Store,
    private readonly opts: { afterHours: number },
  ) {
    const s = (text: string, mode: { pluck?: boolean; safeIntegers?: boolean } = {}) => store.sql(text, mode);
    this.q = {
      series: s('SELECT id FROM series WHERE id > ? ORDER BY id LIMIT ?', { pluck: true }),
      oldest: s('SELECT min(ts) FROM iface_sample WHERE series = ?', { pluck: true }),
      rows: s('SELECT ts, in_oct, out_oct, uptime, speed, flags FROM iface_sample WHERE series = ? AND ts < ? ORDER BY ts', { safeIntegers: true }),
      chunkIn: s('SELECT rowid AS id, data FROM iface_chunk WHERE series = ? AND t0 >= ? AND t0 < ?'),
      dropChunk: s('DELETE FROM iface_chunk WHERE rowid = ?'),
      putChunk: s('INSERT INTO iface_chunk (series, t0, t1, n, data) VALUES (?, ?, ?, ?, ?)'),
      dropRows: s('DELETE FROM iface_sample WHERE series = ? AND ts < ?'),
    };
  }

  /** Periods that end at or before this are packed at `now`. */
  cutAt(now: number): number {
    return Math.floor((now - this.opts.afterHours * 3_600_000) / CHUNK_PERIOD_MS) * CHUNK_PERIOD_MS;
  }

  /** Packs one series' rows before `cut` (inside the caller's transaction). */
  private packSeries(series: number, cut: number, into: PackResult): void {
    const q = this.q;
    const oldest = q.oldest.get(series) as number | null;
    if (oldest === null || oldest >= cut) return;
    // At most a day of periods per visit, so one transaction stays short after an upgrade
    // that finds weeks of rows; the rest waits for the next round.
    cut = Math.min(cut, Math.floor(oldest / CHUNK_PERIOD_MS) * CHUNK_PERIOD_MS + PERIODS_PER_VISIT * CHUNK_PERIOD_MS);
    const rows = (q.rows.all(series, cut) as Parameters<typeof rowToSample>[0][]).map(rowToSample);
    for (let i = 0; i < rows.length; ) {
      const p0 = Math.floor(rows[i].ts / CHUNK_PERIOD_MS) * CHUNK_PERIOD_MS;
      let j = i;
      while (j < rows.length && rows[j].ts < p0 + CHUNK_PERIOD_MS) j++;
      let xs: RawSample[] = rows.slice(i, j);
      const old = q.chunkIn.get(series, p0, p0 + CHUNK_PERIOD_MS) as { id: number; data: Uint8Array } | undefined;
      if (old) {
        xs = mergeSamples(decodeChunk(old.data), xs); // stored first wins
        q.dropChunk.run(old.id);
      }
      q.putChunk.run(series, xs[0].ts, xs[xs.length - 1].ts, xs.length, encodeChunk(xs));
      into.chunks++;
      i = j;
    }
    q.dropRows.run(series, cut);
    into.series++;
    into.samples += rows.length;
  }

  /** Packs everything due at `now` (tests, the benchmark): rounds until one packs nothing. */
  packAll(now: number): PackResult {
    const total: PackResult = { series: 0, samples: 0, chunks: 0 };
    this.cursor = 0;
    for (let round = 1; round > 0; ) {
      round = 0;
      for (let r = this.slice(now, 200); r !== null; r = this.slice(now, 200)) {
        total.series += r.series;
        total.samples += r.samples;
        total.chunks += r.chunks;
        round += r.samples;
      }
    }
    return total;
  }

  /** One transaction over the next series (at most `batch`); null when the round is complete. */
  private slice(now: number, batch: number): PackResult | null {
    const ids = this.q.series.all(this.cursor, batch) as number[];
    if (ids.length === 0) {
      this.cursor = 0;
      return null;
    }
    const cut = this.cutAt(now);
    const r: PackResult = { series: 0, samples: 0, chunks: 0 };
    this.store.db.transaction(() => {
      for (const id of ids) {
        this.packSeries(id, cut, r);
        this.cursor = id;
        if (r.samples >= SLICE_SAMPLES) break;
      }
    })();
    return r;
  }

  /**
   * Background packing in time slices: series batches of 50 until `budgetMs` is spent or every
   * series was visited; the next call continues where this one stopped.
   */
  runFor(now: number, budgetMs: number): PackResult {
    const end = performance.now() + budgetMs;
    const total: PackResult = { series: 0, samples: 0, chunks: 0 };
    while (performance.now() < end) {
      const r = this.slice(now, 50);
      if (r === null) break;
      total.series += r.series;
      total.samples += r.samples;
      total.chunks += r.chunks;
    }
    return total;
  }
}
