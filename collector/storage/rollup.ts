// The rollup: turns raw interface samples into 5-minute buckets of increases (usage5m) and
// counter events, applying the counter rules of collector/accounting. Ingest only marks the
// time range of new samples dirty; this recomputes the buckets that range can touch, so late
// and out-of-order samples (an agent replaying its spool) land exactly where they belong.
//
// For a dirty range [a, b] of a series: prev = last sample before a, next = first after b.
// Buckets from bucketOf(prev ?? a) to bucketOf(next ?? b) are deleted and rebuilt from every
// pair that overlaps them. The allocation of a pair's bytes to a bucket depends only on the
// pair and the bucket (accounting/buckets.ts), so rebuilt buckets agree with their neighbours.
//
// Finality: buckets before the last pruning's cut (`final_before`, a local day edge) are never
// deleted or rebuilt; pruning keeps each series' last sample before the cut (its anchor) and
// what the anchor's pair already put before the cut (`series_final`), so a later sample after
// the cut adds only the rest. A long gap writes at most a row per day (storage/spans.ts).
import type { Store } from './store.js';
import { fromI64, toI64 } from './store.js';
import { BUCKET_MS, addInto, allocate, bucketOf, type PairSpan, type UsageBucket } from '../accounting/buckets.js';
import { pairIncrease, type CounterPoint, type PairIncrease } from '../accounting/counters.js';
import { eventKinds, type FoldResult } from './fold.js';
import { pairRows } from './spans.js';
import { rawReads, type SqlRow } from './chunks/reader.js';

const DAY_MS = 86_400_000;

export interface RollupOptions {
  /** coverageMaxGapSeconds × 1000: longer pairs keep their bytes but cover no time. */
  maxGapMs: number;
  /**
   * Fold in-order samples into their buckets as the staging merge moves them (issue 12): a
   * series not waiting for the rollup whose new samples are all later than its last stored one
   * gets its new pairs' shares added to its buckets there and then; everything else is marked
   * dirty and recomputed as before. The collector sets it; tools need not.
   */
  foldOnMerge?: boolean;
  /** The IANA zone `dayStart` is built from: the merge thread (Staging.startThread) builds the same days. */
  timezone?: string;
  /** Local midnight starting the day that holds `t` (default: UTC midnight); a bucket edge. */
  dayStart?: (t: number) => number;
}

interface FinalRow {
  cut: number;
  anchor_ts: number;
  next_ts: number | null;
  in_before: bigint;
  out_before: bigint;
}

const max0 = (v: bigint): bigint => (v > 0n ? v : 0n);

/** Told after a range of one series' buckets was rebuilt (usage cache, InfluxDB mirror). */
export type BucketListener = (series: number, buckets: UsageBucket[], range: { from: number; to: number }) => void;

type Raw = SqlRow;

const toPoint = (r: Raw): CounterPoint => ({
  ts: Number(r.ts),
  inOctets: fromI64(r.in_oct),
  outOctets: fromI64(r.out_oct),
  bits: (Number(r.flags) & 1) === 1 ? 32 : 64,
  uptime: r.uptime === null ? undefined : Number(r.uptime),
  speedBps: r.speed === null ? undefined : Number(r.speed),
});

export class Rollup {
  private readonly q;
  private readonly listeners: BucketListener[] = [];
  /** Whether a listener reads the buckets' values (a fold then reads its range back), not only the range. */
  private listenersReadBuckets = false;

  /**
   * Adds a consumer of rebuilt buckets; its failures never stop the rollup. `{ buckets: false }`:
   * it uses only the series and range (a cache that invalidates), so a fold need not read the
   * buckets back for it (it is given an empty list then).
   */
  addListener(fn: BucketListener, opts: { buckets?: boolean } = {}): void {
    this.listeners.push(fn);
    if (opts.buckets !== false) this.listenersReadBuckets = true;
  }

  readonly dayStart: (t: number) => number;

