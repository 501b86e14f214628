// Per OPD and local day: each uplink's sums and the OPD's 5-minute rates, read from usage5m
// once and kept until the rollup rebuilds a bucket of that day. A month's evaluation is then
// 28-31 cached days plus whatever changed since (usually today), not 2.7 M rows per call.
// Correct because every write to usage5m goes through the rollup (or pruning, which clears
// the cache). Days are 24-hour steps from local midnight of the 1st (exact without DST).
// Ended days are also stored (storage/usage-days.ts, deleted with their buckets), so a fresh
// process (`pantau report`, a restarted collector) reads a month as ~31 rows per OPD.
import type { Database, Statement } from '../storage/sqlite.js';
import type { CollectorConfig } from '../../config/collector.js';
import { BUCKET_MS } from '../accounting/buckets.js';
import type { Run } from '../accounting/observed.js';
import { bucketRateBps } from '../accounting/saturation.js';
import { monthOf, monthRange } from '../accounting/months.js';
import { isStoreError, type Store } from '../storage/store.js';
import type { StoredDay } from '../storage/usage-days.js';

export const DAY_MS = 86_400_000;

export interface UplinkSums {
  inBytes: bigint;
  outBytes: bigint;
  coveredMs: number;
}

export interface DayAgg {
  /** The uplink series the day was read for: a new series makes it stale. */
  sig?: string;
  /** series id → sums over the day. */
  uplinks: Map<number, UplinkSums>;
  /** Rates of the covered buckets, bit/s, uplinks summed per bucket, in time order. */
  inBps: Float64Array;
  outBps: Float64Array;
  /** The day's buckets any uplink has, as runs: covered (samples in them) or only spanned by a long pair. */
  runs: Run[];
}

/**
 * Local midnight starting the day that holds `ts` in `tz`: 24-hour steps from local midnight of
 * the 1st (exact without DST). The rollup's day rows (storage/spans.ts) and finality cut use it too.
 */
export function localDayStart(tz: string): (ts: number) => number {
  const spanAt = monthSpans(tz);
  return (ts) => {
    const { from } = spanAt(ts);
    return from + Math.floor((ts - from) / DAY_MS) * DAY_MS;
  };
}

/**
 * The local month of a time in `tz`, with its range [from, to). The month last asked for is
 * kept, so a time inside it needs no time-zone lookup (the ingest merge asks for every folded
 * series, and monthOf's Intl formatting cost a fifth of its CPU); the ranges of months seen
 * are kept too.
 */
export function monthSpans(tz: string): (ts: number) => { month: string; from: number; to: number } {
  const ranges = new Map<string, { from: number; to: number }>();
  let last = { month: '', from: 0, to: 0 };
  return (ts) => {
    if (ts >= last.from && ts < last.to) return last;
    const month = monthOf(ts, tz);
    let r = ranges.get(month);
    if (!r) {
      r = monthRange(month, tz);
      if (ranges.size > 1000) ranges.clear();
      ranges.set(month, r);
    }
    last = { month, from: r.from, to: r.to };
    return last;
  };
}

const emptyDay = (): DayAgg => ({ uplinks: new Map(), inBps: new Float64Array(0), outBps: new Float64Array(0), runs: [] });

/** A day as storage/usage-days.ts keeps it: sums with decimal bytes, rates as float64 (in, then out), runs from the day's start. */
export function encodeDay(day: number, a: DayAgg): StoredDay {
  const rates = new Float64Array(a.inBps.length * 2);
  rates.set(a.inBps, 0);
  rates.set(a.outBps, a.inBps.length);
  return {
    day,
    sums: JSON.stringify([...a.uplinks].map(([s, v]) => [s, v.inBytes.toString(), v.outBytes.toString(), v.coveredMs])),
    rates: Buffer.from(rates.buffer, rates.byteOffset, rates.byteLength),
    runs: JSON.stringify(a.runs.map((r) => [r.from - day, r.to - day, r.covered ? 1 : 0])),
  };
}

