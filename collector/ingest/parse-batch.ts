// One ingest body from bytes to a validated batch: JSON.parse, the prototype-poisoning check
// Fastify's JSON parser made (a `__proto__` key, or a `constructor` holding `prototype`, is
// refused as malformed JSON), the newest sample time (clock_skew judges the batch's arrival by
// it) and validate.ts; the usual body is read from its bytes instead, to the same result
// (fast-batch.ts). Runs in the parse workers (parse-pool.ts) or, without them, in-thread.
import { ApiError } from '../api/errors.js';
import { newestTs } from '../rules/clock-skew.js';
import { validateBatch } from './validate.js';
import { pack, type PackedBatch } from './packed.js';
import { fastBatch } from './fast-batch.js';
import type { BufferPool } from './buffers.js';
import { FORBIDDEN_PROTOTYPE, forbiddenPrototype } from './json-guard.js';

export interface ParsedBatch {
  /** The validated batch (packed.ts), or the error that rejects it whole (the request's answer). */
  batch?: PackedBatch;
  error?: ApiError;
  /** The newest finite `samples[].ts` in the body, judged before validation (undefined when none). */
  newest?: number;
}

/** Parses and validates one body; never throws (a malformed body comes back as `error`). `pool`: where a worker's batch buffers come from (fast-batch.ts). */
export function parseBatch(body: Uint8Array, now: number, maxAgeMs: number, pool?: BufferPool): ParsedBatch {
  return fastBatch(body, now, maxAgeMs, pool) ?? slowBatch(body, now, maxAgeMs);
}

/** parseBatch without fast-batch.ts: the whole body through JSON.parse and validate.ts. */
export function slowBatch(body: Uint8Array, now: number, maxAgeMs: number): ParsedBatch {
  const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  let json: unknown;
  try {
    if (text.trim() === '') throw new SyntaxError('the body is empty');
    json = JSON.parse(text);
    if (forbiddenPrototype(text, json)) throw new SyntaxError(FORBIDDEN_PROTOTYPE);
  } catch (e) {
    return { error: new ApiError('PANTAU_INVALID_JSON', `malformed JSON body: ${(e as Error).message}`) };
  }
  const newest = newestTs(json);
  try {
    return { batch: pack(validateBatch(json, now, maxAgeMs)), newest };
  } catch (e) {
    if (e instanceof ApiError) return { error: e, newest };
    throw e;
  }
}
