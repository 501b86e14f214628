// Group commit: the batches that become ready in the same turn of the event loop (several
// agents, or requests that arrived while the previous commit held the thread) are committed
// together in one transaction (one fsync), and each request is answered only once that commit
// is durable. A batch that fails alone (rolled back to its savepoint) fails only its request.
import type { BatchWrite, Store, WriteResult } from '../storage/store.js';

export interface GroupCommitOptions {
  /**
   * `eager`: merge the staged samples into the series tables before answering (no timers: the
   * tests' read-your-writes without anyone calling settle). `deferred`: the background merge
   * does it; readers call Store.settle(). Default deferred.
   */
  merge?: 'eager' | 'deferred';
  /**
   * Deferred merge only: when more samples than this wait in staging (the background merge fell
   * behind), a commit also merges one slice before answering (with the merge thread: answers
   * once its next plan is written), so ingest slows down instead of the backlog (and the next
   * reader's settle) growing without bound. Default 1,000,000.
   */
  maxBacklog?: number;
  /** Told of each commit: how many batches it held (for /metrics). */
  onCommit?: (batches: number) => void;
  /** A failure of the eager merge after a durable commit (the batches are still acknowledged). */
  onMergeError?: (e: unknown) => void;
}

interface Waiting {
  w: BatchWrite;
  resolve: (r: WriteResult) => void;
  reject: (e: unknown) => void;
}

export class GroupCommit {
  private queue: Waiting[] = [];
  private scheduled = false;

  constructor(
    private readonly store: Store,
    private readonly o: GroupCommitOptions = {},
  ) {}

  /** Resolves once the batch is durable (or found to be a duplicate). */
  submit(w: BatchWrite): Promise<WriteResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ w, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const group = this.queue;
    this.queue = [];
    if (group.length === 0) return;
    let results: (WriteResult | Error)[];
    try {
      results = this.store.stageBatches(group.map((g) => g.w));
    } catch (e) {
      for (const g of group) g.reject(e);
      return;
    }
    this.o.onCommit?.(group.length);
    // Behind by more than maxBacklog: with the merge thread, the answers wait for its next plan
    // (a merge here would make the thread's plan stale); without it, a slice is merged here.
    let behind: Promise<void> | undefined;
    try {
      if (this.o.merge === 'eager') this.store.settle();
      else if (this.store.staging.pendingAbove(this.o.maxBacklog ?? 1_000_000)) {
        if (this.store.staging.threaded) behind = this.store.staging.afterNextPlan();
        else this.store.staging.mergeOnce();
      }
    } catch (e) {
      this.o.onMergeError?.(e); // durable in staging: the next settle merges it
    }
    const answer = () =>
      group.forEach((g, i) => {
        const r = results[i];
        if (r instanceof Error) g.reject(r);
        else g.resolve(r);
      });
    // Answered once durable: at once when the commit fsynced, else after the WAL's fdatasync (Store.syncWalLater).
    Promise.all([this.store.durable(), behind]).then(answer, (e) => {
      for (const g of group) g.reject(e);
    });
  }
}