  constructor(
    private readonly store: Store,
    private readonly opts: RollupOptions,
  ) {
    this.dayStart = opts.dayStart ?? ((t) => Math.floor(t / DAY_MS) * DAY_MS);
    const d = store.db;
    this.q = {
      dirty: d.prepare('SELECT series, from_ts, to_ts FROM rollup_dirty LIMIT ?'),
      dirtyOne: d.prepare('SELECT from_ts, to_ts FROM rollup_dirty WHERE series = ?'),
      clean: d.prepare('DELETE FROM rollup_dirty WHERE series = ? AND from_ts = ? AND to_ts = ?'),
      // Raw samples (before/after/atOrAfter/samples/sample/pruneRaw): packed chunks and iface_sample as one.
      ...rawReads(store),
      delBuckets: d.prepare('DELETE FROM usage5m WHERE series = ? AND bucket >= ? AND bucket < ?'),
      putBucket: d.prepare('INSERT INTO usage5m (series, bucket, in_bytes, out_bytes, covered_ms, span_ms) VALUES (?, ?, ?, ?, ?, ?)'),
      finalBefore: d.prepare("SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'final_before'").pluck(),
      setFinalBefore: d.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('final_before', ?)"),
      finalGet: d.prepare('SELECT cut, anchor_ts, next_ts, in_before, out_before FROM series_final WHERE series = ?').safeIntegers(true),
      finalPut: d.prepare('INSERT OR REPLACE INTO series_final (series, cut, anchor_ts, next_ts, in_before, out_before) VALUES (?, ?, ?, ?, ?, ?)'),
      allSeries: d.prepare('SELECT id FROM series').pluck(),
      delEvents: d.prepare('DELETE FROM counter_event WHERE series = ? AND ts > ? AND ts <= ?'),
      putEvent: d.prepare('INSERT OR REPLACE INTO counter_event (series, ts, kind, speed) VALUES (?, ?, ?, ?)'),
      addBucket: d.prepare(
        `INSERT INTO usage5m (series, bucket, in_bytes, out_bytes, covered_ms, span_ms) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (series, bucket) DO UPDATE SET in_bytes = in_bytes + excluded.in_bytes, out_bytes = out_bytes + excluded.out_bytes, covered_ms = covered_ms + excluded.covered_ms`,
      ),
      range: d.prepare('SELECT bucket, in_bytes, out_bytes, covered_ms, span_ms FROM usage5m WHERE series = ? AND bucket >= ? AND bucket < ? ORDER BY bucket').safeIntegers(true),
    };
    if (opts.foldOnMerge)
      store.staging.foldWith({
        maxGapMs: opts.maxGapMs,
        dayStart: this.dayStart,
        timezone: opts.timezone,
        finalBefore: () => this.finalBefore(),
        sample: (series, ts) => toPoint(this.q.sample.get(series, ts) as Raw),
        apply: (series, f) => this.applyFold(series, f),
      });
  }

