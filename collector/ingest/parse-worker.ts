// A parse worker (parse-pool.ts): bodies in, validated batches out, packed (packed.ts): the
// interface samples' typed arrays are moved, not copied; an ApiError crosses as its fields.
import { parentPort } from 'node:worker_threads';
import { parseBatch } from './parse-batch.js';
import { transferables } from './packed.js';

export interface ParseRequest {
  id: number;
  body: Uint8Array;
  now: number;
  maxAgeMs: number;
}

export interface ParseReply {
  id: number;
  batch?: unknown;
  newest?: number;
  error?: { code: string; message: string; path?: string };
  /** A bug in parsing or validation (the request is answered 500). */
  crash?: string;
}

parentPort?.on('message', (m: ParseRequest) => {
  let reply: ParseReply;
  let move: ArrayBuffer[] = [];
  try {
    const r = parseBatch(m.body, m.now, m.maxAgeMs);
    reply = { id: m.id, batch: r.batch, newest: r.newest, error: r.error && { code: r.error.code, message: r.error.message, path: r.error.path } };
    if (r.batch) move = transferables(r.batch);
  } catch (e) {
    reply = { id: m.id, crash: (e as Error)?.stack ?? String(e) };
  }
  parentPort!.postMessage(reply, move);
});
