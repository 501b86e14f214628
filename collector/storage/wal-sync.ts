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

  constructor(private readonly walFile: string) {}

  /** Notes a commit that has returned; its number for durable(). */
  noteCommit(): number {
    return ++this.committed;
  }

  /** Resolves once an fdatasync that began after commit `n` (noteCommit) has ended. */
  durable(n: number): Promise<void> {
    if (n <= this.durableUpTo) return Promise.resolve();
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
    if (err === undefined) {
      this.syncs++;
      this.durableUpTo = Math.max(this.durableUpTo, upTo);
    }
    const left: typeof this.waiting = [];
    for (const w of this.waiting) {
      if (err !== undefined && w.upTo <= upTo) w.reject(err);
      else if (w.upTo <= this.durableUpTo) w.resolve();
      else left.push(w);
    }
    this.waiting = left;
    if (left.length > 0) this.start();
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
