// Ingest staging (issue 12): an acknowledged batch's interface samples are first appended to
// `ingest_stage` as one row of fixed-width records (one sequential write, committed with the
// batch's idempotence row), and merged later, sorted by (series, ts), into iface_sample,
// iface_state and rollup_dirty, deleting the staged rows in the same transaction. A crash
// leaves each batch either staged or merged, never both, never half.
//
// Contract: readers of iface_sample / iface_state / rollup_dirty call Store.settle() first
// (Rollup.drain and buildStatus do), so an acknowledged sample is visible to every read.
// The first staged sample of a (series, ts) wins, as INSERT OR IGNORE did at ingest.
import { endianness } from 'node:os';
import type { Database, Statement, Transaction } from './sqlite.js';
import type { CounterPoint } from '../accounting/counters.js';
import { otherWrites } from './other-writes.js';
import { CHUNK_PERIOD_MS, encodeChunk, type RawSample } from './chunks/codec.js';

/**
 * A series with at least this many samples in one merge, all after its last stored one, is
 * written as a chunk (a segment) instead of a row per sample. Fewer stay rows: a steady poll
 * merged every few seconds would otherwise leave a period in hundreds of one-sample chunks; a
 * busy collector's generations (sixteen samples per series, Store.maintain) make segments.
 */
export const SEGMENT_MIN = 8;

/**
 * Folds a series' new samples, all later than its last stored one (`prevTs`, null for a new
 * series; `prev` that sample itself when the merge knows it) and the series not waiting for the
 * rollup, straight into its buckets; false when it cannot (the rollup then recomputes the
 * range). Runs inside the merge's transaction.
 */
export type MergeFold = (series: number, prevTs: number | null, points: CounterPoint[], prev?: CounterPoint) => boolean;

/**
 * A batch's interface samples as columns (collector/ingest/packed.ts builds them in a parse
 * worker). flags: bit0 32-bit counter, bit1 operUp known, bit2 operUp (iface_sample.flags). */
export interface IfaceColumns {
  n: number;
  /** Distinct "device\u0000interface" of the batch. */
  keys: string[];
  /** Per sample: its index in `keys`. */
  key: Uint32Array;
  ts: Float64Array;
  inOctets: BigUint64Array;
  outOctets: BigUint64Array;
  /** NaN: unknown. */
  uptime: Float64Array;
  /** NaN: unknown. */
  speed: Float64Array;
  flags: Uint8Array;
  /** Per sample: its index in the body's `samples`. */
  index: Uint32Array;
  /**
   * The samples as staged records (`RECORD` bytes each, in sample order), built where the
   * columns are (a parse worker) with the series field 0: the store writes each record's
   * series id and stages them without another pass over the fields.
   */
  records: ArrayBuffer;
}
/** Bytes per staged interface sample. */
export const RECORD = 48;
// Record layout, little-endian: series u32 @0, flags u32 @4, ts f64 @8, in u64 @16, out u64 @24,
// uptime f64 @32 (hundredths of a second), speed f64 @40 (bit/s).
// flags bits 0-2 are iface_sample.flags (bit0 32-bit, bit1 operUp known, bit2 operUp);
// bit8: uptime present, bit9: speed present.
const HAS_UPTIME = 256;
const HAS_SPEED = 512;

/**
 * Staged records as typed-array views of one 8-byte-aligned copy: record k's series is
 * u32[12k], flags u32[12k+1], ts f64[6k+1], in/out i64 (and u64) [6k+2] and [6k+3], uptime
 * f64[6k+4], speed f64[6k+5]. Indexing is several times cheaper than Buffer's read methods in
 * the merge's per-sample loop. Typed arrays read in the machine's byte order and the records
 * are little-endian, hence the check at load.
 */
interface Records {
  n: number;
  u32: Uint32Array;
  f64: Float64Array;
  i64: BigInt64Array;
  u64: BigUint64Array;
}
if (endianness() !== 'LE') throw new Error('Pantau\'s store reads its staged samples as little-endian: it needs a little-endian machine (x86-64, arm64)');

