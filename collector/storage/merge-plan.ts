// The merge's planning (issue 12): which rows, chunks, states, dirty ranges and folded buckets
// a slice of staged samples becomes. It reads the store through `MergeReads` and writes
// through a `MergeSink`, so the same code runs two ways:
// - in the store's own transaction, writing as it goes (Staging.mergeOnce: settle, tests);
// - on the merge thread (merge-worker.ts), on a connection of its own inside a read
//   transaction, recording the writes as a plan that the collector's thread replays in one
//   IMMEDIATE transaction (Staging.applyPlan). The sorting, chunk encoding and fold arithmetic
//   then run beside ingest instead of on its thread.
import type { CounterPoint } from '../accounting/counters.js';
import { CHUNK_PERIOD_MS, emptyColumns, encodeChunk, encodeChunkColumns, type NumColumns, type RawSample } from './chunks/codec.js';
import { foldChain, foldColumnsNum, numColumns, putPoint, type FoldConfig, type FoldResult } from './fold.js';
import { HAS_SPEED, HAS_UPTIME, RECORD, records, recordsOf, sortRecords, type Records } from './staged-records.js';
import type { Database } from './sqlite.js';

/**
 * A series with at least this many samples in one merge, all after its last stored one, is
 * written as a chunk (a segment) instead of a row per sample. Fewer stay rows: a steady poll
 * merged every few seconds would otherwise leave a period in hundreds of one-sample chunks; a
 * busy collector's generations (sixteen samples per series, Store.maintain) make segments.
 */
export const SEGMENT_MIN = 8;

/** Most samples in one generation of the merge (their records are held in memory: 48 MB). */
export const GENERATION_MAX = 1_000_000;

/** What the merge reads of the store (one snapshot: the caller holds a transaction). */
export interface MergeReads {
  /** meta 'merge_gen': "newest batch id:last series merged" of a generation part merged. */
  marker(): string | undefined;
  /** The oldest staged batch, or null. */
  firstId(): number | null;
  /** The newest staged batch whose samples, with every older batch's, are at most `max`. */
  genUpTo(max: number): number | null;
  blobBytes(upTo: number): { batches: number; bytes: number };
  blobs(upTo: number): Iterable<Uint8Array>;
  /** Series waiting for the rollup's recompute. */
  dirtyAll(): number[];
  /** A series' newest stored sample time (rows or chunks), or null. */
  lastTs(series: number): number | null;
}

/** What the merge writes (merge-plan.ts header: live, or recorded into a plan). */
export interface MergeSink {
  /**
   * INSERT OR IGNORE record `k` into iface_sample; whether it is new. `after`: its ts is known
   * to be later than every stored sample of the series (no read needed to know).
   */
  row(series: number, r: Records, k: number, after: boolean): boolean;
  /** A segment: one chunk row, and its period noted for the packer's join. */
  chunk(series: number, t0: number, t1: number, n: number, data: Uint8Array): void;
  /** iface_state from record `k` (the series' newest sample of the slice). */
  state(series: number, r: Records, k: number): void;
  dirty(series: number, from: number, to: number): void;
  fold(series: number, f: FoldResult): void;
  /** The slice's end: the generation continues after `lastSeries`, or (null) it is done and its staged rows go. */
  end(upTo: number, lastSeries: number | null): void;
}

/** The fold's inputs (Rollup sets them: `foldOnMerge`). */
export interface PlannerFold extends FoldConfig {
  /** Buckets before this are final (meta 'final_before'). */
  finalBefore(): number;
  /** The stored sample of a series at `ts` (rows or chunks). */
  sample(series: number, ts: number): CounterPoint;
}

/** What one slice did. */
export interface SliceStats {
  /** Rows and segment samples written. */
  merged: number;
  segments: number;
  folded: number;
  recomputed: number;
}

export interface SliceResult {
  /** Batches completed (the generation's, with its last slice) and samples of the slice; null when nothing is staged. */
  done: { batches: number; samples: number } | null;
  stats: SliceStats;
  /** The generation continues (another slice is due whatever is staged). */
  more: boolean;
}

interface Generation {
  /** The newest staged batch in it. */
  upTo: number;
  batches: number;
  r: Records;
  /** Its records sorted by (series, ts, arrival). */
  order: Uint32Array;
  /** Where in `order` the next slice starts. */
  pos: number;
}

