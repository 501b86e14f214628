// Durable ingest commits without an fsync on the event loop (issue 12). An ingest group commit
// runs at synchronous = NORMAL: its COMMIT writes its frames to the WAL file and returns. The
// requests it holds are answered once an fdatasync of the WAL file that began after that
// COMMIT has ended (in libuv's thread pool), so every acknowledged batch is on disk as with
// synchronous = FULL. Commits made while one fdatasync runs share the next one.
//
// Why this is enough: fdatasync flushes the file's data whatever descriptor wrote it, and
// SQLite's recovery replays the WAL's frames up to the last valid commit. A checkpoint that
// copies the WAL into the database (or restarts or truncates it) syncs the WAL before and the
// database after, at NORMAL too, so frames a checkpoint moves are durable before they leave
// the WAL. The WAL file stays while the store's connection is open. A process crash loses
// nothing committed either way (the page cache survives it); a commit not yet synced was not
// acknowledged, and its agent sends it again (a duplicate then stores nothing).
//
// The file synced must be the WAL SQLite writes: the store passes the path SQLite resolved
// (PRAGMA database_list, symlinks followed) and only in WAL mode (Store.syncWalLater).
//
// A failed fdatasync is final: Linux reports a writeback error once and may drop the pages, so
// a later fdatasync can succeed with earlier frames lost, and every later commit sits behind
// them in the WAL. From the first failure nothing more is acknowledged through this (ingest
// answers 503) until the collector restarts, as databases do after an fsync failure.
import { fdatasync, openSync, closeSync } from 'node:fs';

export class WalSync {
  private fd: number | undefined;
  /** Commits noted so far, and the newest one a finished fdatasync covers. */
  private committed = 0;
  durableUpTo = 0;
  /** The fdatasync running, and the commit count when it began. */
  private running: number | undefined;
  private waiting: { upTo: number; resolve: () => void; reject: (e: unknown) => void }[] = [];
  /** fdatasync calls finished (for tests and /metrics). */
  syncs = 0;
  /** The first failure (final: see above). */
  failed: Error | undefined;
  private closed = false;

  constructor(readonly walFile: string) {}

  /** Notes a commit that has returned; its number for durable(). */
  noteCommit(): number {
    return ++this.committed;
  }

  /** Resolves once an fdatasync that began after commit `n` (noteCommit) has ended; rejects after any failure. */
  durable(n: number): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    if (n <= this.durableUpTo) return Promise.resolve();
    if (this.closed) return Promise.reject(new Error('the WAL sync is closed (the store is closing)'));
    return new Promise((resolve, reject) => {
      this.waiting.push({ upTo: n, resolve, reject });
      if (this.running === undefined) this.start();
    });
  }

  private start(): void {
    const upTo = this.committed;
    this.running = upTo;
    let fd: number;
    try {
      fd = this.fd ??= openSync(this.walFile, 'r');
    } catch (e) {
      this.finish(upTo, e);
      return;
    }
    fdatasync(fd, (err) => this.finish(upTo, err ?? undefined));
  }

  private finish(upTo: number, err: unknown): void {
    this.running = undefined;
    if (err !== undefined) {
      this.failed ??= new Error(`the WAL ${this.walFile} could not be synced to disk (${(err as Error)?.message ?? err}); nothing more is acknowledged until the collector restarts`);
      for (const w of this.waiting) w.reject(this.failed);
      this.waiting = [];
    } else {
      this.syncs++;
      this.durableUpTo = Math.max(this.durableUpTo, upTo);
      const left: typeof this.waiting = [];
      for (const w of this.waiting) {
        if (w.upTo <= this.durableUpTo) w.resolve();
        else left.push(w);
      }
      this.waiting = left;
    }
    if (this.waiting.length > 0 && !this.closed) this.start();
    else if (this.closed) this.release();
  }

  /** Stops: a sync running finishes first (its descriptor is closed after it); commits it does not cover are failed. */
  close(): void {
    this.closed = true;
    if (this.running === undefined) this.release();
  }

  private release(): void {
    for (const w of this.waiting) w.reject(new Error('the WAL sync is closed (the store is closing)'));
    this.waiting = [];
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
