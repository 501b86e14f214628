// The ingest body read into a buffer of the pool (buffers.ts) instead of Fastify's
// Buffer.concat into a new one each request. The same rules as Fastify's own reader
// (content-type-parser.js rawBody): a declared length over the limit is refused before reading,
// the limit counts the decompressed bytes and the compressed ones alike (no gzip bombs), a body
// whose length is not the declared one is a 400, a stream error is a 400.
import type { Readable } from 'node:stream';
import { errorCodes, type FastifyRequest } from 'fastify';
import type { BufferPool } from './buffers.js';

/** The most a body's buffer holds before any of its bytes arrive beyond it. */
export const FIRST_BYTES = 256 * 1024;

/** The body's bytes: a view of the first `length` bytes of a pool buffer, which the caller gives back (or moves on) when done. */
export type Body = Buffer;

export function readBody(req: FastifyRequest, payload: Readable & { receivedEncodedLength?: number }, limit: number, pool: BufferPool, done: (err: Error | null, body?: Body) => void): void {
  const declared = Number(req.headers['content-length']);
  if (declared > limit) return done(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
  // Room for what arrived, not for what was declared: the buffer starts at the declared length
  // (four times it for gzip, which decompresses to more) but at most FIRST_BYTES, and doubles
  // as bytes arrive, so a client declaring a big body and stalling holds little.
  const plain = payload.receivedEncodedLength === undefined;
  let buf = pool.take(Math.min(limit, FIRST_BYTES, Number.isNaN(declared) ? 16 * 1024 : plain ? declared : Math.max(16 * 1024, declared * 4)));
  let bytes = new Uint8Array(buf);
  let n = 0;
  const stop = () => {
    payload.removeListener('data', onData);
    payload.removeListener('end', onEnd);
    payload.removeListener('error', onEnd);
  };
  function onData(chunk: Buffer | string) {
    const c = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    const next = n + c.length;
    if (next > limit || (payload.receivedEncodedLength ?? 0) > limit) {
      stop();
      pool.give(buf);
      return done(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
    }
    if (next > buf.byteLength) {
      const bigger = pool.take(Math.min(limit, Math.max(next, buf.byteLength * 2)));
      const into = new Uint8Array(bigger);
      into.set(bytes.subarray(0, n));
      pool.give(buf);
      buf = bigger;
      bytes = into;
    }
    bytes.set(c, n);
    n = next;
  }
  function onEnd(err?: Error & { statusCode?: number }) {
    stop();
    if (err != null) {
      if (!(typeof err.statusCode === 'number' && err.statusCode >= 400)) err.statusCode = 400;
      pool.give(buf);
      return done(err);
    }
    if (!Number.isNaN(declared) && (payload.receivedEncodedLength || n) !== declared) {
      pool.give(buf);
      return done(new errorCodes.FST_ERR_CTP_INVALID_CONTENT_LENGTH());
    }
    done(null, Buffer.from(buf, 0, n));
  }
  payload.on('data', onData);
  payload.on('end', onEnd);
  payload.on('error', onEnd);
  payload.resume();
}