/** The records of `blobs` (`bytes` long in all) in one buffer; the blobs are read one at a time, so a generation is held once. */
function records(blobs: Iterable<Uint8Array>, bytes: number): Records {
  const buf = new ArrayBuffer(bytes);
  const all = new Uint8Array(buf);
  let at = 0;
  for (const b of blobs) {
    if (at + b.length > bytes) throw new Error(`staged records: more than the ${bytes} bytes counted`);
    all.set(b, at);
    at += b.length;
  }
  if (at !== bytes) throw new Error(`staged records: ${at} bytes read, ${bytes} counted`);
  return { n: bytes / RECORD, u32: new Uint32Array(buf), f64: new Float64Array(buf), i64: new BigInt64Array(buf), u64: new BigUint64Array(buf) };
}

/** Writes record `k` through the views of its buffer (the layout of `Records`). */
function putRecord(u32: Uint32Array, f64: Float64Array, u64: BigUint64Array, k: number, series: number, ts: number, inOctets: bigint, outOctets: bigint, uptime: number | undefined, speedBps: number | undefined, flags: number): void {
  const w = k * 12;
  const d = k * 6;
  u32[w] = series;
  u32[w + 1] = flags | (uptime === undefined ? 0 : HAS_UPTIME) | (speedBps === undefined ? 0 : HAS_SPEED);
  f64[d + 1] = ts;
  u64[d + 2] = inOctets; // a BigUint64Array keeps the value modulo 2^64, as BigInt.asUintN(64, ·)
  u64[d + 3] = outOctets;
  f64[d + 4] = uptime ?? 0;
  f64[d + 5] = speedBps ?? 0;
}

/**
 * The staged records of a batch's interface columns (`IfaceColumns.records`), series field 0;
 * NaN uptime or speed is an absent one.
 */
export function columnRecords(c: Omit<IfaceColumns, 'records'>): ArrayBuffer {
  const buf = new ArrayBuffer(Math.max(1, c.n) * RECORD);
  const u32 = new Uint32Array(buf);
  const f64 = new Float64Array(buf);
  const u64 = new BigUint64Array(buf);
  for (let k = 0; k < c.n; k++) {
    const up = c.uptime[k];
    const speed = c.speed[k];
    putRecord(u32, f64, u64, k, 0, c.ts[k], c.inOctets[k], c.outOctets[k], Number.isNaN(up) ? undefined : up, Number.isNaN(speed) ? undefined : speed, c.flags[k]);
  }
  return buf;
}

/** Builds one batch's staged records (the layout of `Records`, written through the same views). */
export class StagedRows {
  private readonly buf: ArrayBuffer;
  private readonly u32: Uint32Array;
  private readonly f64: Float64Array;
  private readonly u64: BigUint64Array;
  count = 0;

  constructor(capacity: number) {
    this.buf = new ArrayBuffer(Math.max(1, capacity) * RECORD);
    this.u32 = new Uint32Array(this.buf);
    this.f64 = new Float64Array(this.buf);
    this.u64 = new BigUint64Array(this.buf);
  }

  add(series: number, ts: number, inOctets: bigint, outOctets: bigint, uptime: number | undefined, speedBps: number | undefined, flags: number): void {
    if (series >>> 0 !== series) throw new RangeError(`series id ${series}: a staged record holds a 32-bit id`);
    putRecord(this.u32, this.f64, this.u64, this.count++, series, ts, inOctets, outOctets, uptime, speedBps, flags);
  }

  /**
   * Appends the records of `c` (columnRecords) whose `keep` is set, each with the series id of
   * its key (`seriesOfKey[c.key[k]]`).
   */
  addColumns(c: IfaceColumns, keep: Uint8Array, seriesOfKey: Float64Array): void {
    const all = new Uint8Array(this.buf);
    const from = new Uint8Array(c.records);
    let k = 0;
    while (k < c.n) {
      // Runs of kept records are copied whole.
      if (!keep[k]) {
        k++;
        continue;
      }
      let end = k + 1;
      while (end < c.n && keep[end]) end++;
      const at = this.count;
      all.set(from.subarray(k * RECORD, end * RECORD), at * RECORD);
      for (let i = k; i < end; i++) {
        const series = seriesOfKey[c.key[i]];
        if (series >>> 0 !== series) throw new RangeError(`sample ${i}: series id ${series} is not a 32-bit id (a staged record holds one)`);
        this.u32[(at + i - k) * 12] = series;
      }
      this.count += end - k;
      k = end;
    }
  }

  bytes(): Buffer {
    return Buffer.from(this.buf, 0, this.count * RECORD);
  }
}