export class MergePlanner {
  /** The fewest samples of a series in one merge written as a segment (tests of the row path set Infinity). */
  segmentMin = SEGMENT_MIN;
  /**
   * The last generation's records and order, reused by the next when big enough (a generation
   * is read only once the one before is done or dropped); at most GENERATION_MAX records.
   */
  private scratch: ArrayBuffer | undefined;
  private orderScratch = new Uint32Array(0);
  fold: PlannerFold | undefined;
  /** The generation being merged, and what it will be once the running slice commits. */
  private gen: Generation | undefined;
  private nextGen: Generation | undefined;
  /**
   * Each series' newest stored sample, as the fold pairs it with the next one: a steady-state
   * merge (one new sample for each of many series) then reads nothing per series. Filled from
   * committed in-order merges only; a series merged out of order is forgotten. Whoever writes
   * the series otherwise (another process settling, the other way of merging) calls reset().
   * Packing into chunks keeps the values; retention can drop a series' newest sample only
   * before the finality cut, where the fold declines anyway.
   */
  private readonly newest = new Map<number, CounterPoint>();
  /** Newest samples of the slice in progress, kept once it commits. */
  private newestPending = new Map<number, CounterPoint | undefined>();

  constructor(private readonly reads: MergeReads) {}

  inGeneration(): boolean {
    return this.gen !== undefined;
  }

  /** Forgets everything read before (the store was written by another way). */
  reset(): void {
    this.gen = undefined;
    this.nextGen = undefined;
    this.newest.clear();
    this.newestPending = new Map();
  }

  /** The slice planned last committed: its generation's position and newest samples hold. */
  commit(): void {
    this.gen = this.nextGen;
    this.nextGen = undefined;
    for (const [series, p] of this.newestPending) {
      if (p) this.newest.set(series, p);
      else this.newest.delete(series);
    }
    this.newestPending = new Map();
  }

  /** The slice planned last did not commit: read the generation again from the store (the marker says how far it got). */
  abort(): void {
    this.gen = undefined;
    this.nextGen = undefined;
    this.newestPending = new Map();
  }

  /**
   * Plans one slice: the next whole series, about `maxSamples` samples, of the current
   * generation (the staged batches up to one id, sorted by series and time, at most
   * GENERATION_MAX samples), starting one when none is under way. The caller holds one
   * transaction over the reads and the sink's writes, then commit()s or abort()s.
   */
  slice(maxSamples: number, sink: MergeSink): SliceResult {
    this.newestPending = new Map();
    this.nextGen = undefined;
    const stats: SliceStats = { merged: 0, segments: 0, folded: 0, recomputed: 0 };
    const q = this.reads;
    let g = this.gen;
    if (!g) {
      const marker = q.marker();
      let upTo: number;
      let after = -1;
      if (marker) [upTo, after] = marker.split(':').map(Number);
      else {
        const first = q.firstId();
        if (first === null) return { done: null, stats, more: false };
        upTo = q.genUpTo(GENERATION_MAX) ?? first; // at least the oldest batch
      }
      const size = q.blobBytes(upTo);
      if (size.batches === 0) {
        sink.end(upTo, null); // a marker without its rows: nothing to continue
        return { done: { batches: 0, samples: 0 }, stats, more: false };
      }
      // Into the buffers of the last generation when they are big enough (see records()).
      const r = records(q.blobs(upTo), size.bytes, this.scratch);
      this.scratch = r.u32.buffer as ArrayBuffer;
      const { n, u32 } = r;
      if (this.orderScratch.length < n) this.orderScratch = new Uint32Array(n);
      const order = this.orderScratch.subarray(0, n);
      // By series, then time; equal keys keep arrival order (the first staged sample wins).
      sortRecords(r, order);
      let pos = 0;
      while (pos < n && u32[order[pos] * 12] <= after) pos++; // series merged before a restart
      g = { upTo, batches: size.batches, r, order, pos };
    }
    const { r, order } = g;
    const u32 = r.u32;
    let end = g.pos;
    while (end < order.length && end - g.pos < maxSamples) {
      const series = u32[order[end] * 12];
      while (end < order.length && u32[order[end] * 12] === series) end++;
    }
    this.body(r, order.subarray(g.pos, end), sink, stats);
    if (end >= order.length) {
      sink.end(g.upTo, null);
      return { done: { batches: g.batches, samples: end - g.pos }, stats, more: false };
    }
    sink.end(g.upTo, u32[order[end - 1] * 12]);
    this.nextGen = { ...g, pos: end };
    return { done: { batches: 0, samples: end - g.pos }, stats, more: true };
  }

