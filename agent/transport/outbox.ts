// Between the cycles and the collector: sends each cycle's batches at once, spools what the
// collector cannot take (unreachable, 5xx, 429/503), and replays the spool when it answers
// again: the most recent cycle first, then the backlog oldest-first at a bounded rate.
// stop() aborts requests in flight and spools every batch not yet acknowledged.
import type { Logger } from '../../log/logger.js';
import type { IngestBatch } from '../../protocol/samples.js';
import type { Spool, SpoolClass, SpoolEntry } from '../spool/spool.js';
import { backoffMs } from './backoff.js';
import type { Part, Sender, SendResult } from './sender.js';

export interface OutboxOptions {
  sender: Sender;
  spool: Spool;
  logger: Logger;
  /** Backlog batches replayed per second at most (default 5). */
  replayPerSecond?: number;
  /** Backoff bounds, ms (defaults 1 000 and 60 000). */
  backoffMinMs?: number;
  backoffMaxMs?: number;
}

export class Outbox {
  private readonly log: Logger;
  private readonly abort = new AbortController();
  private readonly inflight = new Set<Promise<void>>();
  private failures = 0;
  private pausedUntil = 0;
  /** The newest batch spooled while paused: replayed before the backlog. */
  private latest: SpoolEntry | undefined;
  private stopped = false;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  readonly counters = { sent: 0, spooled: 0, replayed: 0, dropped: 0, refusedSamples: 0 };

  constructor(private readonly opts: OutboxOptions) {
    this.log = opts.logger.child({ component: 'outbox' });
  }

  /** The last backoff delays chosen, oldest first (at most 32; tests and logs read them). */
  readonly recentDelays: number[] = [];

  /** When the collector may next be asked (ms since the epoch; 0: not backing off). */
  get retryAt(): number {
    return this.pausedUntil;
  }

  start(): void {
    this.loop ??= this.replayLoop();
  }

  /** Sends a cycle's batch now, or spools it while the collector is backing us off. */
  submit(batch: IngestBatch, cls: SpoolClass): Promise<void> {
    const p = this.deliver(batch, cls).finally(() => this.inflight.delete(p));
    this.inflight.add(p);
    return p;
  }

  private async deliver(batch: IngestBatch, cls: SpoolClass): Promise<void> {
    try {
      if (this.stopped || Date.now() < this.pausedUntil) {
        await this.spoolPut(batch, cls);
        this.poke();
        return;
      }
      const r = await this.opts.sender.send(batch, this.abort.signal);
      this.account(r);
      if (r.retry) {
        for (const part of r.retry.remaining) await this.spoolPut(part, cls);
        this.poke();
      }
    } catch (err) {
      // A full or unwritable spool disk must not end the agent: count, log, go on.
      this.counters.dropped++;
      this.log.error({ batch: batch.batch, err: String(err) }, 'could not spool a batch (disk full or unwritable?); its samples are lost');
    }
  }

  private async spoolPut(batch: Part, cls: SpoolClass): Promise<void> {
    this.latest = (await this.opts.spool.put(batch, cls, batch.gz)) ?? this.latest;
    this.counters.spooled++;
  }

  /** Updates backoff from a result; true when the collector took (or refused) everything. */
  private account(r: SendResult): boolean {
    this.counters.sent += r.acked.length;
    this.counters.dropped += r.dropped;
    this.counters.refusedSamples += r.refusedSamples;
    if (!r.retry) {
      if (this.failures > 0) this.log.info({ afterFailures: this.failures }, 'collector answers again; replaying the spool');
      this.failures = 0;
      this.poke();
      return true;
    }
    if (this.stopped) return false;
    this.failures++;
    const delay = r.retry.retryAfterMs ?? backoffMs(this.failures, { minMs: this.opts.backoffMinMs, maxMs: this.opts.backoffMaxMs });
    this.pausedUntil = Math.max(this.pausedUntil, Date.now() + delay);
    this.recentDelays.push(delay);
    if (this.recentDelays.length > 32) this.recentDelays.shift();
    this.poke();
    const refused = /^token refused \(\d+\)/.exec(r.retry.reason)?.[0];
    this.log.warn(
      { reason: r.retry.reason, retryInMs: delay, failures: this.failures, spool: this.opts.spool.stats() },
      refused ? `${refused}: the collector does not accept this agent's token; spooling and retrying later` : 'collector cannot take batches now; spooling and retrying later',
    );
    return false;
  }

  private async replayLoop(): Promise<void> {
    const gapMs = 1000 / (this.opts.replayPerSecond ?? 5);
    while (!this.stopped) {
      const wait = this.pausedUntil - Date.now();
      const entry = wait > 0 ? undefined : this.next();
      if (!entry) {
        await this.sleep(wait > 0 ? wait : 1000);
        continue;
      }
      if (entry === this.latest) this.latest = undefined;
      try {
        await this.replay(entry);
      } catch (err) {
        this.log.error({ file: entry.key, err: String(err) }, 'replaying a spooled batch failed; will try again');
        await this.sleep(5000);
      }
      await this.sleep(gapMs);
    }
  }

  private next(): SpoolEntry | undefined {
    if (this.latest && this.opts.spool.has(this.latest)) return this.latest;
    this.latest = undefined;
    return this.opts.spool.oldest();
  }

  private async replay(e: SpoolEntry): Promise<void> {
    let gz: Buffer;
    try {
      gz = await this.opts.spool.readRaw(e);
    } catch (err) {
      // Gone (removed to make room meanwhile): forget it. Anything else (EMFILE, EIO) may pass:
      // the replay loop tries again.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      await this.opts.spool.remove(e);
      return;
    }
    const r = await this.opts.sender.sendSpooled({ batch: e.batchId, samples: e.samples, gz }, () => this.opts.spool.read(e), this.abort.signal);
    this.account(r);
    this.counters.replayed += r.acked.length;
    if (r.untouched) return; // stays spooled
    for (const part of r.retry?.remaining ?? []) await this.opts.spool.put(part, e.cls, part.gz); // what is left of a split batch
    await this.opts.spool.remove(e);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done(): void {
        clearTimeout(t);
        resolve();
      }
      this.wake = done;
    });
  }

  /** Wakes the replay loop so it looks again (at the spool, or at a new pause). */
  private poke(): void {
    this.wake?.();
  }

  /** Aborts requests in flight; everything not acknowledged ends in the spool. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    this.wake?.();
    await Promise.allSettled([...this.inflight]);
    await this.loop;
  }
}
