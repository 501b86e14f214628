// The agent's disk spool: batches the collector could not take yet, one gzip'd JSON file per
// batch, written atomically (temp file, fsync, rename, fsync of the folder), so a crash or a
// SIGTERM never leaves half a batch and the spool survives the agent's restart.
//
// Two priority classes: `events` (poll outcomes, backup runs: rare and small, what alerts and
// audits need) and `samples` (counters, pings, host metrics). Bounded by maxBytes on disk:
// when full, the oldest *sample* batches are dropped first, counted and logged; events are
// dropped only when no sample batch is left. Replay order is oldest first across both classes.
// A full disk (ENOSPC, EDQUOT) is met the same way: the oldest sample batches are evicted until
// the write fits. Every loss is counted; losses are logged at most once a minute (a summary).
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Logger } from '../../log/logger.js';
import type { IngestBatch } from '../../protocol/samples.js';
import { gzipBatch } from '../transport/encode.js';
import { writeFileAtomic } from './atomic.js';

export type SpoolClass = 'events' | 'samples';
const CLASSES: SpoolClass[] = ['events', 'samples'];

export interface SpoolEntry {
  /** File name: `${seq}.${sampleCount}.${batchId}.json.gz`; seq orders entries by age. */
  key: string;
  cls: SpoolClass;
  seq: number;
  samples: number;
  bytes: number;
  batchId: string;
}

export interface SpoolStats {
  batches: number;
  bytes: number;
  /** Since open: batches and samples dropped because the spool was full. */
  droppedBatches: number;
  droppedSamples: number;
  droppedEvents: number;
}

export interface SpoolOptions {
  dir: string;
  maxBytes: number;
  logger: Logger;
  /** Clock of the once-a-minute loss log (default Date.now). */
  now?: () => number;
  /** Writes one batch file (default writeFileAtomic; tests inject a failing disk). */
  writeFile?: (file: string, data: Buffer, tmpDir: string) => Promise<void>;
}

/** Errors meaning the disk under the spool has no room: make room, never give up the newest. */
const DISK_FULL = new Set(['ENOSPC', 'EDQUOT']);
const LOSS_LOG_MS = 60_000;

export class Spool {
  private readonly entries: Record<SpoolClass, SpoolEntry[]> = { events: [], samples: [] };
  private seq = 0;
  private bytes = 0;
  private dropped = { batches: 0, samples: 0, events: 0 };
  private readonly log: Logger;
  /** Losses not logged yet, and when the last loss line was written. */
  private unlogged = { batches: 0, samples: 0, events: 0, reasons: new Set<string>() };
  private lastLossLog = -Infinity;
  private lossTimer?: NodeJS.Timeout;

  private constructor(private readonly opts: SpoolOptions) {
    this.log = opts.logger.child({ component: 'spool' });
  }

  /** Opens (or creates) the spool in `dir`, indexing what a previous run left. */
  static async open(opts: SpoolOptions): Promise<Spool> {
    const s = new Spool(opts);
    await mkdir(join(opts.dir, 'tmp'), { recursive: true });
    await rm(join(opts.dir, 'tmp'), { recursive: true, force: true }); // half-written leftovers
    await mkdir(join(opts.dir, 'tmp'), { recursive: true });
    for (const cls of CLASSES) {
      await mkdir(join(opts.dir, cls), { recursive: true });
      for (const name of await readdir(join(opts.dir, cls))) {
        const e = parseKey(name, cls);
        if (!e) continue;
        e.bytes = (await stat(join(opts.dir, cls, name))).size;
        s.entries[cls].push(e);
        s.bytes += e.bytes;
        s.seq = Math.max(s.seq, e.seq);
      }
      s.entries[cls].sort((a, b) => a.seq - b.seq);
    }
    const st = s.stats();
    if (st.batches > 0) s.log.info({ batches: st.batches, bytes: st.bytes }, 'spool holds batches from before; replaying when the collector answers');
    return s;
  }

  /**
   * Writes a batch to disk, making room by dropping the oldest sample batches when the spool is
   * over maxBytes or the disk is full. Events are dropped only when no sample batch is left.
   */
  async put(batch: IngestBatch, cls: SpoolClass, gz?: Buffer): Promise<SpoolEntry | undefined> {
    // `gz`: the batch's gzip'd JSON when the sender has it already (what gzipBatch makes).
    const body = gz ?? (await gzipBatch(batch))!;
    const n = batch.samples.length;
    if (body.length > this.opts.maxBytes) return this.drop(cls, n, 'larger than the whole spool');
    while (this.bytes + body.length > this.opts.maxBytes) {
      if (!(await this.evictFor(cls, 'spool full'))) return this.drop(cls, n, 'spool full of events');
    }
    const e: SpoolEntry = { key: '', cls, seq: ++this.seq, samples: n, bytes: body.length, batchId: batch.batch };
    e.key = `${String(e.seq).padStart(12, '0')}.${n}.${batch.batch}.json.gz`;
    const write = this.opts.writeFile ?? writeFileAtomic;
    // Bounded: each failed attempt removes one spooled batch, or gives this one up.
    for (;;) {
      try {
        await write(join(this.opts.dir, cls, e.key), body, join(this.opts.dir, 'tmp'));
        break;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? '';
        if (!DISK_FULL.has(code)) throw err;
        if (!(await this.evictFor(cls, 'disk full'))) return this.drop(cls, n, `disk full (${code}) and nothing older to give up`);
      }
    }
    this.entries[cls].push(e);
    this.bytes += e.bytes;
    return e;
  }