  private body(r: Records, order: Uint32Array, sink: MergeSink, stats: SliceStats): void {
    const { u32, f64, u64 } = r;
    const q = this.reads;
    const fold = this.fold;
    const final = fold ? fold.finalBefore() : 0;
    let cur = -1;
    let from = 0;
    let to = 0;
    let latest = -1;
    // Folding: the series' last stored time before this merge, whether every sample inserted
    // now is later than it (and the series not dirty), and those samples in time order.
    let prevTs: number | null = null;
    let prev: CounterPoint | undefined;
    let inOrder = false;
    // The records of those samples (in time order); CounterPoints are made only when the number path cannot fold them.
    let points: number[] = [];
    // Series waiting for the recompute: rollup_dirty is short (the rollup empties it), so one read per merge.
    const dirty = fold ? new Set(q.dirtyAll()) : undefined;
    const start = (s: number) => {
      cur = s;
      if (!fold) return;
      prev = this.newest.get(s);
      prevTs = prev ? prev.ts : q.lastTs(s);
      inOrder = !dirty!.has(s);
      points = [];
    };
    const foldSeries = (): boolean => {
      // Adds the pairs (prev, p0), (p0, p1), ... to the series' buckets; declines (false) when the
      // first pair would cross the finality cut: the recompute handles that.
      if (points.length === 0) return true;
      if (f64[points[0] * 6 + 1] <= final || (prevTs !== null && prevTs < final)) return false;
      const head = prevTs === null ? undefined : (prev ?? fold!.sample(cur, prevTs));
      if (points.length + (head ? 1 : 0) < 2) return true;
      sink.fold(cur, this.foldRecords(r, head, points, fold!) ?? foldChain(head ? [head, ...points.map(point)] : points.map(point), fold!));
      return true;
    };
    const flush = () => {
      if (latest < 0) return;
      sink.state(cur, r, latest);
      if (fold) this.newestPending.set(cur, inOrder && points.length ? point(points[points.length - 1]) : inOrder ? prev : undefined);
      if (fold && inOrder && foldSeries()) stats.folded++;
      else {
        sink.dirty(cur, from, to);
        if (fold) stats.recomputed++;
      }
      latest = -1;
    };
    const point = (k: number): CounterPoint => {
      const f = u32[k * 12 + 1];
      const d = k * 6;
      return { ts: f64[d + 1], inOctets: u64[d + 2], outOctets: u64[d + 3], bits: f & 1 ? 32 : 64, uptime: f & HAS_UPTIME ? f64[d + 4] : undefined, speedBps: f & HAS_SPEED ? f64[d + 5] : undefined };
    };
    for (let i = 0; i < order.length; ) {
      const s = u32[order[i] * 12];
      let j = i + 1;
      while (j < order.length && u32[order[j] * 12] === s) j++;
      start(s);
      const seg = j - i >= this.segmentMin ? this.segment(r, order, i, j, s, fold ? prevTs : undefined, sink) : null;
      if (seg) {
        stats.merged += seg.length;
        stats.segments++;
        from = f64[seg[0] * 6 + 1];
        to = f64[seg[seg.length - 1] * 6 + 1];
        latest = seg[seg.length - 1];
        if (fold && inOrder) for (const k of seg) points.push(k);
      } else {
        let last = NaN;
        for (let x = i; x < j; x++) {
          const k = order[x];
          const t = f64[k * 6 + 1];
          if (t === last) continue; // a repeated ts: the first staged one was inserted or found stored
          last = t;
          if (sink.row(s, r, k, fold !== undefined && (prevTs === null || t > prevTs))) {
            stats.merged++;
            if (latest < 0) from = t;
            to = t; // sorted by time within the series: the last inserted is the newest
            latest = k;
            if (fold && inOrder) {
              if (prevTs !== null && t <= prevTs) inOrder = false; // lands among stored samples: recompute
              else points.push(k);
            }
          }
        }
      }
      flush();
      i = j;
    }
  }

