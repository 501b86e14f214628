// Ingest staging (issue 12): an acknowledged batch's interface samples are first appended to
// `ingest_stage` as one row of fixed-width records (staged-records.ts; one sequential write,
// committed with the batch's idempotence row), and merged later, sorted by (series, ts), into
// iface_sample, iface_state and rollup_dirty, deleting the staged rows in the same transaction.
// A crash leaves each batch either staged or merged, never both, never half.
//
// Contract: readers of iface_sample / iface_state / rollup_dirty call Store.settle() first
// (Rollup.drain and buildStatus do), so an acknowledged sample is visible to every read.
// The first staged sample of a (series, ts) wins, as INSERT OR IGNORE did at ingest.
//
// What a slice of the merge writes is planned by merge-plan.ts. In a collector (startThread)
// the background merge plans on the merge thread (merge-worker.ts) and this connection only
// replays each plan (applyPlan); settle() and tools plan here, in the transaction that writes.
import type { Database, Statement, Transaction } from './sqlite.js';
import { otherWrites } from './other-writes.js';
import { CHUNK_PERIOD_MS } from './chunks/codec.js';
import { MergePlanner, replay, storeReads, type MergeSink, type PlannerFold, type SliceResult, type SliceStats } from './merge-plan.js';
import { HAS_SPEED, HAS_UPTIME, type Records, type StagedRows } from './staged-records.js';
import type { FoldResult } from './fold.js';
import { MergeThread, type PlanMessage } from './merge-thread.js';

export { RECORD, StagedRows, columnRecords, type IfaceColumns } from './staged-records.js';
export { GENERATION_MAX, SEGMENT_MIN } from './merge-plan.js';

/**
 * Samples per slice of the merge thread: the collector's thread writes each plan in one
 * transaction (~10-20 ms), and the thread plans the next meanwhile (Staging.onPlan).
 */
export const SLICE_SAMPLES = 25_000;

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

  /**
   * A staged sample of `device`'s `iface` at `ts` (flags as in staged records, speed NaN when
   * unknown) that may be its newest. A newer one updates the state in place (readers copy what
   * they read): an ingest commit makes no object per interface it already knows.
   */
  note(device: string, iface: string, ts: number, flags: number, speed: number): void {
    let m = this.byDevice.get(device);
    if (!m) this.byDevice.set(device, (m = new Map()));
    const old = m.get(iface);
    const sp = Number.isNaN(speed) ? null : speed;
    if (!old) m.set(iface, stateOf(ts, flags, sp));
    else if (ts > old.ts) setState(old, ts, flags, sp);
  }

  of(device: string): ReadonlyMap<string, StagedState> | undefined {
    return this.byDevice.get(device);
  }
}

/** Sets `st` to iface_state's fields from a staged record's flags (bits 0-2) and speed. */
function setState(st: StagedState, ts: number, flags: number, speed: number | null): StagedState {
  st.ts = ts;
  st.operUp = flags & 2 ? (flags & 4) !== 0 : null;
  st.speed = speed;
  st.bits = flags & 1 ? 32 : 64;
  return st;
}

/** iface_state's fields from a staged record's flags (bits 0-2) and speed. */
export const stateOf = (ts: number, flags: number, speed: number | null): StagedState => setState({ ts, operUp: null, speed, bits: 64 }, ts, flags, speed);

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

/** The fold as Rollup sets it (`foldOnMerge`): its inputs, and how a result is written. */
export interface StagingFold extends PlannerFold {
  /** Writes a series' folded shares and events (inside the merge's transaction). */
  apply(series: number, f: FoldResult): void;
  /** The IANA zone of `dayStart`: the merge thread builds the same days from it. Without it the merge stays on this thread. */
  timezone?: string;
}

/** Failures of the merge thread in a row before the merge leaves it. */
const THREAD_FAILURES_MAX = 5;