  /**
   * Writes what the merge folded for a series (fold.ts: the shares and events of its new
   * in-order pairs, the same a recompute would place), inside the merge's transaction, and
   * tells the listeners.
   */
  private applyFold(series: number, f: FoldResult): void {
    const q = this.q;
    for (const e of f.events) q.putEvent.run(series, e.ts, e.kind, e.speed);
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of f.buckets) {
      q.addBucket.run(series, v.bucket, toI64(v.inBytes), toI64(v.outBytes), v.coveredMs, v.spanMs ?? BUCKET_MS);
      lo = Math.min(lo, v.bucket);
      hi = Math.max(hi, v.bucket + 1);
    }
    this.store.usageDays.invalidate(lo, hi); // persisted days of the buckets it changed
    if (this.listeners.length > 0) {
      const range = { from: f.from, to: f.to };
      const rows = (this.listenersReadBuckets ? q.range.all(series, range.from, range.to) : []) as { bucket: bigint; in_bytes: bigint; out_bytes: bigint; covered_ms: bigint; span_ms: bigint }[];
      const built: UsageBucket[] = rows.map((r) => ({
        bucket: Number(r.bucket), inBytes: fromI64(r.in_bytes), outBytes: fromI64(r.out_bytes), coveredMs: Number(r.covered_ms),
        ...(Number(r.span_ms) !== BUCKET_MS ? { spanMs: Number(r.span_ms) } : {}),
      }));
      for (const l of this.listeners) {
        try {
          l(series, built, range);
        } catch {
          /* a secondary consumer never stops the rollup */
        }
      }
    }
  }

  /** Series waiting for their buckets. */
  pending(): number {
    return Number(this.store.sql('SELECT count(*) FROM rollup_dirty', { pluck: true }).get());
  }

  /**
   * Recomputes up to `limit` dirty series in one transaction (one fsync: the buckets can be
   * rebuilt from the raw samples, but they commit together with their dirty markers);
   * returns how many were done.
   */
  runOnce(limit = 1000): number {
    const rows = this.q.dirty.all(limit) as { series: number; from_ts: number; to_ts: number }[];
    if (rows.length === 0) return 0;
    this.store.db.transaction(() => {
      for (const r of rows) {
        const built = this.recompute(r.series, r.from_ts, r.to_ts);
        // Inside the transaction: what a listener writes to the store commits with the buckets.
        for (const l of this.listeners) {
          try {
            l(r.series, built.buckets, built.range);
          } catch {
            /* a secondary consumer never stops the rollup */
          }
        }
      }
    })();
    return rows.length;
  }

  /** Works off dirty series in slices of 100 for at most `budgetMs`; returns how many were done. */
  runFor(budgetMs: number): number {
    const end = performance.now() + budgetMs;
    let done = 0;
    for (let n = this.runOnce(100); n > 0; n = performance.now() < end ? this.runOnce(100) : 0) done += n;
    return done;
  }

  /** Merges staged samples, then runs until nothing is dirty (before a query of /usage or a report). */
  drain(): void {
    this.store.settle();
    while (this.runOnce() > 0);
  }

  /** Buckets before this time (a local day edge) are final; 0 before the first pruning. */
  finalBefore(): number {
    return Number((this.q.finalBefore.get() as number | bigint | undefined) ?? 0);
  }

  /**
   * Makes the buckets before `cut` (rounded down to a local day edge) final and drops the raw
   * samples they were built from, keeping each series' anchor (its last sample before the cut).
   * Run the rollup dry first: a dirty series keeps its raw samples until its buckets are built.
   */
  finalize(at: number): void {
    const cut = this.dayStart(at);
    const prior = this.finalBefore();
    if (cut <= prior) return;
    this.drain();
    const q = this.q;
    const dirty = new Set((this.store.sql('SELECT series FROM rollup_dirty', { pluck: true }).all() as number[]));
    this.store.db.transaction(() => {
      for (const series of q.allSeries.all() as number[]) {
        if (dirty.has(series)) continue;
        const anchorTs = q.before.get(series, cut) as number | null;
        if (anchorTs === null) continue;
        const nextTs = q.atOrAfter.get(series, cut) as number | null;
        let inBefore = 0n;
        let outBefore = 0n;
        if (nextTs !== null) {
          const p = toPoint(q.sample.get(series, anchorTs) as Raw);
          const c = toPoint(q.sample.get(series, nextTs) as Raw);
          const fin = prior > 0 ? (q.finalGet.get(series) as FinalRow | undefined) : undefined;
          const { span, before } = this.crossing(p, c, pairIncrease(p, c), prior, fin);
          // What the store's buckets hold of this pair before the new cut.
          inBefore = before.inBytes + allocate(span.inBytes, span.t0, span.t1, span.t0, cut);
          outBefore = before.outBytes + allocate(span.outBytes, span.t0, span.t1, span.t0, cut);
        }
        q.finalPut.run(series, cut, anchorTs, nextTs, toI64(inBefore), toI64(outBefore));
        q.pruneRaw.run(series, anchorTs);
      }
      q.setFinalBefore.run(String(cut));
    })();
  }

  /**
   * The part of pair (p, c] the rollup may still place, with what of it is already final. A
   * pair that crosses the cut as it did at pruning is placed as a whole (its shares after the
   * cut are the same as before); one changed since (a late sample after the cut) places only
   * what remains after the bytes already in final buckets, spread over (cut, c].
   */
  private crossing(p: CounterPoint, c: CounterPoint, inc: PairIncrease, final: number, fin: FinalRow | undefined): { span: PairSpan; before: { inBytes: bigint; outBytes: bigint } } {
    const whole = { span: { t0: p.ts, t1: c.ts, inBytes: inc.inBytes, outBytes: inc.outBytes }, before: { inBytes: 0n, outBytes: 0n } };
    if (!(p.ts < final && final < c.ts)) return whole;
    const anchored = fin !== undefined && Number(fin.cut) === final && Number(fin.anchor_ts) === p.ts;
    if (anchored && fin.next_ts !== null && Number(fin.next_ts) === c.ts) return whole;
    const bIn = anchored ? fromI64(fin.in_before) : 0n;
    const bOut = anchored ? fromI64(fin.out_before) : 0n;
    return {
      span: { t0: final, t1: c.ts, inBytes: max0(inc.inBytes - bIn), outBytes: max0(inc.outBytes - bOut) },
      before: { inBytes: bIn, outBytes: bOut },
    };
  }

  private recompute(series: number, a: number, b: number): { buckets: UsageBucket[]; range: { from: number; to: number } } {
    const q = this.q;
    const final = this.finalBefore();
    const prev = q.before.get(series, a) as number | null;
    const next = q.after.get(series, b) as number | null;
    // Buckets before `final` are final: never deleted, never rebuilt.
    const from = Math.max(bucketOf(prev ?? a), final);
    const to = Math.max(bucketOf(next ?? b) + BUCKET_MS, from);
    // Every pair overlapping [from, to): from the last sample before `from` to the first at or after `to`.
    const first = (q.before.get(series, from) as number | null) ?? from;
    const last = (q.atOrAfter.get(series, to) as number | null) ?? Number.MAX_SAFE_INTEGER;
    const raws = to > from ? (q.samples.all(series, first, last) as Raw[]) : [];
    const fin = final > 0 ? (q.finalGet.get(series) as FinalRow | undefined) : undefined;
    const nextDayEdge = (t: number) => this.dayStart(t) + DAY_MS;

    const buckets = new Map<number, UsageBucket>();
    if (to > from) q.delEvents.run(series, Math.max(first, final), last);
    for (let k = 1; k < raws.length; k++) {
      const p = toPoint(raws[k - 1]);
      const c = toPoint(raws[k]);
      if (c.ts <= final) continue; // a final pair: its buckets and events stay as they are
      const inc = pairIncrease(p, c);
      const covers = c.ts - p.ts <= this.opts.maxGapMs;
      for (const kind of eventKinds(inc, covers)) q.putEvent.run(series, c.ts, kind, c.speedBps ?? null);
      const { span } = this.crossing(p, c, inc, final, fin);
      for (const part of pairRows(span, { maxGapMs: this.opts.maxGapMs, from, to, nextDayEdge, covers })) addInto(buckets, part);
    }
    if (to > from) {
      q.delBuckets.run(series, from, to);
      for (const v of buckets.values())
        q.putBucket.run(series, v.bucket, toI64(v.inBytes), toI64(v.outBytes), v.coveredMs, v.spanMs ?? BUCKET_MS);
      this.store.usageDays.invalidate(from, to); // persisted days of the buckets it rebuilt
    }
    q.clean.run(series, a, b);
    return { buckets: [...buckets.values()], range: { from, to } };
  }
}