  /** Chain columns reused from series to series (foldRecords). */
  private chainCols = numColumns(0);

  /**
   * The fold of `head` (the series' stored sample before them, if any) and records `ks` in the
   * number path, read straight off the records; null when a value does not fit it (a 32-bit or
   * 2^53-passing counter, or what foldColumnsNum declines): the caller folds CounterPoints.
   */
  private foldRecords(r: Records, head: CounterPoint | undefined, ks: readonly number[], cfg: FoldConfig): FoldResult | null {
    const n = ks.length + (head ? 1 : 0);
    if (this.chainCols.ts.length < n) this.chainCols = numColumns(Math.max(n, 2 * this.chainCols.ts.length));
    const c = this.chainCols;
    let at = 0;
    if (head && !putPoint(c, at++, head)) return null;
    const { u32, f64 } = r;
    for (const k of ks) {
      const w = k * 12;
      const d = k * 6;
      const f = u32[w + 1];
      const inOct = counterNum(u32, w + 4);
      const outOct = counterNum(u32, w + 6);
      if (f & 1 || inOct < 0 || outOct < 0) return null; // 32-bit, or a counter from 2^53
      c.ts[at] = f64[d + 1];
      c.ins[at] = inOct;
      c.outs[at] = outOct;
      c.ups[at] = f & HAS_UPTIME ? f64[d + 4] : NaN;
      at++;
    }
    return foldColumnsNum(c, n, cfg);
  }

  /**
   * Writes a series' samples of this merge (`order[i..j)`, sorted by time) as chunks of their
   * own (segments, cut at CHUNK_PERIOD_MS edges), when they all follow its last stored sample
   * (`prevTs`; undefined: read it here) and every value fits a chunk exactly; returns the
   * records written (the first of each ts), or null to leave them to iface_sample rows. One
   * row per series and period instead of a row per sample: a long run costs one B-tree write,
   * and the packer joins a period's segments later.
   */
  private segment(r: Records, order: Uint32Array, i: number, j: number, series: number, prevTs: number | null | undefined, sink: MergeSink): number[] | null {
    const { u32, f64 } = r;
    const last = prevTs === undefined ? (this.newest.get(series)?.ts ?? this.reads.lastTs(series)) : prevTs;
    const kept: number[] = [];
    let t = -Infinity;
    for (let x = i; x < j; x++) {
      const k = order[x];
      const ts = f64[k * 6 + 1];
      if (ts === t) continue; // a repeated ts: the first staged wins
      const f = u32[k * 12 + 1];
      if (!Number.isSafeInteger(ts) || (last !== null && ts <= last)) return null;
      if ((f & HAS_UPTIME && !Number.isSafeInteger(f64[k * 6 + 4])) || (f & HAS_SPEED && !Number.isSafeInteger(f64[k * 6 + 5]))) return null;
      kept.push(k);
      t = ts;
    }
    // Cut at period edges; each piece encoded from number columns read straight off the records
    // (no RawSample, no BigInt per sample), or as RawSamples when a counter passes 2^53.
    const cuts: number[] = [0];
    for (let x = 1; x < kept.length; x++)
      if (Math.floor(f64[kept[x] * 6 + 1] / CHUNK_PERIOD_MS) !== Math.floor(f64[kept[x - 1] * 6 + 1] / CHUNK_PERIOD_MS)) cuts.push(x);
    cuts.push(kept.length);
    const pieces: { t0: number; t1: number; n: number; data: Uint8Array }[] = [];
    try {
      for (let p = 0; p + 1 < cuts.length; p++) {
        const ks = kept.slice(cuts[p], cuts[p + 1]);
        const data = encodeChunkColumns(columnsOf(r, ks)) ?? encodeChunk(ks.map((k) => rawOf(r, k)));
        pieces.push({ t0: f64[ks[0] * 6 + 1], t1: f64[ks[ks.length - 1] * 6 + 1], n: ks.length, data });
      }
    } catch {
      return null; // not representable as a chunk (checked above; rows take anything)
    }
    for (const x of pieces) sink.chunk(series, x.t0, x.t1, x.n, x.data);
    return kept;
  }
}