export class Staging {
  private readonly q: Record<string, Statement>;
  private readonly reads: ReturnType<typeof storeReads>;
  private readonly planner: MergePlanner;
  /** Writes as the merge goes (this connection, inside the merge's transaction). */
  private readonly live: MergeSink;
  private readonly sliceTx: Transaction<(maxSamples: number) => SliceResult>;
  private readonly applyTx: Transaction<(m: PlanMessage) => boolean>;
  /** Rows and segment samples written by merges. */
  merged = 0;
  /** Series runs written as chunks of their own by merges (segments). */
  segments = 0;
  /** Series folded at merge, and series left to the rollup's recompute (for tests and /metrics). */
  readonly folds = { folded: 0, recomputed: 0 };
  private foldCfg: StagingFold | undefined;
  /** True when another connection committed since the last merge (what was read of the store is then forgotten). */
  private readonly otherWrites: () => boolean;
  /**
   * Moves whenever the series tables were written other than by the merge thread's last plan
   * (a merge here, another process): a plan made before is not applied, and the thread forgets
   * what it read.
   */
  private epochNow = 0;
  private thread: MergeThread | undefined;
  /** The thread's generation continues (its next slice is due whatever is staged). */
  private threadMore = false;
  /** Told after a plan of the thread committed (the store's checkpoints; `more`: its generation goes on). */
  onApplied: ((more: boolean) => void) | undefined;
  /**
   * The thread's answers: plans written, plans read before the store moved (not written),
   * plans asked for ahead that were not written (the one before them was not, or the store
   * moved), failures, and answers that found nothing staged.
   */
  readonly plans = { applied: 0, stale: 0, dropped: 0, failed: 0, empty: 0 };
  /** The plan the thread is making was asked for ahead (Staging.onPlan). */
  private askedAhead = false;
  lastThreadError: string | undefined;