  /** Removes the oldest batch that may go to make room for a `cls` batch; false when none may. */
  private async evictFor(cls: SpoolClass, why: string): Promise<boolean> {
    const victimCls: SpoolClass | undefined =
      this.entries.samples.length > 0 ? 'samples' : cls === 'events' && this.entries.events.length > 0 ? 'events' : undefined;
    if (!victimCls) return false;
    const victim = this.entries[victimCls][0];
    await this.remove(victim);
    this.count(victimCls, victim.samples, `${why}: dropped the oldest batches to make room`);
    return true;
  }

  /** The oldest entry across both classes, or undefined when empty. */
  oldest(): SpoolEntry | undefined {
    const [a, b] = [this.entries.events[0], this.entries.samples[0]];
    if (!a || !b) return a ?? b;
    return a.seq < b.seq ? a : b;
  }

  has(e: SpoolEntry): boolean {
    return this.entries[e.cls].includes(e);
  }

  /** Reads an entry back; counters come back as decimal strings (the wire form). */
  async read(e: SpoolEntry): Promise<IngestBatch> {
    const text = gunzipSync(await this.readRaw(e)).toString('utf8');
    return JSON.parse(text) as IngestBatch;
  }

  /** The entry's file as written: the batch's gzip'd JSON, an ingest request body. */
  readRaw(e: SpoolEntry): Promise<Buffer> {
    return readFile(join(this.opts.dir, e.cls, e.key));
  }

  async remove(e: SpoolEntry): Promise<void> {
    const list = this.entries[e.cls];
    const i = list.indexOf(e);
    if (i < 0) return;
    list.splice(i, 1);
    this.bytes -= e.bytes;
    await rm(join(this.opts.dir, e.cls, e.key), { force: true });
  }

  stats(): SpoolStats {
    return {
      batches: this.entries.events.length + this.entries.samples.length,
      bytes: this.bytes,
      droppedBatches: this.dropped.batches,
      droppedSamples: this.dropped.samples,
      droppedEvents: this.dropped.events,
    };
  }

  /** Ends the pending loss summary timer and writes what it held (the agent stops). */
  close(): void {
    if (this.lossTimer) clearTimeout(this.lossTimer);
    this.lossTimer = undefined;
    this.logLosses();
  }

  private count(cls: SpoolClass, samples: number, why: string): void {
    this.dropped.batches++;
    if (cls === 'samples') this.dropped.samples += samples;
    else this.dropped.events += samples;
    const u = this.unlogged;
    u.batches++;
    if (cls === 'samples') u.samples += samples;
    else u.events += samples;
    u.reasons.add(why);
    // Once a minute at most: the first loss at once, later ones summed into the next line.
    const now = (this.opts.now ?? Date.now)();
    if (now - this.lastLossLog >= LOSS_LOG_MS) this.logLosses();
    else
      this.lossTimer ??= setTimeout(() => {
        this.lossTimer = undefined;
        this.logLosses();
      }, LOSS_LOG_MS - (now - this.lastLossLog)).unref();
  }

  private logLosses(): void {
    const u = this.unlogged;
    if (u.batches === 0) return;
    this.lastLossLog = (this.opts.now ?? Date.now)();
    this.log.warn(
      {
        lostBatches: u.batches,
        lostSamples: u.samples,
        lostEvents: u.events,
        droppedBatches: this.dropped.batches,
        droppedSamples: this.dropped.samples,
        droppedEvents: this.dropped.events,
        maxBytes: this.opts.maxBytes,
      },
      `spool: ${u.batches} batch(es) lost since the last report (${[...u.reasons].join('; ')}); the spool keeps the newest`,
    );
    this.unlogged = { batches: 0, samples: 0, events: 0, reasons: new Set() };
  }

  private drop(cls: SpoolClass, samples: number, why: string): undefined {
    this.count(cls, samples, `batch not kept: ${why}`);
    return undefined;
  }
}

function parseKey(name: string, cls: SpoolClass): SpoolEntry | undefined {
  const m = /^(\d+)\.(\d+)\.(.+)\.json\.gz$/.exec(name);
  if (!m) return undefined;
  return { key: name, cls, seq: Number(m[1]), samples: Number(m[2]), bytes: 0, batchId: m[3] };
}