/** Record k as a RawSample (the bigint encoder's input). */
function rawOf(r: Records, k: number): RawSample {
  const d = k * 6;
  const f = r.u32[k * 12 + 1];
  return {
    ts: r.f64[d + 1],
    inOct: r.u64[d + 2],
    outOct: r.u64[d + 3],
    uptime: f & HAS_UPTIME ? BigInt(r.f64[d + 4]) : null,
    speed: f & HAS_SPEED ? BigInt(r.f64[d + 5]) : null,
    flags: f & 7,
  };
}

const TWO_32 = 2 ** 32;
const HI_SAFE = 2 ** 21; // a u64 whose high word is below this is below 2^53

/** The u64 counter at words `w`, `w + 1` of a record (little-endian) as a number, or -1 from 2^53. */
const counterNum = (u32: Uint32Array, w: number): number => (u32[w + 1] < HI_SAFE ? u32[w + 1] * TWO_32 + u32[w] : -1);

/** Records `ks` as number columns; a counter column is null when one of its values passes 2^53. */
function columnsOf(r: Records, ks: readonly number[]): NumColumns {
  const { u32, f64 } = r;
  const n = ks.length;
  const { ts, uptime, speed, flags, ...counters } = emptyColumns(n);
  let inOct: number[] | null = counters.inOct;
  let outOct: number[] | null = counters.outOct;
  for (let x = 0; x < n; x++) {
    const k = ks[x];
    const w = k * 12;
    const d = k * 6;
    const f = u32[w + 1];
    ts[x] = f64[d + 1];
    // in u64 @16 (words 4, 5), out @24 (words 6, 7)
    if (inOct) inOct = (inOct[x] = counterNum(u32, w + 4)) < 0 ? null : inOct;
    if (outOct) outOct = (outOct[x] = counterNum(u32, w + 6)) < 0 ? null : outOct;
    uptime[x] = f & HAS_UPTIME ? f64[d + 4] : null;
    speed[x] = f & HAS_SPEED ? f64[d + 5] : null;
    flags[x] = f & 7;
  }
  return { ts, inOct, outOct, uptime, speed, flags };
}

/** A slice's writes, recorded (merge-worker.ts) to be replayed by the store's connection (Staging.applyPlan). */
export interface MergePlan {
  /** Rows to INSERT OR IGNORE, as staged records (RECORD bytes each). */
  rows: ArrayBuffer;
  /** Per interface whose state the slice sets, its newest record. */
  states: ArrayBuffer;
  /** Per segment: series, t0, t1, n, byte offset and length in `chunkData`. */
  chunks: Float64Array;
  chunkData: Uint8Array;
  /** Per dirty series: series, from, to. */
  dirty: Float64Array;
  folds: { series: number; f: FoldResult }[];
  end: { upTo: number; lastSeries: number | null } | undefined;
}

/** A growable byte buffer of staged records. */
class RecordList {
  private buf = new Uint8Array(RECORD * 256);
  n = 0;
  add(r: Records, k: number): void {
    if ((this.n + 1) * RECORD > this.buf.length) {
      const b = new Uint8Array(this.buf.length * 2);
      b.set(this.buf);
      this.buf = b;
    }
    this.buf.set(new Uint8Array(r.u32.buffer, k * RECORD, RECORD), this.n * RECORD);
    this.n++;
  }
  take(): ArrayBuffer {
    return this.buf.buffer.slice(0, this.n * RECORD) as ArrayBuffer;
  }
}

/** Records a slice's writes as a MergePlan; `exists` answers whether a row is stored (INSERT OR IGNORE's question). */
export class RecordingSink implements MergeSink {
  private readonly rowList = new RecordList();
  private readonly stateList = new RecordList();
  private readonly chunkMeta: number[] = [];
  private readonly chunkBlobs: Uint8Array[] = [];
  private chunkBytes = 0;
  private readonly dirtyList: number[] = [];
  private readonly folds: { series: number; f: FoldResult }[] = [];
  private ended: MergePlan['end'];

  constructor(private readonly exists: (series: number, ts: number) => boolean) {}