/** An interface's newest staged sample, as iface_state will hold it once merged. */
export interface StagedState {
  ts: number;
  /** iface_state's oper_up: null unknown. */
  operUp: boolean | null;
  speed: number | null;
  bits: 32 | 64;
}

/**
 * Per device and interface, the newest sample this process staged (committed): what
 * iface_state holds once the merge has run. The status read (/status, the wall) takes the newer
 * of the two instead of merging first, so the merge can wait until it is worth doing. At equal
 * times the first staged sample is kept, as the merge keeps it.
 */
export class StagedStates {
  private readonly byDevice = new Map<string, Map<string, StagedState>>();

  note(device: string, iface: string, st: StagedState): void {
    let m = this.byDevice.get(device);
    if (!m) this.byDevice.set(device, (m = new Map()));
    const old = m.get(iface);
    if (!old || st.ts > old.ts) m.set(iface, st);
  }

  of(device: string): ReadonlyMap<string, StagedState> | undefined {
    return this.byDevice.get(device);
  }
}

/** iface_state's fields from a staged record's flags (bits 0-2) and speed. */
export const stateOf = (ts: number, flags: number, speed: number | null): StagedState => ({
  ts,
  operUp: flags & 2 ? (flags & 4) !== 0 : null,
  speed,
  bits: flags & 1 ? 32 : 64,
});

/** Most samples in one generation of the merge (their records are held in memory: 48 MB). */
export const GENERATION_MAX = 1_000_000;

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

/** What the merge left pending (for /metrics and the benchmark's drain). */
export interface StagePending {
  batches: number;
  samples: number;
}

/**
 * Runs `fn` (one transaction) with PRAGMA synchronous = NORMAL, then back to FULL: its commit
 * is not fsynced by itself. For derived work only, whose input stays in the store until the
 * same transaction commits: a merge deletes its staged rows in the transaction that writes
 * their series rows, so after a power cut that loses the commit, the batches are still staged
 * and merged again. The WAL is appended in order, and the next FULL commit (an ingest group
 * commit) or checkpoint syncs it with everything before it; a process crash loses nothing
 * committed either way. An fsync per merge slice cost a sixth of the collector's thread under
 * steady ingest. Inside an open transaction the setting cannot change, and is left as it is.
 */
export function relaxedSync<T>(db: Database, fn: () => T): T {
  if (db.inTransaction) return fn();
  db.exec('PRAGMA synchronous = NORMAL');
  try {
    return fn();
  } finally {
    db.exec('PRAGMA synchronous = FULL');
  }
}

export class Staging {
  private readonly q: Record<string, Statement>;
  private readonly mergeTx: Transaction<(maxSamples: number) => { batches: number; samples: number } | null>;
  /** The generation being merged, and what it will be once the running slice commits. */
  private gen: Generation | undefined;
  private nextGen: Generation | undefined;
  /** Rows written by merges. */
  merged = 0;
  /** Series runs written as chunks of their own by merges (segments). */
  segments = 0;
  /** The fewest samples of a series in one merge written as a segment (tests of the row path set Infinity). */
  segmentMin = SEGMENT_MIN;
  /** Set by the rollup (Rollup's `foldOnMerge`): in-order samples skip rollup_dirty. */
  fold: MergeFold | undefined;
  /** Series folded at merge, and series left to the rollup's recompute (for tests and /metrics). */
  readonly folds = { folded: 0, recomputed: 0 };
  /**
   * Each series' newest stored sample, as the fold pairs it with the next one: a steady-state
   * merge (one new sample for each of many series) then reads nothing per series. Filled from
   * committed in-order merges only; a series merged out of order is forgotten, and the whole
   * map when another connection committed to the store (PRAGMA data_version: a one-shot
   * `pantau report` may have merged staged samples). Packing into chunks keeps the values;
   * retention can drop a series' newest sample only before the finality cut, where the fold
   * declines anyway.
   */
  private readonly newest = new Map<number, CounterPoint>();
  /** Newest samples of the merge in progress, kept once its transaction commits. */
  private newestPending = new Map<number, CounterPoint | undefined>();
  /** True when another connection committed since the last merge (the newest samples are then forgotten). */
  private readonly otherWrites: () => boolean;

