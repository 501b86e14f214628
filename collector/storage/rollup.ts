// The rollup: turns raw interface samples into 5-minute buckets of increases (usage5m) and
// counter events, applying the counter rules of collector/accounting. Ingest only marks the
// time range of new samples dirty; this recomputes the buckets that range can touch, so late
// and out-of-order samples (an agent replaying its spool) land exactly where they belong.
//
// For a dirty range [a, b] of a series: prev = last sample before a, next = first after b.
// Buckets from bucketOf(prev ?? a) to bucketOf(next ?? b) are deleted and rebuilt from every
// pair that overlaps them. The allocation of a pair's bytes to a bucket depends only on the
// pair and the bucket (accounting/buckets.ts), so rebuilt buckets agree with their neighbours.
import type { Store } from './store.js';
import { fromI64, toI64 } from './store.js';
import { BUCKET_MS, addInto, bucketOf, pairBuckets, type UsageBucket } from '../accounting/buckets.js';
import { pairIncrease, type CounterPoint } from '../accounting/counters.js';

export interface RollupOptions {
  /** coverageMaxGapSeconds × 1000: longer pairs keep their bytes but cover no time. */
  maxGapMs: number;
}

/** Told after a range of one series' buckets was rebuilt (usage cache, InfluxDB mirror). */
export type BucketListener = (series: number, buckets: UsageBucket[], range: { from: number; to: number }) => void;

interface Raw {
  ts: bigint;
  in_oct: bigint;
  out_oct: bigint;
  uptime: bigint | null;
  speed: bigint | null;
  flags: bigint;
}

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

  /** Adds a consumer of rebuilt buckets; its failures never stop the rollup. */
  addListener(fn: BucketListener): void {
    this.listeners.push(fn);
  }

  constructor(
    private readonly store: Store,
    private readonly opts: RollupOptions,
  ) {
    const d = store.db;
    this.q = {
      dirty: d.prepare('SELECT series, from_ts, to_ts FROM rollup_dirty LIMIT ?'),
      dirtyOne: d.prepare('SELECT from_ts, to_ts FROM rollup_dirty WHERE series = ?'),
      clean: d.prepare('DELETE FROM rollup_dirty WHERE series = ? AND from_ts = ? AND to_ts = ?'),
      before: d.prepare('SELECT max(ts) FROM iface_sample WHERE series = ? AND ts < ?').pluck(),
      after: d.prepare('SELECT min(ts) FROM iface_sample WHERE series = ? AND ts > ?').pluck(),
      atOrAfter: d.prepare('SELECT min(ts) FROM iface_sample WHERE series = ? AND ts >= ?').pluck(),
      samples: d
        .prepare('SELECT ts, in_oct, out_oct, uptime, speed, flags FROM iface_sample WHERE series = ? AND ts >= ? AND ts <= ? ORDER BY ts')
        .safeIntegers(true),
      delBuckets: d.prepare('DELETE FROM usage5m WHERE series = ? AND bucket >= ? AND bucket < ?'),
      putBucket: d.prepare('INSERT INTO usage5m (series, bucket, in_bytes, out_bytes, covered_ms) VALUES (?, ?, ?, ?, ?)'),
      delEvents: d.prepare('DELETE FROM counter_event WHERE series = ? AND ts > ? AND ts <= ?'),
      putEvent: d.prepare('INSERT OR REPLACE INTO counter_event (series, ts, kind, speed) VALUES (?, ?, ?, ?)'),
    };
  }

  /** Series waiting for their buckets. */
  pending(): number {
    return Number(this.store.db.prepare('SELECT count(*) FROM rollup_dirty').pluck().get());
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

  /** Runs until nothing is dirty (before a query of /usage or a report). */
  drain(): void {
    while (this.runOnce() > 0);
  }

  private recompute(series: number, a: number, b: number): { buckets: UsageBucket[]; range: { from: number; to: number } } {
    const q = this.q;
    const prev = q.before.get(series, a) as number | null;
    const next = q.after.get(series, b) as number | null;
    const from = bucketOf(prev ?? a);
    const to = bucketOf(next ?? b) + BUCKET_MS;
    // Every pair overlapping [from, to): from the last sample before `from` to the first at or after `to`.
    const first = (q.before.get(series, from) as number | null) ?? from;
    const last = (q.atOrAfter.get(series, to) as number | null) ?? Number.MAX_SAFE_INTEGER;
    const raws = q.samples.all(series, first, last) as Raw[];

    const buckets = new Map<number, UsageBucket>();
    q.delEvents.run(series, first, last);
    for (let k = 1; k < raws.length; k++) {
      const p = toPoint(raws[k - 1]);
      const c = toPoint(raws[k]);
      const inc = pairIncrease(p, c);
      const kinds = new Set<string>();
      if (inc.kind !== 'normal') kinds.add(inc.kind);
      if (inc.inKind !== 'normal') kinds.add(inc.inKind);
      if (inc.outKind !== 'normal') kinds.add(inc.outKind);
      if (inc.uptimeWrapped) kinds.add('uptime_wrap');
      if (inc.ambiguous) kinds.add('ambiguous');
      if (c.ts - p.ts > this.opts.maxGapMs) kinds.add('gap');
      for (const kind of kinds) q.putEvent.run(series, c.ts, kind, c.speedBps ?? null);
      const span = { t0: p.ts, t1: c.ts, inBytes: inc.inBytes, outBytes: inc.outBytes };
      for (const part of pairBuckets(span, { maxGapMs: this.opts.maxGapMs, from, to })) addInto(buckets, part);
    }
    q.delBuckets.run(series, from, to);
    for (const v of buckets.values()) q.putBucket.run(series, v.bucket, toI64(v.inBytes), toI64(v.outBytes), v.coveredMs);
    q.clean.run(series, a, b);
    return { buckets: [...buckets.values()], range: { from, to } };
  }
}
