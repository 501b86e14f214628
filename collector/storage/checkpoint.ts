// WAL checkpoints off the ingest path (issue 12). SQLite's automatic checkpoint runs inside the
// COMMIT that crosses 1,000 pages, so an ingest request paid for copying earlier pages into the
// database. With `takeOver()` the writer never checkpoints by itself: the background merge calls
// `afterMerge()`, which runs a PASSIVE checkpoint after writes (at most every `minIntervalMs`:
// a page rewritten by several merges is copied once) and TRUNCATE when nothing is staged (the
// WAL file goes back to 0 bytes). A WAL past `maxWalBytes` since the last
// checkpoint (the background fell behind) is checkpointed at the next write anyway: bounded.
import { statSync } from 'node:fs';
import type { Database, Statement } from './sqlite.js';

export type CheckpointMode = 'passive' | 'truncate' | 'forced';

export class Checkpoints {
  private managed = false;
  private readonly passive: Statement;
  private readonly truncate: Statement;
  private writtenSince = 0;
  private lastRun = -Infinity;
  readonly counts: Record<CheckpointMode, number> = { passive: 0, truncate: 0, forced: 0 };

  constructor(
    private readonly db: Database,
    private readonly file: string,
    private readonly maxWalBytes = 256 * 1024 * 1024,
    private readonly minIntervalMs = 1000,
  ) {
    this.passive = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
    this.truncate = db.prepare('PRAGMA wal_checkpoint(TRUNCATE)');
  }

  /** The writer stops checkpointing inside its commits; the caller runs afterMerge() regularly. */
  takeOver(): void {
    this.db.exec('PRAGMA wal_autocheckpoint = 0');
    this.managed = true;
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
    (mode === 'truncate' ? this.truncate : this.passive).get();
    this.counts[mode]++;
    this.writtenSince = 0;
    this.lastRun = performance.now();
  }
}