  constructor(private readonly db: Database) {
    this.q = {
      put: db.prepare('INSERT INTO ingest_stage (n, data) VALUES (?, ?)'),
      genPut: db.prepare("INSERT INTO meta (key, value) VALUES ('merge_gen', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
      genDel: db.prepare("DELETE FROM meta WHERE key = 'merge_gen'"),
      drop: db.prepare('DELETE FROM ingest_stage WHERE id <= ?'),
      pending: db.prepare('SELECT count(*) AS batches, coalesce(sum(n), 0) AS samples FROM ingest_stage'),
      any: db.prepare('SELECT 1 FROM ingest_stage LIMIT 1').pluck(),
      iface: db.prepare('INSERT OR IGNORE INTO iface_sample (series, ts, in_oct, out_oct, uptime, speed, flags) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      ifaceState: db.prepare(
        `INSERT INTO iface_state (series, ts, oper_up, speed, bits) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (series) DO UPDATE SET ts = excluded.ts, oper_up = excluded.oper_up, speed = excluded.speed, bits = excluded.bits
         WHERE excluded.ts > iface_state.ts`, // the first stored sample of a ts wins (a later one behind a segment or a packed chunk is inserted as a row)
      ),
      putChunk: db.prepare('INSERT INTO iface_chunk (series, t0, t1, n, data) VALUES (?, ?, ?, ?, ?)'),
      segPeriod: db.prepare('INSERT OR IGNORE INTO chunk_seg (series, period) VALUES (?, ?)'),
      dirty: db.prepare(
        `INSERT INTO rollup_dirty (series, from_ts, to_ts) VALUES (?, ?, ?)
         ON CONFLICT (series) DO UPDATE SET from_ts = min(from_ts, excluded.from_ts), to_ts = max(to_ts, excluded.to_ts)`,
      ),
    };
    this.reads = storeReads(db);
    this.planner = new MergePlanner(this.reads);
    const q = this.q;
    this.live = {
      row: (series: number, r: Records, k: number) => {
        const d = k * 6;
        const f = r.u32[k * 12 + 1];
        return q.iface.run(series, r.f64[d + 1], r.i64[d + 2], r.i64[d + 3], f & HAS_UPTIME ? r.f64[d + 4] : null, f & HAS_SPEED ? r.f64[d + 5] : null, f & 7).changes > 0;
      },
      chunk: (series, t0, t1, n, data) => {
        q.putChunk.run(series, t0, t1, n, Buffer.from(data.buffer, data.byteOffset, data.byteLength));
        q.segPeriod.run(series, Math.floor(t0 / CHUNK_PERIOD_MS) * CHUNK_PERIOD_MS);
      },
      state: (series, r, k) => {
        const f = r.u32[k * 12 + 1];
        q.ifaceState.run(series, r.f64[k * 6 + 1], f & 2 ? (f & 4 ? 1 : 0) : null, f & HAS_SPEED ? r.f64[k * 6 + 5] : null, f & 1 ? 32 : 64);
      },
      dirty: (series, from, to) => void q.dirty.run(series, from, to),
      fold: (series, f) => this.foldCfg!.apply(series, f),
      end: (upTo, lastSeries) => {
        if (lastSeries === null) {
          q.drop.run(upTo);
          q.genDel.run();
        } else q.genPut.run(`${upTo}:${lastSeries}`);
      },
    };
    this.otherWrites = otherWrites(db);
    this.otherWrites(); // from now on: true only after another connection's commit
    this.sliceTx = db.transaction((maxSamples: number) => {
      this.checkOtherWrites();
      return this.planner.slice(maxSamples, this.live);
    });
    this.applyTx = db.transaction((m: PlanMessage) => {
      if (this.checkOtherWrites()) return false;
      if ((this.reads.marker() ?? null) !== m.expect) return false;
      if (this.foldCfg && this.foldCfg.finalBefore() !== m.finalBefore) return false;
      replay(m.plan, this.live);
      return true;
    });
  }

  /** Whether another connection committed since the last look; if so, what was read of the store is forgotten. */
  private checkOtherWrites(): boolean {
    if (!this.otherWrites()) return false;
    this.planner.reset();
    this.epochNow++;
    return true;
  }

  /** The fewest samples of a series in one merge written as a segment (tests of the row path set Infinity). */
  get segmentMin(): number {
    return this.planner.segmentMin;
  }
  set segmentMin(n: number) {
    this.planner.segmentMin = n;
  }

  /** Folds in-order samples at merge (Rollup's `foldOnMerge`). */
  foldWith(f: StagingFold | undefined): void {
    this.foldCfg = f;
    this.planner.fold = f;
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

  /** Whether a generation is part merged (its next slice continues it whatever is staged): in memory, on the thread, or by the store's marker (after a restart or a plan not written). */
  inGeneration(): boolean {
    return this.planner.inGeneration() || (this.thread !== undefined && this.threadMore) || this.reads.marker() !== undefined;
  }

  private count(s: SliceStats): void {
    this.merged += s.merged;
    this.segments += s.segments;
    this.folds.folded += s.folded;
    this.folds.recomputed += s.recomputed;
  }

  /**
   * Merges one slice here: the next whole series, about `maxSamples` samples, of the current
   * generation (merge-plan.ts), in one IMMEDIATE transaction which also records how far the
   * generation got (meta 'merge_gen') or, with its last slice, deletes its staged rows. So
   * each series gets all of a generation's samples in one merge, and after a crash the
   * generation continues after the last series committed. Returns the batches completed and
   * the samples of the slice, or null when nothing is staged.
   */
  mergeOnce(maxSamples = 100_000): { batches: number; samples: number } | null {
    // A plan the thread is making now reads the store from before this merge: it is not applied.
    this.epochNow++;
    let r: SliceResult;
    try {
      // IMMEDIATE: the staged rows and the marker are read under the write lock, so another
      // process merging the same store (a one-shot `pantau report` settling) cannot interleave.
      r = relaxedSync(this.db, () => this.sliceTx.immediate(maxSamples));
    } catch (e) {
      this.planner.abort();
      throw e;
    }
    this.planner.commit();
    this.count(r.stats);
    this.threadMore = false; // the thread reads the marker again
    return r.done;
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

  /**
   * Plans the background merge on a thread of its own (merge-worker.ts, a connection of its
   * own to `file`); this connection then only writes each slice's plan. Not for `:memory:`, nor
   * with a fold whose days the thread cannot build (no `timezone`). Returns whether it started.
   */
  startThread(file: string, onError: (message: string) => void = () => {}): boolean {
    if (this.thread || file === ':memory:') return false;
    const f = this.foldCfg;
    if (f && f.timezone === undefined) return false;
    this.thread = new MergeThread(
      file,
      { segmentMin: this.planner.segmentMin, fold: f ? { maxGapMs: f.maxGapMs, timezone: f.timezone! } : undefined },
      (m) => this.onPlan(m),
      (message, gone) => {
        this.epochNow++;
        this.threadMore = false;
        if (gone) this.thread = undefined; // the merge stays on this thread from now on
        this.threadFailed(message);
        this.answered();
      },
    );
    this.threadOnError = onError;
    return true;
  }

  /** Moves whenever the series tables were written other than by the thread's last plan (a plan asked for before is not written). */
  get epoch(): number {
    return this.epochNow;
  }

  /** Whether the background merge is planned on the thread. */
  get threaded(): boolean {
    return this.thread !== undefined;
  }

  /** Whether the thread is making a plan (it holds a read transaction on the store). */
  get threadBusy(): boolean {
    return this.thread?.busy ?? false;
  }

  /** Asks the thread for the next slice's plan, unless it is making one; whether it asked. */
  kick(maxSamples = SLICE_SAMPLES): boolean {
    const t = this.thread;
    if (!t || t.busy) return false;
    t.request({ epoch: this.epochNow, maxSamples });
    return true;
  }

  /**
   * Resolves once the thread has answered its next plan (written, dropped or failed), asking for
   * one if none is being made; at once without a thread. Ingest waits on it when the merge
   * falls behind, instead of merging on its own thread (which would drop the thread's plan).
   */
  afterNextPlan(): Promise<void> {
    if (!this.thread) return Promise.resolve();
    this.kick();
    return new Promise((resolve) => this.planWaiters.push(resolve));
  }

  private planWaiters: (() => void)[] = [];
  /** Failures in a row (plans that could not be written, thread errors): past THREAD_FAILURES_MAX the merge leaves the thread. */
  private failuresInRow = 0;
  private threadOnError: (message: string) => void = () => {};

  private threadFailed(message: string): void {
    this.lastThreadError = message;
    this.plans.failed++;
    this.threadOnError(message);
    if (++this.failuresInRow >= THREAD_FAILURES_MAX && this.thread) {
      this.threadOnError(`the merge thread failed ${this.failuresInRow} times in a row: the merge runs on the collector's thread from now on`);
      this.close();
    }
  }

  private answered(): void {
    const w = this.planWaiters;
    this.planWaiters = [];
    for (const r of w) r();
  }

  /** A plan from the thread: written in one IMMEDIATE transaction unless the store moved since it was read. */
  private onPlan(m: PlanMessage): void {
    const wasAhead = this.askedAhead;
    this.askedAhead = false;
    try {
      if (m.result.done === null) {
        this.plans.empty++;
        this.threadMore = false; // nothing was staged when it looked
        return;
      }
      // The generation goes on: the thread plans its next slice while this one is written (the
      // next slice's series follow this one's; if this plan is not written, the epoch moves and
      // that plan is dropped when it comes).
      const ahead = m.result.more && m.epoch === this.epochNow && this.kick();
      this.askedAhead = ahead;
      let ok: boolean;
      try {
        ok = this.applyPlan(m);
      } catch (e) {
        this.threadMore = false;
        this.threadFailed(`a merge plan could not be written: ${(e as Error).message}`);
        return;
      }
      if (!ok) {
        if (wasAhead) this.plans.dropped++;
        else this.plans.stale++;
        this.threadMore = false;
        return;
      }
      this.failuresInRow = 0;
      this.plans.applied++;
      this.threadMore = m.result.more;
      this.onApplied?.(m.result.more);
      if (m.result.more && !ahead) this.kick();
    } finally {
      this.answered();
    }
  }

  /**
   * Writes a plan of the thread in one IMMEDIATE transaction, unless the store moved since it
   * was read: a merge here or another connection's commit since it was asked for (the epoch),
   * or a different generation marker or finality cut. Returns whether it was written; when not
   * (or when it throws), the thread forgets what it read.
   */
  applyPlan(m: PlanMessage): boolean {
    let ok = false;
    try {
      ok = m.epoch === this.epochNow && relaxedSync(this.db, () => this.applyTx.immediate(m));
    } finally {
      if (!ok) this.epochNow++;
    }
    if (!ok) return false;
    this.planner.reset(); // what this thread's planner read is older than the plan
    this.count(m.result.stats);
    return true;
  }

  /** Stops the thread (the merge runs here from then on); a plan it was making is not written. */
  close(): void {
    this.epochNow++;
    this.askedAhead = false;
    this.thread?.close();
    this.thread = undefined;
    this.threadMore = false;
    this.answered();
  }
}
