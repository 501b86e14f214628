// JSON.parse and validation of ingest bodies off the main thread (issue 12): a pool of
// worker_threads (parse-worker.ts), each body going to the worker with the fewest bodies in
// hand. The main thread keeps authentication (before the body is read), the checks against the
// config and the commit. With `size` 0 the same parseBatch runs in-thread (tests, one core).
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ApiError, type ApiErrorCode } from '../api/errors.js';
import { parseBatch, type ParsedBatch } from './parse-batch.js';
import type { ParseReply, ParseRequest } from './parse-worker.js';
import type { PackedBatch } from './packed.js';
import { MIN_BYTES } from './buffers.js';

/** Workers by default: one core is the main thread's (HTTP, SQLite); the others parse. */
export const defaultPoolSize = (): number => Math.max(1, availableParallelism() - 1);

/**
 * Where the worker's code is: beside this module's bundle chunk (bin/pantau.js builds
 * `ingest-parse-worker.mjs` as an entry point), or its TypeScript source through tsx.
 */
function workerSource(): { file: URL; workerData?: { entry: string } } {
  const self = import.meta.url;
  if (self.endsWith('.ts')) return { file: new URL('./parse-worker-tsx.mjs', self), workerData: { entry: new URL('./parse-worker.ts', self).href } };
  return { file: new URL('./ingest-parse-worker.mjs', self) };
}

interface Slot {
  worker: Worker;
  busy: number;
  /** Whether it ever answered: one that dies before (cannot load) is not started again. */
  answered: boolean;
}

export class ParsePool {
  private readonly slots: Slot[] = [];
  private readonly waiting = new Map<number, { slot: Slot; resolve: (r: ParsedBatch & { spare?: ArrayBuffer }) => void; reject: (e: unknown) => void }>();
  private seq = 0;
  private closed = false;

  constructor(
    readonly size: number,
    private readonly onError: (e: unknown) => void = () => {},
  ) {
    for (let i = 0; i < size; i++) this.spawn();
  }

  private spawn(): void {
    const src = workerSource();
    const worker = new Worker(src.file, { workerData: src.workerData });
    worker.unref();
    const slot: Slot = { worker, busy: 0, answered: false };
    worker.on('message', (m: ParseReply) => {
      const w = this.waiting.get(m.id);
      if (!w) return;
      this.waiting.delete(m.id);
      slot.busy--;
      slot.answered = true;
      if (m.crash) w.reject(new Error(`ingest parse worker: ${m.crash}`));
      else if (m.error) w.resolve({ error: new ApiError(m.error.code as ApiErrorCode, m.error.message, m.error.path), newest: m.newest, spare: m.body });
      else w.resolve({ batch: m.batch as PackedBatch, newest: m.newest, spare: m.body });
    });
    // A worker that dies fails the bodies it held (answered 500, the agent resends) and is
    // replaced; one that never answered is not (with none left, bodies are parsed in-thread).
    worker.on('error', (e) => this.onError(e));
    worker.on('exit', () => {
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots.splice(i, 1);
      for (const [id, w] of this.waiting)
        if (w.slot === slot) {
          this.waiting.delete(id);
          w.reject(new Error('ingest parse worker exited'));
        }
      if (!this.closed && slot.answered) this.spawn();
      else if (!this.closed) this.onError(new Error(`ingest parse worker exited before its first answer; ${this.slots.length} left${this.slots.length ? '' : ', parsing in-thread'}`));
    });
    this.slots.push(slot);
  }

  /**
   * Parses and validates `body`. A body that is the whole of its ArrayBuffer, or one whose
   * buffer is `own` (the caller's to give up: a BufferPool's), is moved to the worker and is
   * empty here afterwards; its buffer comes back as `spare`. Another one (sharing Node's buffer
   * pool) is copied.
   */
  parse(body: Uint8Array, now: number, maxAgeMs: number, own = false): Promise<ParsedBatch & { spare?: ArrayBuffer }> {
    if (this.slots.length === 0) return Promise.resolve().then(() => parseBatch(body, now, maxAgeMs));
    let slot = this.slots[0];
    for (const s of this.slots) if (s.busy < slot.busy) slot = s;
    const id = ++this.seq;
    // A megabyte body copied once more per request showed as 5 % of the collector's thread, and its garbage more.
    const whole = (own || (body.byteOffset === 0 && body.byteLength === body.buffer.byteLength)) && body.buffer instanceof ArrayBuffer;
    const copy = whole ? body : new Uint8Array(body);
    const spare = this.spare.splice(0);
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { slot, resolve, reject });
      slot.busy++;
      slot.worker.postMessage({ id, body: copy, now, maxAgeMs, spare } satisfies ParseRequest, [copy.buffer as ArrayBuffer, ...spare]);
    });
  }

  /** Buffers handed back to the workers with the next body, for their batches (at most 8 wait here). */
  private spare: ArrayBuffer[] = [];

  /**
   * Gives a parsed batch's big buffers (its columns and records, once committed: nothing reads
   * them after) back to the workers. Only batches a worker made: those parsed in-thread have
   * no worker to take them.
   */
  recycle(batch: PackedBatch): void {
    if (this.slots.length === 0) return;
    for (const b of [batch.iface.key.buffer as ArrayBuffer, batch.iface.records]) if (b.byteLength >= MIN_BYTES && this.spare.length < 8) this.spare.push(b);
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