export function decodeDay(r: StoredDay): DayAgg {
  const bytes = r.rates ? new Uint8Array(r.rates) : new Uint8Array(0); // a copy: aligned for Float64Array
  const rates = new Float64Array(bytes.buffer, 0, bytes.byteLength / 8);
  const n = rates.length / 2;
  return {
    uplinks: new Map((JSON.parse(r.sums) as [number, string, string, number][]).map(([s, i, o, c]) => [s, { inBytes: BigInt(i), outBytes: BigInt(o), coveredMs: c }])),
    inBps: rates.subarray(0, n),
    outBps: rates.subarray(n),
    runs: (JSON.parse(r.runs) as [number, number, number][]).map(([f, t, c]) => ({ from: r.day + f, to: r.day + t, covered: c === 1 })),
  };
}

export class DayCache {
  private readonly days = new Map<string, DayAgg>();
  private readonly daySums: Statement;
  private readonly combinedQ = new Map<number, Statement>();
  private readonly spanQ = new Map<number, Statement>();

  /** Times days could not be stored (the read went on without storing them). */
  unsaved = 0;
  /** Reads days from usage5m and stores the ended ones, in one immediate transaction. */
  private readonly readAndStore: (sig: string, series: number[], from: number, to: number, endedBy: number) => Map<number, DayAgg>;

  constructor(
    private readonly cfg: CollectorConfig,
    private readonly store: Store,
    /** The OPDs that have `series` as an uplink. */
    private readonly opdsOf: (series: number) => string[],
    /** Most days kept (least recently used go first); ~5 KB each. */
    private readonly maxDays = 8000,
  ) {
    this.dayStart = localDayStart(cfg.timezone);
    this.daySums = store.db
      .prepare('SELECT sum(in_bytes), sum(out_bytes), sum(covered_ms), count(*) FROM usage5m WHERE series = ? AND bucket >= ? AND bucket < ?')
      .raw(true)
      .safeIntegers(true);
    const tx = store.db.transaction((sig: string, series: number[], from: number, to: number, endedBy: number) => {
      const read = this.read(series, from, to);
      const rows: StoredDay[] = [];
      for (let d = from; d + DAY_MS <= Math.min(to, endedBy); d += DAY_MS) rows.push(encodeDay(d, read.get(d) ?? emptyDay()));
      store.usageDays.write(sig, rows);
      return read;
    });
    // Immediate: no other connection can rebuild these buckets between the read and the write.
    this.readAndStore = (...args) => tx.immediate(...args);
  }

  /** Local midnight starting the day that holds `ts`. */
  readonly dayStart: (ts: number) => number;

  /** The rollup rebuilt the buckets of `series` in [from, to): forget the days they fall in. */
  invalidate(series: number, from: number, to: number): void {
    const opds = this.opdsOf(series);
    if (opds.length === 0 || to <= from) return;
    const starts = new Set<number>();
    for (let t = from; t < to; t = this.dayStart(t) + DAY_MS) starts.add(this.dayStart(t));
    for (const opd of opds) for (const d of starts) this.days.delete(`${opd}|${d}`);
  }

  clear(): void {
    this.days.clear();
  }

  /** Days held in memory (tests). */
  get size(): number {
    return this.days.size;
  }

  /**
   * The days [from, to) of one OPD (`days` local-day starts), reading from the store only the
   * ones not cached; `series` are its uplinks' ids. With `store.endedBy`, days that ended by
   * then and were not stored are stored (the process that runs the rollup; a reader beside a
   * running collector only reads them).
   */
  get(opd: string, series: number[], dayStarts: number[], store?: { endedBy: number }): DayAgg[] {
    const sig = series.join(',');
    const out = new Array<DayAgg | undefined>(dayStarts.length);
    const missing: number[] = [];
    dayStarts.forEach((d, i) => {
      const key = `${opd}|${d}`;
      const hit = this.days.get(key);
      if (hit && hit.sig === sig) {
        this.days.delete(key); // LRU: move to the end
        this.days.set(key, hit);
        out[i] = hit;
      } else missing.push(i);
    });
    if (missing.length && series.length) {
      // Stored days first; the rest from usage5m.
      const stored = new Map<number, DayAgg>();
      for (const r of this.store.usageDays.read(sig, dayStarts[missing[0]], dayStarts[missing[missing.length - 1]] + DAY_MS)) stored.set(r.day, decodeDay(r));
      const rest = missing.filter((i) => !stored.has(dayStarts[i]));
      let read = new Map<number, DayAgg>();
      if (rest.length) {
        const first = dayStarts[rest[0]];
        const last = dayStarts[rest[rest.length - 1]] + DAY_MS;
        // A write transaction only when a day to store has ended (not for today alone, read every minute).
        if (store && first + DAY_MS <= store.endedBy)
          try {
            read = this.readAndStore(sig, series, first, last, store.endedBy);
          } catch (e) {
            // Storing is a speed-up only (the write lock busy past busy_timeout, a full disk): read without it.
            if (!isStoreError(e)) throw e;
            this.unsaved++;
            read = this.read(series, first, last);
          }
        else read = this.read(series, first, last);
      }
      for (const i of missing) {
        const agg: DayAgg = stored.get(dayStarts[i]) ?? read.get(dayStarts[i]) ?? emptyDay();
        agg.sig = sig;
        out[i] = agg;
        this.days.set(`${opd}|${dayStarts[i]}`, agg);
      }
    } else
      for (const i of missing) {
        const agg = emptyDay(); // no uplink sampled yet: nothing to read or store
        agg.sig = sig;
        out[i] = agg;
        this.days.set(`${opd}|${dayStarts[i]}`, agg);
      }
    while (this.days.size > this.maxDays) this.days.delete(this.days.keys().next().value!);
    return out as DayAgg[];
  }

