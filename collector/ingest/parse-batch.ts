// One ingest body from bytes to a validated batch: JSON.parse, the prototype-poisoning check
// Fastify's JSON parser made (a `__proto__` key, or a `constructor` holding `prototype`, is
// refused as malformed JSON), the newest sample time (clock_skew judges the batch's arrival by
// it) and validate.ts. Runs in the parse workers (parse-pool.ts) or, without them, in-thread.
import { ApiError } from '../api/errors.js';
import { newestTs } from '../rules/clock-skew.js';
import { validateBatch } from './validate.js';
import { pack, type PackedBatch } from './packed.js';

export interface ParsedBatch {
  /** The validated batch (packed.ts), or the error that rejects it whole (the request's answer). */
  batch?: PackedBatch;
  error?: ApiError;
  /** The newest finite `samples[].ts` in the body, judged before validation (undefined when none). */
  newest?: number;
}

// The same quick tests secure-json-parse (Fastify's parser) makes before it scans the object.
const PROTO = /"(?:_|\\u005[Ff])(?:_|\\u005[Ff])(?:p|\\u0070)(?:r|\\u0072)(?:o|\\u006[Ff])(?:t|\\u0074)(?:o|\\u006[Ff])(?:_|\\u005[Ff])(?:_|\\u005[Ff])"\s*:/;
const CONSTRUCTOR = /"(?:c|\\u0063)(?:o|\\u006[Ff])(?:n|\\u006[Ee])(?:s|\\u0073)(?:t|\\u0074)(?:r|\\u0072)(?:u|\\u0075)(?:c|\\u0063)(?:t|\\u0074)(?:o|\\u006[Ff])(?:r|\\u0072)"\s*:/;

function hasConstructorPrototype(v: unknown): boolean {
  if (v === null || typeof v !== 'object') return false;
  if (Array.isArray(v)) return v.some(hasConstructorPrototype);
  const o = v as Record<string, unknown>;
  if (Object.prototype.hasOwnProperty.call(o, 'constructor') && o.constructor !== null && typeof o.constructor === 'object' && Object.prototype.hasOwnProperty.call(o.constructor, 'prototype')) return true;
  return Object.values(o).some(hasConstructorPrototype);
}

/** Parses and validates one body; never throws (a malformed body comes back as `error`). */
export function parseBatch(body: Uint8Array, now: number, maxAgeMs: number): ParsedBatch {
  const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  let json: unknown;
  try {
    if (text.trim() === '') throw new SyntaxError('the body is empty');
    json = JSON.parse(text);
    if (PROTO.test(text)) throw new SyntaxError('Object contains forbidden prototype property');
    if (CONSTRUCTOR.test(text) && hasConstructorPrototype(json)) throw new SyntaxError('Object contains forbidden prototype property');
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