  constructor(private readonly db: Database) {
    this.q = {
      put: db.prepare('INSERT INTO ingest_stage (n, data) VALUES (?, ?)'),
      firstId: db.prepare('SELECT min(id) FROM ingest_stage').pluck(),
      // The newest staged batch whose samples, with every older batch's, are at most ?.
      genUpTo: db.prepare('SELECT max(id) FROM (SELECT id, sum(n) OVER (ORDER BY id) AS upto FROM ingest_stage) WHERE upto <= ?').pluck(),
      genGet: db.prepare("SELECT value FROM meta WHERE key = 'merge_gen'").pluck(),
      genPut: db.prepare("INSERT INTO meta (key, value) VALUES ('merge_gen', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
      genDel: db.prepare("DELETE FROM meta WHERE key = 'merge_gen'"),
      blobs: db.prepare('SELECT data FROM ingest_stage WHERE id <= ? ORDER BY id').pluck(),
      blobBytes: db.prepare('SELECT count(*) AS batches, coalesce(sum(length(data)), 0) AS bytes FROM ingest_stage WHERE id <= ?'),
      drop: db.prepare('DELETE FROM ingest_stage WHERE id <= ?'),
      pending: db.prepare('SELECT count(*) AS batches, coalesce(sum(n), 0) AS samples FROM ingest_stage'),
      any: db.prepare('SELECT 1 FROM ingest_stage LIMIT 1').pluck(),
      iface: db.prepare('INSERT OR IGNORE INTO iface_sample (series, ts, in_oct, out_oct, uptime, speed, flags) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      ifaceState: db.prepare(
        `INSERT INTO iface_state (series, ts, oper_up, speed, bits) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (series) DO UPDATE SET ts = excluded.ts, oper_up = excluded.oper_up, speed = excluded.speed, bits = excluded.bits
         WHERE excluded.ts > iface_state.ts`, // the first stored sample of a ts wins (a later one behind a segment or a packed chunk is inserted as a row)
      ),
      // The newest stored sample, raw or packed (collector/storage/chunks): a series whose raw rows
      // were all packed still has a previous sample for the fold's first pair.
      lastTs: db.prepare(
        `SELECT nullif(max(coalesce((SELECT max(ts) FROM iface_sample WHERE series = ?), -1),
                           coalesce((SELECT t1 FROM iface_chunk WHERE series = ? ORDER BY t0 DESC LIMIT 1), -1)), -1)`,
      ).pluck(),
      dirtyAll: db.prepare('SELECT series FROM rollup_dirty').pluck(),
      putChunk: db.prepare('INSERT INTO iface_chunk (series, t0, t1, n, data) VALUES (?, ?, ?, ?, ?)'),
      segPeriod: db.prepare('INSERT OR IGNORE INTO chunk_seg (series, period) VALUES (?, ?)'),
      dirty: db.prepare(
        `INSERT INTO rollup_dirty (series, from_ts, to_ts) VALUES (?, ?, ?)
         ON CONFLICT (series) DO UPDATE SET from_ts = min(from_ts, excluded.from_ts), to_ts = max(to_ts, excluded.to_ts)`,
      ),
    };
    this.otherWrites = otherWrites(db);
    this.mergeTx = db.transaction((maxSamples: number) => this.mergeSlice(maxSamples));
  }

  /** Appends one batch's records (inside the caller's transaction). */
  stage(rows: StagedRows): void {
    if (rows.count > 0) {
      this.q.put.run(rows.count, rows.bytes());
      this.stagedSinceCount += rows.count;
    }
  }

  /** Staged samples at the last pending() and staged by this connection since (an upper bound, whatever merged since). */
  private counted = 0;
  private stagedSinceCount = 0;

  pending(): StagePending {
    const p = this.q.pending.get() as StagePending;
    this.counted = p.samples;
    this.stagedSinceCount = 0;
    return p;
  }

  /**
   * At least the samples staged now, without a scan of the staging table (the ingest commit
   * asks after every group, with thousands of small batches staged): pending()'s last count
   * plus what this connection staged since. When that passes `bound`, pending() counts again.
   */
  pendingAbove(bound: number): boolean {
    if (this.counted + this.stagedSinceCount <= bound) return false;
    return this.pending().samples > bound;
  }

  /** Whether anything waits for the merge (cheap: one index probe). */
  hasPending(): boolean {
    return this.q.any.get() !== undefined;
  }

  /** Whether a generation is part merged (its next slice continues it whatever is staged). */
  inGeneration(): boolean {
    return this.gen !== undefined;
  }

  /**
   * Merges one slice: the next whole series, about `maxSamples` samples, of the current
   * generation (the staged batches up to one id, sorted by series and time, at most
   * GENERATION_MAX samples), starting one when none is under way; one IMMEDIATE transaction,
   * which also records how far the generation got (meta 'merge_gen') or, with its last slice,
   * deletes its staged rows. So each series gets all of a generation's samples in one merge (a
   * steady poll of many series: several samples per series and merge, not one), and after a
   * crash the generation continues after the last series committed. Returns the batches
   * completed and the samples of the slice, or null when nothing is staged.
   */
  mergeOnce(maxSamples = 100_000): { batches: number; samples: number } | null {
    this.newestPending = new Map();
    this.nextGen = undefined;
    let done: { batches: number; samples: number } | null;
    try {
      // IMMEDIATE: the staged rows and the marker are read under the write lock, so another
      // process merging the same store (a one-shot `pantau report` settling) cannot interleave.
      done = relaxedSync(this.db, () => this.mergeTx.immediate(maxSamples));
    } catch (e) {
      this.gen = undefined; // read again from the store (the marker says how far it got)
      throw e;
    }
    this.gen = this.nextGen;
    for (const [series, p] of this.newestPending) {
      if (p) this.newest.set(series, p);
      else this.newest.delete(series);
    }
    this.newestPending = new Map();
    return done;
  }

  private mergeSlice(maxSamples: number): { batches: number; samples: number } | null {
    const q = this.q;
    if (this.otherWrites()) {
      this.newest.clear();
      this.gen = undefined;
    }
    let g = this.gen;
    if (!g) {
      const marker = q.genGet.get() as string | undefined;
      let upTo: number;
      let after = -1;
      if (marker) [upTo, after] = marker.split(':').map(Number);
      else {
        const first = q.firstId.get() as number | null;
        if (first === null) return null;
        upTo = (q.genUpTo.get(GENERATION_MAX) as number | null) ?? first; // at least the oldest batch
      }
      const size = q.blobBytes.get(upTo) as { batches: number; bytes: number };
      if (size.batches === 0) {
        q.genDel.run(); // a marker without its rows: nothing to continue
        return { batches: 0, samples: 0 };
      }
      const r = records(q.blobs.iterate(upTo) as Iterable<Buffer>, size.bytes);
      const { n, u32, f64 } = r;
      const order = new Uint32Array(n);
      for (let k = 0; k < n; k++) order[k] = k;
      // By series, then time; equal keys keep arrival order (the first staged sample wins).
      order.sort((x, y) => u32[x * 12] - u32[y * 12] || f64[x * 6 + 1] - f64[y * 6 + 1] || x - y);
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
    this.merged += this.mergeBody(r, order.subarray(g.pos, end));
    if (end >= order.length) {
      q.drop.run(g.upTo);
      q.genDel.run();
      return { batches: g.batches, samples: end - g.pos };
    }
    q.genPut.run(`${g.upTo}:${u32[order[end - 1] * 12]}`);
    this.nextGen = { ...g, pos: end };
    return { batches: 0, samples: end - g.pos };
  }

  /** Merges everything staged. */
  drain(): void {
    while (this.mergeOnce() !== null);
  }

  /** Merges for at most `budgetMs`, in slices of `slice` samples; returns the batches completed. */
  runFor(budgetMs: number, slice = 50_000): number {
    const end = performance.now() + budgetMs;
    let done = 0;
    do {
      const r = this.mergeOnce(slice);
      if (!r) break;
      done += r.batches;
    } while (performance.now() < end);
    return done;
  }

  private mergeBody(r: Records, order: Uint32Array): number {
    const { u32, f64, i64, u64 } = r;
    const q = this.q;
    const fold = this.fold;
    let inserted = 0;
    let cur = -1;
    let from = 0;
    let to = 0;
    let latest = -1;
    // Folding: the series' last stored time before this merge, whether every sample inserted
    // now is later than it (and the series not dirty), and those samples in time order.
    let prevTs: number | null = null;
    let prev: CounterPoint | undefined;
    let inOrder = false;
    let points: CounterPoint[] = [];
    // Series waiting for the recompute: rollup_dirty is short (the rollup empties it), so one read per merge.
    const dirty = fold ? new Set(q.dirtyAll.all() as number[]) : undefined;
    const start = (s: number) => {
      cur = s;
      if (!fold) return;
      prev = this.newest.get(s);
      prevTs = prev ? prev.ts : (q.lastTs.get(s, s) as number | null);
      inOrder = !dirty!.has(s);
      points = [];
    };
    const flush = () => {
      if (latest < 0) return;
      const f = u32[latest * 12 + 1];
      q.ifaceState.run(cur, to, f & 2 ? (f & 4 ? 1 : 0) : null, f & HAS_SPEED ? f64[latest * 6 + 5] : null, f & 1 ? 32 : 64);
      if (fold) this.newestPending.set(cur, inOrder && points.length ? points[points.length - 1] : inOrder ? prev : undefined);
      if (fold && inOrder && fold(cur, prevTs, points, prev)) this.folds.folded++;
      else {
        q.dirty.run(cur, from, to);
        if (fold) this.folds.recomputed++;
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
      const seg = j - i >= this.segmentMin ? this.segment(r, order, i, j, s, fold ? prevTs : undefined) : null;
      if (seg) {
        inserted += seg.length;
        from = f64[seg[0] * 6 + 1];
        to = f64[seg[seg.length - 1] * 6 + 1];
        latest = seg[seg.length - 1];
        if (fold && inOrder) for (const k of seg) points.push(point(k));
      } else
        for (let x = i; x < j; x++) {
          const k = order[x];
          const w = k * 12;
          const d = k * 6;
          const t = f64[d + 1];
          const f = u32[w + 1];
          const res = q.iface.run(s, t, i64[d + 2], i64[d + 3], f & HAS_UPTIME ? f64[d + 4] : null, f & HAS_SPEED ? f64[d + 5] : null, f & 7);
          if (res.changes) {
            inserted++;
            if (latest < 0) from = t;
            to = t; // sorted by time within the series: the last inserted is the newest
            latest = k;
            if (fold && inOrder) {
              if (prevTs !== null && t <= prevTs) inOrder = false; // lands among stored samples: recompute
              else points.push(point(k));
            }
          }
        }
      flush();
      i = j;
    }
    return inserted;
  }

  /**
   * Writes a series' samples of this merge (`order[i..j)`, sorted by time) as chunks of their
   * own (segments, cut at CHUNK_PERIOD_MS edges), when they all follow its last stored sample
   * (`prevTs`; undefined: read it here) and every value fits a chunk exactly; returns the
   * records written (the first of each ts), or null to leave them to iface_sample rows. One
   * row per series and period instead of a row per sample: a long run costs one B-tree write,
   * and the packer joins a period's segments later.
   */
  private segment(r: Records, order: Uint32Array, i: number, j: number, series: number, prevTs: number | null | undefined): number[] | null {
    const { u32, f64, u64 } = r;
    const last = prevTs === undefined ? (this.newest.get(series)?.ts ?? (this.q.lastTs.get(series, series) as number | null)) : prevTs;
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
    const pieces: RawSample[][] = [];
    let period = NaN;
    for (const k of kept) {
      const d = k * 6;
      const f = u32[k * 12 + 1];
      const ts = f64[d + 1];
      const p = Math.floor(ts / CHUNK_PERIOD_MS);
      if (p !== period) pieces.push([]);
      period = p;
      pieces[pieces.length - 1].push({
        ts,
        inOct: u64[d + 2],
        outOct: u64[d + 3],
        uptime: f & HAS_UPTIME ? BigInt(f64[d + 4]) : null,
        speed: f & HAS_SPEED ? BigInt(f64[d + 5]) : null,
        flags: f & 7,
      });
    }
    let blobs: Uint8Array[];
    try {
      blobs = pieces.map((xs) => encodeChunk(xs));
    } catch {
      return null; // not representable as a chunk (checked above; rows take anything)
    }
    pieces.forEach((xs, p) => {
      this.q.putChunk.run(series, xs[0].ts, xs[xs.length - 1].ts, xs.length, blobs[p]);
      this.q.segPeriod.run(series, Math.floor(xs[0].ts / CHUNK_PERIOD_MS) * CHUNK_PERIOD_MS);
    });
    this.segments++;
    return kept;
  }
}
