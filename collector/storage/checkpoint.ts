// WAL checkpoints off the ingest path (issue 12). SQLite's automatic checkpoint runs inside the
// COMMIT that crosses 1,000 pages, so an ingest request paid for copying earlier pages into the
// database. With `takeOver()` the writer never checkpoints by itself: the background merge calls
// `afterMerge()`, which runs a PASSIVE checkpoint after writes (at most every `minIntervalMs`:
// a page rewritten by several merges is copied once) and TRUNCATE when nothing is staged (the
// WAL file goes back to 0 bytes). A WAL past `maxWalBytes` since the last
// checkpoint (the background fell behind) is checkpointed at the next write anyway: bounded.
//
// With `takeOver({ thread: true })` (the collector) the PASSIVE checkpoints run in a worker thread
// on a connection of its own: copying pages into the database file and its fsync no longer hold
// the event loop (3-6 % of the collector's thread under ingest). A PASSIVE checkpoint takes no
// writer lock, so it runs beside this connection's writes. TRUNCATE stays here: it holds the
// writer lock while it works, and a transaction of this connection that read before it writes
// (every ingest commit) is refused at once ("database is locked", no busy wait: SQLite does not
// wait to upgrade a read in WAL mode), which a test killed and restarted collector met. When
// idle the WAL holds little that a PASSIVE has not copied already, so TRUNCATE is short. One
// checkpoint at a time: one asked for while the thread's is in flight is skipped (the next merge
// asks again), except the bound (`forced`), which runs here and waits for it.
import { statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { enginePath, type Database, type Statement } from './sqlite.js';

/** The worker: opens the store with the same engine and runs a PASSIVE checkpoint per message. CommonJS (eval). */
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.engine);
const db = new Database(workerData.file, { fileMustExist: true });
db.exec('PRAGMA busy_timeout = 5000');
parentPort.on('message', (m) => {
  if (m === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    db.exec('PRAGMA wal_checkpoint(PASSIVE)');
    parentPort.postMessage({});
  } catch (e) {
    parentPort.postMessage({ error: String((e && e.message) || e) });
  }
});
`;

export type CheckpointMode = 'passive' | 'truncate' | 'forced';

export class Checkpoints {
  private managed = false;
  private readonly passive: Statement;
  private readonly truncate: Statement;
  private writtenSince = 0;
  private lastRun = -Infinity;
  readonly counts: Record<CheckpointMode, number> = { passive: 0, truncate: 0, forced: 0 };
  /** Checkpoints the thread could not run (their error is in `lastError`): the next one tries again. */
  failed = 0;
  lastError: string | undefined;
  private thread: Worker | undefined;
  /** The checkpoint in flight in the thread, settled when it answers. */
  private inFlight: Promise<void> | undefined;

  constructor(
    private readonly db: Database,
    private readonly file: string,
    private readonly maxWalBytes = 256 * 1024 * 1024,
    private readonly minIntervalMs = 1000,
  ) {
    this.passive = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
    this.truncate = db.prepare('PRAGMA wal_checkpoint(TRUNCATE)');
  }

  /**
   * The writer stops checkpointing inside its commits; the caller runs afterMerge() regularly.
   * `thread`: its PASSIVE checkpoints run in a worker thread (not for `:memory:`).
   */
  takeOver(o: { thread?: boolean } = {}): void {
    this.db.exec('PRAGMA wal_autocheckpoint = 0');
    this.managed = true;
    if (o.thread && this.file !== ':memory:' && !this.thread) {
      const thread = new Worker(THREAD, { eval: true, workerData: { engine: enginePath(), file: this.file } });
      thread.unref();
      // A thread that fails or ends leaves the checkpoints to this connection, as without one.
      thread.on('error', (e) => (this.lastError = `the checkpoint thread failed: ${(e as Error).message}`));
      thread.once('exit', () => {
        if (this.thread === thread) this.thread = undefined;
      });
      this.thread = thread;
    }
  }

  /** Resolves once no checkpoint is in flight in the thread (tests). */
  async idle(): Promise<void> {
    while (this.inFlight) await this.inFlight;
  }

  /** Stops the thread (its connection closed after a checkpoint in flight). */
  close(): void {
    this.thread?.postMessage('close');
    this.thread = undefined;
  }

  get isManaged(): boolean {
    return this.managed;
  }

  /** Told of roughly `bytes` committed on the ingest path; checkpoints only past the bound. */
  noteWrite(bytes: number): void {
    if (!this.managed) return;
    this.writtenSince += bytes;
    if (this.writtenSince > this.maxWalBytes) this.run('forced');
  }

  /** After a background merge: PASSIVE (at most every minIntervalMs), TRUNCATE when `idle`. */
  afterMerge(idle: boolean): void {
    if (!this.managed) return;
    if (idle) {
      if (this.walBytes() > 0) this.run('truncate');
    } else if (performance.now() - this.lastRun >= this.minIntervalMs) this.run('passive');
  }

  /** Size of the WAL file in bytes (0 when it does not exist). */
  walBytes(): number {
    if (this.file === ':memory:') return 0;
    try {
      return statSync(`${this.file}-wal`).size;
    } catch {
      return 0;
    }
  }

  private run(mode: CheckpointMode): void {
    const thread = this.thread;
    if (this.inFlight && mode !== 'forced') return;
    if (thread && mode === 'passive') {
      this.writtenSince = 0;
      this.lastRun = performance.now();
      this.inFlight = new Promise<void>((resolve) => {
        const done = (m: { error?: string }) => {
          thread.off('message', done);
          thread.off('exit', gone);
          this.inFlight = undefined;
          if (m.error === undefined) this.counts.passive++;
          else {
            this.failed++;
            this.lastError = m.error;
          }
          resolve();
        };
        const gone = () => done({ error: 'the checkpoint thread exited' });
        thread.on('message', done);
        thread.once('exit', gone);
        thread.postMessage('passive');
      });
      return;
    }
    (mode === 'truncate' ? this.truncate : this.passive).get();
    this.counts[mode]++;
    this.writtenSince = 0;
    this.lastRun = performance.now();
  }
}
