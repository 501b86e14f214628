// Packs raw interface samples older than `chunkAfterHours` into chunks: one per series per
// 12-hour period (UTC). Why 12 hours: a chunk is a row of the rowid table iface_chunk, and
// SQLite keeps a row whole on its leaf page up to ~4 KB, spilling the rest into full overflow
// pages. 720 samples at a 60 s poll encode to ~5.6 KB: one full overflow page plus a local part
// that shares its leaf page with others. 6-hour chunks (~2.9 KB) sit one to a 4 KiB page and
// waste a third of it: measured on the benchmark's data, 11.6 B a sample on disk for 6 h
// chunks, 8.9 B for 12 h, 8.8 B for 24 h, against 7.8-7.9 B of encoded data. 12 h keeps point
// reads at one 720-sample decode (~0.6 ms) and the unpacked tail at 6-18 hours of rows.
//
// Rows older than chunkAfterHours (cut at a whole hour) are packed: into a new chunk, or merged
// into their period's chunk if it exists (its own samples win on the same ts: a late row never
// rewrites a packed sample), so the current period's chunk grows by an hour of samples per
// round and at most chunkAfterHours + 1 hour of samples stay rows. Each batch of series is one
// transaction: readers see a sample either as a row or in a chunk, never both or neither.
import type { Store } from '../store.js';
import type { Statement } from '../sqlite.js';
import { CHUNK_PERIOD_MS, decodeChunk, encodeChunk, type RawSample } from './codec.js';
import { mergeSamples, rowToSample } from './reader.js';

export { CHUNK_PERIOD_MS };
const PERIODS_PER_VISIT = 2;
const HOUR_MS = 3_600_000;
/** A slice's transaction ends after the series that brings it past this many samples. */
const SLICE_SAMPLES = 20_000;

export interface PackResult {
  series: number;
  /** Samples written into period chunks: rows packed, and segments joined. */
  samples: number;
  chunks: number;
}

export class ChunkPacker {
  private readonly q: Record<string, Statement>;
  /** Series id the next slice starts after (round robin over `runFor` calls). */
  private cursor = 0;
  /** Series whose rows could not be packed (they stay rows, read as before), with the reason. */
  readonly failures = new Map<number, string>();
  /** One series under a savepoint: a series that fails is rolled back alone, not its slice. */
  private readonly packOne;

  constructor(
    private readonly store: Store,
    private readonly opts: { afterHours: number },
  ) {
    const s = (text: string, mode: { pluck?: boolean; safeIntegers?: boolean } = {}) => store.sql(text, mode);
    this.q = {
      series: s('SELECT id FROM series WHERE id > ? ORDER BY id LIMIT ?', { pluck: true }),
      oldest: s('SELECT min(ts) FROM iface_sample WHERE series = ?', { pluck: true }),
      rows: s('SELECT ts, in_oct, out_oct, uptime, speed, flags FROM iface_sample WHERE series = ? AND ts < ? ORDER BY ts', { safeIntegers: true }),
      chunkIn: s('SELECT rowid AS id, data FROM iface_chunk WHERE series = ? AND t0 >= ? AND t0 < ? ORDER BY t0'),
      segPeriods: s('SELECT period FROM chunk_seg WHERE series = ? AND period <= ? ORDER BY period', { pluck: true }),
      segDone: s('DELETE FROM chunk_seg WHERE series = ? AND period = ?'),
      dropChunk: s('DELETE FROM iface_chunk WHERE rowid = ?'),
      putChunk: s('INSERT INTO iface_chunk (series, t0, t1, n, data) VALUES (?, ?, ?, ?, ?)'),
      dropRows: s('DELETE FROM iface_sample WHERE series = ? AND ts < ?'),
    };
    this.packOne = store.db.transaction((series: number, cut: number): PackResult => {
      const one: PackResult = { series: 0, samples: 0, chunks: 0 };
      this.packSeries(series, cut, one);
      return one;
    });
  }

  /** Rows before this are packed at `now`. */
  cutAt(now: number): number {
    return Math.floor((now - this.opts.afterHours * 3_600_000) / HOUR_MS) * HOUR_MS;
  }

  /**
   * The chunks of a series' period [p0, p0 + CHUNK_PERIOD_MS) as one sorted list (they never
   * overlap), deleted: the caller writes them back as one chunk.
   */
  private takePeriod(series: number, p0: number): RawSample[] {
    const old = this.q.chunkIn.all(series, p0, p0 + CHUNK_PERIOD_MS) as { id: number; data: Uint8Array }[];
    const xs: RawSample[] = [];
    for (const c of old) {
      for (const x of decodeChunk(c.data)) xs.push(x);
      this.q.dropChunk.run(c.id);
    }
    return xs;
  }

  /**
   * Packs one series' rows before `cut`, and joins the segments (chunks the merge wrote,
   * chunk_seg) of each period that ended by `cut` into one chunk (inside the caller's transaction).
   */
  private packSeries(series: number, cut: number, into: PackResult): void {
    const q = this.q;
    let did = false;
    for (const p0 of q.segPeriods.all(series, cut - CHUNK_PERIOD_MS) as number[]) {
      const xs = this.takePeriod(series, p0);
      if (xs.length) {
        q.putChunk.run(series, xs[0].ts, xs[xs.length - 1].ts, xs.length, encodeChunk(xs));
        into.chunks++;
        into.samples += xs.length;
      }
      q.segDone.run(series, p0);
      did = true;
    }
    const oldest = q.oldest.get(series) as number | null;
    if (oldest === null || oldest >= cut) {
      if (did) into.series++;
      return;
    }
    // At most a day of periods per visit, so one transaction stays short after an upgrade
    // that finds weeks of rows; the rest waits for the next round.
    cut = Math.min(cut, Math.floor(oldest / CHUNK_PERIOD_MS) * CHUNK_PERIOD_MS + PERIODS_PER_VISIT * CHUNK_PERIOD_MS);
    const rows = (q.rows.all(series, cut) as Parameters<typeof rowToSample>[0][]).map(rowToSample);
    for (let i = 0; i < rows.length; ) {
      const p0 = Math.floor(rows[i].ts / CHUNK_PERIOD_MS) * CHUNK_PERIOD_MS;
      let j = i;
      while (j < rows.length && rows[j].ts < p0 + CHUNK_PERIOD_MS) j++;
      // The period's chunks, stored first, win on a repeated ts (a late row never rewrites a packed sample).
      const xs = mergeSamples(this.takePeriod(series, p0), rows.slice(i, j));
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
        this.cursor = id;
        try {
          const one = this.packOne(id, cut);
          r.series += one.series;
          r.samples += one.samples;
          r.chunks += one.chunks;
          this.failures.delete(id);
        } catch (e) {
          this.failures.set(id, (e as Error).message);
          if (/SQLITE_(BUSY|FULL|IOERR|READONLY|LOCKED)/.test(String((e as { code?: string }).code))) throw e; // the store, not the series
        }
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
