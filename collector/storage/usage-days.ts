// Persisted usage days (issue 12 read goals): the usage day cache's aggregates of one ended
// local day for one set of uplink series (usage/day-cache.ts builds and decodes them; here
// they are opaque), so a month's report reads ~31 rows per OPD instead of ~45,000 buckets.
//
// A row of (sig, day) depends only on the usage5m rows of sig's series with bucket in
// [day, day + 24 h). Whatever rebuilds or removes such a bucket deletes the rows of its days in
// the same transaction: the rollup's recompute and fold (rollup.ts) and pruning (Store.prune).
// A missing row is recomputed from usage5m, so an upgraded store (table new and empty) gives
// the same figures, only slower the first time.
import type { Database } from './sqlite.js';
import { otherWrites } from './other-writes.js';

const DAY_MS = 86_400_000;

export interface StoredDay {
  day: number;
  sums: string;
  rates: Buffer;
  runs: string;
}

export class UsageDays {
  private readonly q;
  /**
   * Sorted day starts that may have rows (a superset: rows deleted stay listed, so a rolled-back
   * delete never hides a row). Lets the fold, called for every series of every merge, skip the
   * DELETE for days nothing was stored for (today's, almost always). undefined: not read yet.
   */
  private days: number[] | undefined;
  private readonly otherWrites: () => boolean;

  constructor(private readonly db: Database) {
    this.q = {
      get: db.prepare('SELECT day, sums, rates, runs FROM usage_day WHERE sig = ? AND day >= ? AND day < ? ORDER BY day').raw(true),
      put: db.prepare('INSERT OR REPLACE INTO usage_day (sig, day, sums, rates, runs) VALUES (?, ?, ?, ?, ?)'),
      drop: db.prepare('DELETE FROM usage_day WHERE day > ? AND day < ?'),
      pruneBefore: db.prepare('DELETE FROM usage_day WHERE day < ?'),
      days: db.prepare('SELECT DISTINCT day FROM usage_day').pluck(),
    };
    this.otherWrites = otherWrites(db);
  }

  /** The stored days of `sig` in [from, to), in time order. */
  read(sig: string, from: number, to: number): StoredDay[] {
    return (this.q.get.all(sig, from, to) as [number, string, Buffer, string][]).map(([day, sums, rates, runs]) => ({ day, sums, rates, runs }));
  }

  /**
   * Stores days of `sig`. Call it in the transaction that read their buckets (an immediate one
   * when another connection may rebuild them meanwhile), so no rebuild falls in between.
   */
  write(sig: string, rows: readonly StoredDay[]): void {
    if (rows.length === 0) return;
    const days = this.known();
    for (const r of rows) {
      this.q.put.run(sig, r.day, r.sums, r.rates, r.runs);
      const i = lowerBound(days, r.day);
      if (days[i] !== r.day) days.splice(i, 0, r.day);
    }
  }

  /** Buckets in [from, to) were rebuilt or removed: deletes the rows of every day they touch. */
  invalidate(from: number, to: number): void {
    if (!(to > from)) return;
    const days = this.known();
    const i = lowerBound(days, from - DAY_MS + 1);
    if (i < days.length && days[i] < to) this.q.drop.run(from - DAY_MS, to);
  }

  /** Pruning removed the buckets before `cut`: deletes the rows of the days it reached. */
  pruneBefore(cut: number): void {
    this.q.pruneBefore.run(cut);
  }

  /** The days that may have rows: read once, then widened with what other connections stored. */
  private known(): number[] {
    if (this.otherWrites() || this.days === undefined) {
      const seen = new Set(this.days ?? []);
      for (const d of this.q.days.all() as number[]) seen.add(d);
      this.days = [...seen].sort((a, b) => a - b);
    }
    return this.days;
  }
}

/** First index of sorted `xs` whose value is >= `x`. */
function lowerBound(xs: readonly number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
