// A parse worker (parse-pool.ts): bodies in, validated batches out, packed (packed.ts): the
// interface samples' typed arrays are moved, not copied; an ApiError crosses as its fields.
import { parentPort } from 'node:worker_threads';
import { parseBatch } from './parse-batch.js';
import { transferables } from './packed.js';
import { BufferPool } from './buffers.js';

/** The batches' buffers the collector's thread gave back (ParsePool.recycle), for the next batches. */
const pool = new BufferPool();

export interface ParseRequest {
  id: number;
  body: Uint8Array;
  now: number;
  maxAgeMs: number;
  /** Buffers of earlier batches, given back for this worker's next ones. */
  spare?: ArrayBuffer[];
}

export interface ParseReply {
  id: number;
  batch?: unknown;
  newest?: number;
  error?: { code: string; message: string; path?: string };
  /** A bug in parsing or validation (the request is answered 500). */
  crash?: string;
  /** The body's buffer, moved back for the collector's next body (BufferPool). */
  body?: ArrayBuffer;
}

parentPort?.on('message', (m: ParseRequest) => {
  let reply: ParseReply;
  let move: ArrayBuffer[] = [];
  for (const b of m.spare ?? []) pool.give(b);
  try {
    const r = parseBatch(m.body, m.now, m.maxAgeMs, pool);
    reply = { id: m.id, batch: r.batch, newest: r.newest, error: r.error && { code: r.error.code, message: r.error.message, path: r.error.path } };
    if (r.batch) move = transferables(r.batch);
  } catch (e) {
    reply = { id: m.id, crash: (e as Error)?.stack ?? String(e) };
  }
  reply.body = m.body.buffer as ArrayBuffer;
  parentPort!.postMessage(reply, [...move, reply.body]);
});