  /** Reads [from, to) in two aggregate queries and splits it into days. */
  private read(series: number[], from: number, to: number): Map<number, DayAgg> {
    const result = new Map<number, DayAgg>();
    if (series.length === 0) return result;
    const day = (d: number) => {
      let a = result.get(d);
      if (!a) result.set(d, (a = emptyDay()));
      return a;
    };
    // Per uplink per day sums (exact 64-bit in SQL): one aggregate per series and day on the
    // primary key, about twice as fast as one GROUP BY series, day over the range.
    for (const s of series)
      for (let a = from; a < to; a += DAY_MS) {
        const [i, o, c, n] = this.daySums.get(s, a, Math.min(a + DAY_MS, to)) as bigint[];
        if (n > 0n) day(a).uplinks.set(s, { inBytes: i, outBytes: o, coveredMs: Number(c) });
      }
    // Per bucket sums over the uplinks: the rates of covered buckets, and the runs of buckets
    // seen. A long gap's day rows (span_ms > 5 min) only say that a pair spans their time.
    let cq = this.combinedQ.get(series.length);
    if (!cq) {
      const inList = series.map(() => '?').join(',');
      cq = this.store.db
        .prepare(
          `SELECT bucket, sum(in_bytes), sum(out_bytes), sum(covered_ms) FROM usage5m
           WHERE series IN (${inList}) AND bucket >= ? AND bucket < ? AND span_ms = ${BUCKET_MS} GROUP BY bucket ORDER BY bucket`,
        )
        .raw(true)
        .safeIntegers(true);
      this.combinedQ.set(series.length, cq);
      this.spanQ.set(
        series.length,
        this.store.db
          .prepare(`SELECT bucket, span_ms FROM usage5m WHERE series IN (${inList}) AND bucket >= ? AND bucket < ? AND span_ms <> ${BUCKET_MS}`)
          .raw(true),
      );
    }
    for (const [b, span] of this.spanQ.get(series.length)!.all(...series, from, to) as number[][]) {
      const d = from + Math.floor((b - from) / DAY_MS) * DAY_MS;
      day(d).runs.push({ from: b, to: b + span, covered: false });
    }
    const rows = cq.all(...series, from, to) as bigint[][];
    const perDay = new Map<number, { i: number[]; o: number[] }>();
    for (const [b, i, o, c] of rows) {
      const t = Number(b);
      const d = from + Math.floor((t - from) / DAY_MS) * DAY_MS;
      const covered = c > 0n;
      const runs = day(d).runs;
      const last = runs[runs.length - 1];
      if (last && last.to === t && last.covered === covered) last.to = t + BUCKET_MS;
      else runs.push({ from: t, to: t + BUCKET_MS, covered });
      if (!covered) continue;
      let l = perDay.get(d);
      if (!l) perDay.set(d, (l = { i: [], o: [] }));
      l.i.push(bucketRateBps(i));
      l.o.push(bucketRateBps(o));
    }
    for (const a of result.values()) a.runs.sort((x, y) => x.from - y.from);
    for (const [d, l] of perDay) {
      const a = day(d);
      a.inBps = Float64Array.from(l.i);
      a.outBps = Float64Array.from(l.o);
    }
    return result;
  }
}