  row(series: number, r: Records, k: number, after: boolean): boolean {
    if (!after && this.exists(series, r.f64[k * 6 + 1])) return false;
    this.rowList.add(r, k);
    return true;
  }
  chunk(series: number, t0: number, t1: number, n: number, data: Uint8Array): void {
    this.chunkMeta.push(series, t0, t1, n, this.chunkBytes, data.length);
    this.chunkBlobs.push(data);
    this.chunkBytes += data.length;
  }
  state(_series: number, r: Records, k: number): void {
    this.stateList.add(r, k);
  }
  dirty(series: number, from: number, to: number): void {
    this.dirtyList.push(series, from, to);
  }
  fold(series: number, f: FoldResult): void {
    this.folds.push({ series, f });
  }
  end(upTo: number, lastSeries: number | null): void {
    this.ended = { upTo, lastSeries };
  }

  plan(): MergePlan {
    const chunkData = new Uint8Array(this.chunkBytes);
    let at = 0;
    for (const b of this.chunkBlobs) {
      chunkData.set(b, at);
      at += b.length;
    }
    return {
      rows: this.rowList.take(),
      states: this.stateList.take(),
      chunks: Float64Array.from(this.chunkMeta),
      chunkData,
      dirty: Float64Array.from(this.dirtyList),
      folds: this.folds,
      end: this.ended,
    };
  }
}

/** Replays a recorded plan through a live sink (inside the caller's transaction). */
export function replay(plan: MergePlan, sink: MergeSink): void {
  const rows = recordsOf(plan.rows);
  for (let k = 0; k < rows.n; k++) sink.row(rows.u32[k * 12], rows, k, true);
  const states = recordsOf(plan.states);
  for (let k = 0; k < states.n; k++) sink.state(states.u32[k * 12], states, k);
  const c = plan.chunks;
  for (let x = 0; x < c.length; x += 6) sink.chunk(c[x], c[x + 1], c[x + 2], c[x + 3], plan.chunkData.subarray(c[x + 4], c[x + 4] + c[x + 5]));
  const d = plan.dirty;
  for (let x = 0; x < d.length; x += 3) sink.dirty(d[x], d[x + 1], d[x + 2]);
  for (const { series, f } of plan.folds) sink.fold(series, f);
  if (plan.end) sink.end(plan.end.upTo, plan.end.lastSeries);
}

/** The merge's reads on a connection, with INSERT OR IGNORE's question for a recorded row. */
export function storeReads(db: Database): MergeReads & { exists(series: number, ts: number): boolean } {
  const q = {
    firstId: db.prepare('SELECT min(id) FROM ingest_stage').pluck(),
    genUpTo: db.prepare('SELECT max(id) FROM (SELECT id, sum(n) OVER (ORDER BY id) AS upto FROM ingest_stage) WHERE upto <= ?').pluck(),
    genGet: db.prepare("SELECT value FROM meta WHERE key = 'merge_gen'").pluck(),
    blobs: db.prepare('SELECT data FROM ingest_stage WHERE id <= ? ORDER BY id').pluck(),
    blobBytes: db.prepare('SELECT count(*) AS batches, coalesce(sum(length(data)), 0) AS bytes FROM ingest_stage WHERE id <= ?'),
    // The newest stored sample, raw or packed (collector/storage/chunks): a series whose raw rows
    // were all packed still has a previous sample for the fold's first pair.
    lastTs: db.prepare(
      `SELECT nullif(max(coalesce((SELECT max(ts) FROM iface_sample WHERE series = ?), -1),
                         coalesce((SELECT t1 FROM iface_chunk WHERE series = ? ORDER BY t0 DESC LIMIT 1), -1)), -1)`,
    ).pluck(),
    dirtyAll: db.prepare('SELECT series FROM rollup_dirty').pluck(),
    exists: db.prepare('SELECT 1 FROM iface_sample WHERE series = ? AND ts = ?').pluck(),
  };
  return {
    marker: () => q.genGet.get() as string | undefined,
    firstId: () => q.firstId.get() as number | null,
    genUpTo: (max) => q.genUpTo.get(max) as number | null,
    blobBytes: (upTo) => q.blobBytes.get(upTo) as { batches: number; bytes: number },
    blobs: (upTo) => q.blobs.iterate(upTo) as Iterable<Uint8Array>,
    dirtyAll: () => q.dirtyAll.all() as number[],
    lastTs: (series) => q.lastTs.get(series, series) as number | null,
    exists: (series, ts) => q.exists.get(series, ts) !== undefined,
  };
}
